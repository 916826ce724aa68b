/**
 * Moves SQLite's WAL checkpoints off the request path.
 *
 * In WAL mode a commit only appends to the -wal file; every ~1,000 pages the
 * committing connection copies the WAL back into the database and syncs both
 * files. On the app's one connection that stalls the event loop for several
 * milliseconds every hundred or so inbound texts: it was most of the webhook's
 * p99 (scripts/bench-inbound.ts). Here a worker thread with its own connection
 * runs PASSIVE checkpoints, which never block writers, every few tens of
 * milliseconds, so the WAL stays short and the app's commits never checkpoint.
 * The app's connection keeps a large automatic threshold as a backstop, should
 * the worker ever fall behind or die.
 */
import { createRequire } from "node:module";
import { Worker } from "node:worker_threads";
import type { Database } from "better-sqlite3";

export const CHECKPOINT_INTERVAL_MS = 50;
export const BACKSTOP_AUTOCHECKPOINT_PAGES = 10_000; // ~40 MB of WAL with 4 KiB pages

// CommonJS, evaluated: no file to find next to the built server bundle.
const WORKER_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
const Database = require(workerData.driver);
const db = new Database(workerData.file, { timeout: 5000 });
const checkpoint = () => {
  try {
    db.pragma("wal_checkpoint(PASSIVE)");
  } catch (error) {
    parentPort.postMessage({ error: String(error && error.message || error) });
  }
};
const timer = setInterval(checkpoint, workerData.intervalMs);
parentPort.on("message", () => {
  clearInterval(timer);
  checkpoint();
  db.close();
  parentPort.close();
});
`;

export interface Checkpointer {
  stop(): Promise<void>;
}

/** Starts checkpointing `db`'s file from a worker thread; a no-op for in-memory databases and files not in WAL mode. */
export function startWalCheckpointer(db: Database, intervalMs = CHECKPOINT_INTERVAL_MS): Checkpointer {
  if (db.memory || String(db.pragma("journal_mode", { simple: true })).toLowerCase() !== "wal") return { stop: async () => {} };
  db.pragma(`wal_autocheckpoint = ${BACKSTOP_AUTOCHECKPOINT_PAGES}`);
  const driver = createRequire(import.meta.url).resolve("better-sqlite3");
  const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { driver, file: db.name, intervalMs } });
  let reported = false;
  worker.on("message", (message: { error?: string }) => {
    if (message.error && !reported) {
      reported = true; // once: the backstop keeps the WAL bounded meanwhile
      console.error(`SQLite checkpoints fell back to the app's connection: ${message.error}`);
    }
  });
  worker.on("error", (error) => console.error("SQLite checkpoint worker stopped:", error));
  worker.unref(); // never what keeps a process alive: after the listeners, which would ref it again
  const exited = new Promise<void>((resolve) => worker.once("exit", () => resolve()));
  return {
    stop: async () => {
      worker.ref(); // whoever awaits the stop keeps the process up until the last checkpoint is done
      worker.postMessage("stop");
      await exited;
    },
  };
}
