import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { MAX_UNITS_PER_COMMIT, SqliteGroupCommit } from "./sqlite-group-commit";
import type { Sql } from "./sql.server";

let dir: string;
let db: Database.Database;
let observer: Database.Database; // a second connection: sees only what is committed
let groups: number;
let groupCommit: SqliteGroupCommit;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "group-commit-"));
  db = new Database(path.join(dir, "test.db"));
  db.pragma("journal_mode = WAL");
  db.pragma("foreign_keys = ON");
  db.exec(`
    CREATE TABLE "Parent" ("id" TEXT PRIMARY KEY);
    CREATE TABLE "Note" ("id" TEXT PRIMARY KEY, "parentId" TEXT REFERENCES "Parent"("id") DEFERRABLE INITIALLY DEFERRED);
  `);
  observer = new Database(path.join(dir, "test.db"), { readonly: true });
  groups = 0;
  // A plain lock, as the serialized adapter provides: one holder at a time.
  let tail: Promise<unknown> = Promise.resolve();
  groupCommit = new SqliteGroupCommit((work) => {
    const run = tail.then(() => {
      groups += 1;
      return work(db);
    });
    tail = run.catch(() => {});
    return run;
  });
});

afterEach(() => {
  observer.close();
  db.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const insertNote = (id: string, parentId: string | null = null) => async (sql: Sql) => {
  await sql.run(`INSERT INTO "Note" ("id", "parentId") VALUES (?, ?)`, [id, parentId]);
  return id;
};
const committedNotes = () => (observer.prepare(`SELECT "id" FROM "Note" ORDER BY "id"`).all() as { id: string }[]).map((row) => row.id);

describe("SqliteGroupCommit", () => {
  it("commits work that arrives together in one transaction, and answers each caller with its own result", async () => {
    const results = await Promise.all(["a", "b", "c", "d"].map((id) => groupCommit.run(insertNote(id))));
    expect(results).toEqual(["a", "b", "c", "d"]);
    expect(groups).toBe(1);
    expect(committedNotes()).toEqual(["a", "b", "c", "d"]);
  });

  it("resolves only once the work is committed: another connection already sees it", async () => {
    const seenAtResolve = await groupCommit.run(insertNote("x")).then(() => committedNotes());
    expect(seenAtResolve).toEqual(["x"]);
  });

  it("rolls back a failing unit alone; the others in its group commit", async () => {
    const outcomes = await Promise.allSettled([
      groupCommit.run(insertNote("a")),
      groupCommit.run(async (sql) => {
        await sql.run(`INSERT INTO "Note" ("id") VALUES (?)`, ["half-done"]);
        await sql.run(`INSERT INTO "Note" ("id") VALUES (?)`, ["a"]); // duplicate key
        return "never";
      }),
      groupCommit.run(insertNote("c")),
    ]);
    expect(outcomes.map((outcome) => outcome.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
    expect(String((outcomes[1] as PromiseRejectedResult).reason)).toMatch(/UNIQUE constraint failed/);
    expect(groups).toBe(1);
    expect(committedNotes()).toEqual(["a", "c"]); // nothing of the failed unit, not even its first row
  });

  it("fails every unit of a group whose COMMIT fails, and stores none of them", async () => {
    // A deferred foreign key is checked at COMMIT: one unit's orphan makes the whole commit fail.
    const outcomes = await Promise.allSettled([
      groupCommit.run(insertNote("a")),
      groupCommit.run(insertNote("orphan", "no-such-parent")),
      groupCommit.run(insertNote("c")),
    ]);
    expect(outcomes.map((outcome) => outcome.status)).toEqual(["rejected", "rejected", "rejected"]);
    for (const outcome of outcomes) expect(String((outcome as PromiseRejectedResult).reason)).toMatch(/FOREIGN KEY constraint failed/);
    expect(committedNotes()).toEqual([]);
    expect(db.inTransaction).toBe(false);

    // The connection is usable afterwards.
    await groupCommit.run(insertNote("after"));
    expect(committedNotes()).toEqual(["after"]);
  });

  it(`splits a burst into groups of at most ${MAX_UNITS_PER_COMMIT}`, async () => {
    const ids = Array.from({ length: MAX_UNITS_PER_COMMIT * 2 + 1 }, (_, i) => `n${String(i).padStart(4, "0")}`);
    await Promise.all(ids.map((id) => groupCommit.run(insertNote(id))));
    expect(groups).toBe(3);
    expect(committedNotes()).toEqual(ids);
  });

  it("gives work that starts later a group of its own", async () => {
    await groupCommit.run(insertNote("first"));
    await groupCommit.run(insertNote("second"));
    expect(groups).toBe(2);
    expect(committedNotes()).toEqual(["first", "second"]);
  });
});
