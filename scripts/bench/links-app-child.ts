/**
 * The app under test for scripts/bench-links.ts, in a process of its own:
 * the built app (server/app-server.ts, as `npm start` runs it) on 127.0.0.1,
 * on the database the parent seeded with tracked links.
 */
import { migrate } from "../../app/db/migrator";

const databaseUrl = process.env.DATABASE_URL!;
await migrate(databaseUrl);

// Imported after the environment is set: the app reads it on first use.
const { startAppServer } = await import("../../server/app-server");
const { disconnectPrisma } = await import("../../app/db.server");

const server = await startAppServer({ port: 0, host: "127.0.0.1" });
process.send!({ ready: true, port: server.port });

process.on("message", async (message: { stop?: boolean; cpu?: boolean }) => {
  if (message.cpu) process.send!({ cpu: process.cpuUsage() });
  if (!message.stop) return;
  await server.close();
  await disconnectPrisma();
  process.exit(0);
});
