import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import { isDatabaseBusy } from "./sql.server";

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** Two connections to one WAL file, as the app and the worker have. */
function twoConnections() {
  const dir = mkdtempSync(path.join(tmpdir(), "busy-"));
  dirs.push(dir);
  const file = path.join(dir, "db.sqlite");
  const holder = new Database(file);
  holder.pragma("journal_mode = WAL");
  holder.exec("CREATE TABLE t (id INTEGER PRIMARY KEY)");
  return { holder, other: new Database(file, { timeout: 0 }) };
}

const thrownBy = (work: () => unknown) => {
  try {
    work();
  } catch (error) {
    return error;
  }
  throw new Error("expected an error");
};

describe("isDatabaseBusy", () => {
  it("knows SQLite's busy errors: the write lock taken, and a reader's snapshot gone stale", () => {
    const { holder, other } = twoConnections();
    holder.exec("BEGIN IMMEDIATE");
    expect(isDatabaseBusy(thrownBy(() => other.exec("BEGIN IMMEDIATE")))).toBe(true); // SQLITE_BUSY
    holder.exec("COMMIT");

    other.exec("BEGIN"); // deferred: a reader until its first write
    other.prepare("SELECT count(*) FROM t").get();
    holder.exec("INSERT INTO t VALUES (1)");
    const stale = thrownBy(() => other.exec("INSERT INTO t VALUES (2)"));
    expect(stale).toMatchObject({ code: "SQLITE_BUSY_SNAPSHOT" });
    expect(isDatabaseBusy(stale)).toBe(true);
    other.exec("ROLLBACK");
    holder.close();
    other.close();
  });

  it("knows Prisma's and PostgreSQL's time-outs and conflicts, and nothing else", () => {
    for (const code of ["P1008", "P2028", "P2034", "40001", "40P01", "55P03"]) expect(isDatabaseBusy({ code })).toBe(true);
    expect(isDatabaseBusy({ code: "P2010", meta: { driverAdapterError: { cause: { kind: "SocketTimeout" } } } })).toBe(true);
    for (const error of [{ code: "P2002" }, { code: "SQLITE_CONSTRAINT_UNIQUE" }, { code: "23505" }, new Error("boom"), null, "P1008"]) {
      expect(isDatabaseBusy(error)).toBe(false);
    }
  });
});
