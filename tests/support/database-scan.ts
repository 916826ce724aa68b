/**
 * Reads every row of every model (Prisma.ModelName, so a model added later is
 * scanned too), for tests that must prove what is, or is not, left anywhere.
 */
import { Prisma } from "@prisma/client";
import prisma from "../../app/db.server";

export type Row = Record<string, unknown>;
export type Tables = Record<Prisma.ModelName, Row[]>;

export const MODEL_NAMES = Object.values(Prisma.ModelName);

type Delegate = { findMany: () => Promise<Row[]> };

export async function readAllTables(): Promise<Tables> {
  const tables = {} as Tables;
  for (const model of MODEL_NAMES) {
    const delegate = (prisma as unknown as Record<string, Delegate>)[model.charAt(0).toLowerCase() + model.slice(1)]!;
    tables[model] = await delegate.findMany();
  }
  return tables;
}

/** Every column of the row as text (BigInt and Date included), so a substring search sees all of it. */
export function rowText(row: Row): string {
  return JSON.stringify(row, (_key, value: unknown) => (typeof value === "bigint" ? value.toString() : value));
}

export interface Hit {
  model: Prisma.ModelName;
  needle: string;
  row: string;
}

/** Where any of `needles` occurs in any column of any row that `include` keeps. */
export function findText(tables: Tables, needles: readonly string[], include: (model: Prisma.ModelName, row: Row) => boolean = () => true): Hit[] {
  const hits: Hit[] = [];
  for (const model of MODEL_NAMES) {
    for (const row of tables[model]) {
      if (!include(model, row)) continue;
      const text = rowText(row);
      for (const needle of needles) if (text.includes(needle)) hits.push({ model, needle, row: text });
    }
  }
  return hits;
}

/**
 * Rows that belong to a shop: those with its domain in any column, and the
 * clicks on its links (pass the link ids read earlier once the links are gone).
 */
export function rowsOfShop(
  tables: Tables,
  shop: string,
  linkIds: ReadonlySet<unknown> = new Set(tables.TrackedLink.filter((link) => link.shop === shop).map((link) => link.id)),
): { model: Prisma.ModelName; row: string }[] {
  const links = linkIds;
  const found: { model: Prisma.ModelName; row: string }[] = [];
  for (const model of MODEL_NAMES) {
    for (const row of tables[model]) {
      const text = rowText(row);
      if (text.includes(shop) || (model === "LinkClick" && links.has(row.linkId))) found.push({ model, row: text });
    }
  }
  return found;
}

/** A comparable picture of the database (rows in a stable order), to prove that something changed nothing. */
export async function databaseSnapshot(): Promise<Record<string, string[]>> {
  const tables = await readAllTables();
  return Object.fromEntries(MODEL_NAMES.map((model) => [model, tables[model].map(rowText).sort()]));
}
