// `npm start`: the production server (after `npm run build`).
import { disconnectPrisma } from "../app/db.server";
import { env } from "../app/env.server";
import { startAppServer } from "./app-server";

env(); // fail at boot, with the list of what is missing, rather than on the first request
const server = await startAppServer({ port: Number(process.env.PORT || 3000) });
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
