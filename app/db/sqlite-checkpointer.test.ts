import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { BACKSTOP_AUTOCHECKPOINT_PAGES, startWalCheckpointer, type Checkpointer } from "./sqlite-checkpointer";

let dir: string;
let file: string;
let db: Database.Database;
let checkpointer: Checkpointer | undefined;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "checkpointer-"));
  file = path.join(dir, "test.db");
  db = new Database(file);
});

afterEach(async () => {
  await checkpointer?.stop();
  checkpointer = undefined;
  db.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

async function waitFor(condition: () => boolean, timeoutMs = 5_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (condition()) return true;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return condition();
}

describe("startWalCheckpointer", () => {
  it("copies committed pages into the database file from its own thread, so the app's connection never has to", async () => {
    db.pragma("journal_mode = WAL");
    db.exec(`CREATE TABLE "Blob" ("id" INTEGER PRIMARY KEY, "data" BLOB)`);
    db.pragma("wal_checkpoint(TRUNCATE)");
    const sizeBefore = fs.statSync(file).size;

    checkpointer = startWalCheckpointer(db, 10);
    // The app's own connection would now checkpoint only past the backstop, far beyond what is written here.
    expect(db.pragma("wal_autocheckpoint", { simple: true })).toBe(BACKSTOP_AUTOCHECKPOINT_PAGES);
    const insert = db.prepare(`INSERT INTO "Blob" ("data") VALUES (?)`);
    for (let i = 0; i < 200; i++) insert.run(Buffer.alloc(4096, i)); // ~200 pages, each its own commit

    // Pages reach the database file only through a checkpoint, and nobody but the worker runs one.
    expect(await waitFor(() => fs.statSync(file).size >= sizeBefore + 200 * 4096)).toBe(true);
    const reader = new Database(file, { readonly: true });
    expect(reader.prepare(`SELECT count(*) AS n FROM "Blob"`).get()).toEqual({ n: 200 });
    reader.close();
  });

  it("does nothing for a database that is not in WAL mode", async () => {
    db.pragma("journal_mode = DELETE");
    checkpointer = startWalCheckpointer(db, 10);
    expect(db.pragma("wal_autocheckpoint", { simple: true })).toBe(1000); // SQLite's default, untouched
    await checkpointer.stop();
  });

  it("stops when asked, with a last checkpoint", async () => {
    db.pragma("journal_mode = WAL");
    db.exec(`CREATE TABLE "Blob" ("id" INTEGER PRIMARY KEY, "data" BLOB)`);
    db.pragma("wal_checkpoint(TRUNCATE)");
    const sizeBefore = fs.statSync(file).size;
    checkpointer = startWalCheckpointer(db, 60_000); // no periodic run within this test
    db.prepare(`INSERT INTO "Blob" ("data") VALUES (?)`).run(Buffer.alloc(8192, 1));
    await checkpointer.stop();
    checkpointer = undefined;
    expect(fs.statSync(file).size).toBeGreaterThan(sizeBefore);
  });
});
