// `npm start`: the production server (after `npm run build`).
import { disconnectPrisma } from "../app/db.server";
import { demoDataRefusal } from "../app/demo/demo-data-guard.server";
import { env } from "../app/env.server";
import { startAppServer } from "./app-server";

// Fail at boot, with sentences a person can act on, rather than on the first request:
// a missing or invalid variable, a published demo value, or the demo's database in production.
try {
  const config = env();
  const refusal = config.NODE_ENV === "production" ? await demoDataRefusal() : null;
  if (refusal) throw new Error(refusal);
} catch (error) {
  console.error(error instanceof Error ? error.message : String(error));
  await disconnectPrisma();
  process.exit(1);
}
const server = await startAppServer({ port: Number(process.env.PORT || 3000), host: process.env.HOST || undefined });
console.log(`SMS consent app listening on ${server.url}`);

// A deploy or restart: stop taking requests, let SQLite finish its last checkpoint, close the pool, exit.
const stop = async () => {
  await server.close();
  await disconnectPrisma();
  console.log("SMS consent app stopped");
  process.exit(0);
};
process.once("SIGTERM", stop);
process.once("SIGINT", stop);
