/**
 * The plain SQL of the hot write paths names its tables and columns by hand,
 * so a schema change would break nothing at build time, only at run time, on
 * the first text. This holds every raw INSERT and UPDATE in the app's code
 * against Prisma's models (Prisma.dmmf), and compiles each one against the
 * migrated database of the provider under test.
 *
 * SQL assembled from a typed object (createSubscriber, updateSubscriber:
 * column names from Prisma's Subscriber type) is checked by the compiler; the
 * fixed parts of its text are checked here too.
 */
import fs from "node:fs";
import path from "node:path";
import { Prisma } from "@prisma/client";
import { describe, expect, it } from "vitest";
import prisma, { databaseProvider } from "../db.server";

interface RawWrite {
  file: string;
  text: string;
  table: string;
  columns: string[];
}

const APP_DIR = path.resolve(__dirname, "..");

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return /\.tsx?$/.test(entry.name) && !/\.test\.tsx?$/.test(entry.name) ? [full] : [];
  });
}

const quoted = (text: string) => [...text.matchAll(/"(\w+)"/g)].map((match) => match[1]!);

/** Every template literal that writes with INSERT INTO or UPDATE, with the table and the columns it names. */
function rawWrites(): RawWrite[] {
  const writes: RawWrite[] = [];
  for (const file of sourceFiles(APP_DIR)) {
    const source = fs.readFileSync(file, "utf8");
    for (const [, literal] of source.matchAll(/`((?:[^`\\]|\\.)*)`/gs)) {
      const text = literal!;
      const sql = text.replace(/\s+/g, " ");
      const insert = /^\s*INSERT INTO "(\w+)" \(([^)]*)\)(.*)$/i.exec(sql);
      const update = /^\s*UPDATE "(\w+)" SET (.*?)(?: WHERE .*| RETURNING .*)?$/i.exec(sql);
      if (insert) {
        const [, table, list, rest] = insert;
        // ON CONFLICT ("a", "b") DO UPDATE SET "c" = …: the conflict target and the columns it sets.
        const conflict = /ON CONFLICT \(([^)]*)\)(?: DO UPDATE SET (.*?)(?: WHERE .*| RETURNING .*)?)?$/i.exec(rest!);
        const setColumns = conflict?.[2] ? [...conflict[2].matchAll(/"(\w+)" =/g)].map((match) => match[1]!) : [];
        writes.push({ file, text, table: table!, columns: [...quoted(list!), ...quoted(conflict?.[1] ?? ""), ...setColumns] });
      } else if (update) {
        const [, table, set] = update;
        writes.push({ file, text, table: table!, columns: [...set!.matchAll(/"(\w+)" =/g)].map((match) => match[1]!) });
      }
    }
  }
  return writes;
}

const modelColumns = new Map(
  Prisma.dmmf.datamodel.models.map((model) => [
    model.dbName ?? model.name,
    new Set(model.fields.filter((field) => field.kind === "scalar" || field.kind === "enum").map((field) => field.dbName ?? field.name)),
  ]),
);

// Prisma's own migration history (written by the migrator) is no model of ours.
const writes = rawWrites().filter((write) => !write.table.startsWith("_prisma"));
const where = (write: RawWrite) => `${path.relative(APP_DIR, write.file)}: ${write.text.trim().split("\n")[0]}`;

describe(`raw INSERT and UPDATE statements against the schema (${databaseProvider()})`, () => {
  it("finds the hot path's writes (subscriber, ledger, chain head, sync queue, inbound record, rate limits)", () => {
    const tables = new Set(writes.map((write) => write.table));
    for (const table of ["Subscriber", "ConsentEvent", "ConsentChainHead", "ShopifySyncJob", "InboundMessage", "Message"]) {
      expect(tables, `no raw write to ${table} found: has the code moved?`).toContain(table);
    }
  });

  it("names only tables and columns that Prisma's models have", () => {
    const unknown = writes.flatMap((write) => {
      const columns = modelColumns.get(write.table);
      if (!columns) return [`${where(write)}: no model "${write.table}"`];
      return write.columns.filter((column) => !columns.has(column)).map((column) => `${where(write)}: ${write.table} has no field "${column}"`);
    });
    expect(unknown).toEqual([]);
  });

  it("lists every column an INSERT must fill: each field without a default or null", () => {
    const required = new Map(
      Prisma.dmmf.datamodel.models.map((model) => [
        model.dbName ?? model.name,
        model.fields
          .filter((field) => field.kind === "scalar" && field.isRequired && !field.hasDefaultValue && !field.isUpdatedAt)
          .map((field) => field.dbName ?? field.name),
      ]),
    );
    const missing = writes
      .filter((write) => /^\s*INSERT/i.test(write.text) && !write.text.includes("${"))
      .flatMap((write) => (required.get(write.table) ?? []).filter((column) => !write.columns.includes(column)).map((column) => `${where(write)}: no "${column}"`));
    expect(missing).toEqual([]);
  });

  it("compiles every fixed statement against this database's migrated schema", async () => {
    const failures: string[] = [];
    for (const write of writes.filter((w) => !w.text.includes("${"))) {
      const placeholders = write.text.split("?").length - 1;
      let n = 0;
      const text = databaseProvider() === "postgresql" ? write.text.replace(/\?/g, () => `$${++n}`) : write.text;
      try {
        // EXPLAIN plans the statement (resolving every table and column) without running it.
        await prisma.$queryRawUnsafe(`EXPLAIN ${text}`, ...Array.from({ length: placeholders }, () => null));
      } catch (error) {
        const message = (error as Error).message;
        failures.push(`${where(write)}: ${/Message: `([^`]*)`/.exec(message)?.[1] ?? message.slice(-300)}`);
      }
    }
    expect(failures).toEqual([]);
  });
});
