/**
 * An uploaded list as text, its first rows for the mapping page, and its rows
 * one at a time for the import (csv-parse as a stream: the file is read in
 * 64 KB pieces and never held as an array of rows).
 */
import { Readable } from "node:stream";
import { parse, type Options } from "csv-parse";
import { parse as parseSync } from "csv-parse/sync";
import { detectDelimiter, guessMapping, type Delimiter } from "./import-mapping";

export { MAX_IMPORT_BYTES, PREVIEW_BYTES } from "./import-limits";
export const PREVIEW_ROWS = 5;
/** One cell or row larger than this is not a list of numbers (a quote left open swallows the rest of the file). */
const MAX_RECORD_BYTES = 64 * 1024;

export type DecodedFile = { ok: true; text: string } | { ok: false; error: string };

const ZIP_MAGIC = [0x50, 0x4b, 0x03, 0x04];
const OLE_MAGIC = [0xd0, 0xcf, 0x11, 0xe0];

/**
 * The file's text: UTF-8 (with or without a byte-order mark), or Windows-1252
 * as older Excel saves "CSV" on Windows. Refuses what is not text, in words.
 */
export function decodeCsvBytes(bytes: Uint8Array, fileName: string): DecodedFile {
  if (bytes.length === 0) return { ok: false, error: "The file is empty." };
  if (startsWith(bytes, ZIP_MAGIC) || startsWith(bytes, OLE_MAGIC) || /\.xlsx?$/i.test(fileName)) {
    return { ok: false, error: "This is an Excel workbook, not a CSV file. In Excel, choose File → Save As → “CSV UTF-8”, then upload that file." };
  }
  if (!/\.(csv|txt|tsv)$/i.test(fileName)) return { ok: false, error: "Choose a CSV file (its name ends in .csv)." };
  if (bytes.subarray(0, 8192).includes(0)) return { ok: false, error: "This file is not text: choose the CSV file your previous tool exported." };
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    text = new TextDecoder("windows-1252").decode(bytes);
  }
  return { ok: true, text: text.replace(/^\uFEFF/, "") };
}

function startsWith(bytes: Uint8Array, magic: readonly number[]): boolean {
  return magic.every((byte, i) => bytes[i] === byte);
}

function parseOptions(delimiter: Delimiter): Options {
  return { delimiter, bom: true, relax_column_count: true, relax_quotes: true, skip_empty_lines: true, max_record_size: MAX_RECORD_BYTES };
}

export type CsvPreview =
  | { ok: true; headers: string[]; rows: string[][]; guess: ReturnType<typeof guessMapping> }
  | { ok: false; error: string };

/** The header, the first rows and the guessed mapping, from the start of a file (a cut-off last line is dropped). */
export function previewCsv(start: string, shopCountry: string | null, complete = false): CsvPreview {
  const text = complete ? start : start.slice(0, Math.max(start.lastIndexOf("\n"), 0));
  const firstLine = (complete ? start : text || start).split(/\r?\n/, 1)[0] ?? "";
  if (!firstLine.trim()) return { ok: false, error: "The file has no header row: its first line should name the columns (Phone, Consent date…)." };
  const delimiter = detectDelimiter(firstLine);
  let records: string[][];
  try {
    records = parseSync(text || firstLine, { ...parseOptions(delimiter), to: PREVIEW_ROWS + 1 }) as string[][];
  } catch (error) {
    return { ok: false, error: csvErrorInWords(error) };
  }
  const [headers = [], ...rows] = records;
  if (headers.length < 1 || headers.every((header) => !header.trim())) return { ok: false, error: "The file has no header row." };
  return { ok: true, headers, rows, guess: guessMapping(headers, rows, delimiter, shopCountry) };
}

/**
 * The file's data rows in order, from data row `fromRow` (0 = the first after
 * the header), streamed. Each comes with its row number as a spreadsheet
 * shows it (the header is row 1).
 */
export async function* csvRows(text: string, delimiter: Delimiter, fromRow = 0): AsyncGenerator<{ row: number; cells: string[] }> {
  const parser = Readable.from(pieces(text), { objectMode: false }).pipe(parse({ ...parseOptions(delimiter), from_line: 1 }));
  let index = -1;
  for await (const record of parser as AsyncIterable<string[]>) {
    index += 1;
    if (index === 0 || index - 1 < fromRow) continue; // the header, and rows already done
    yield { row: index + 1, cells: record };
  }
}

/** How many data rows the file has (a pass that parses and forgets). */
export async function countCsvRows(text: string, delimiter: Delimiter): Promise<number> {
  let count = 0;
  for await (const _ of csvRows(text, delimiter)) count += 1;
  return count;
}

const PIECE = 64 * 1024;

function* pieces(text: string): Generator<string> {
  let at = 0;
  while (at < text.length) {
    let end = Math.min(at + PIECE, text.length);
    const last = text.charCodeAt(end - 1);
    if (last >= 0xd800 && last <= 0xdbff && end < text.length) end += 1; // never split an emoji's surrogate pair
    yield text.slice(at, end);
    at = end;
  }
}

/** csv-parse's error, as a merchant can act on it. */
export function csvErrorInWords(error: unknown): string {
  const { code, lines } = (error ?? {}) as { code?: string; lines?: number };
  const where = lines ? ` (near line ${lines})` : "";
  switch (code) {
    case "CSV_QUOTE_NOT_CLOSED":
      return `A quoted value is never closed${where}: the file may be cut short or not be a CSV file.`;
    case "CSV_MAX_RECORD_SIZE":
      return `One row is far too long${where}: a quote may be left open. Check the file in a spreadsheet and export it again.`;
    case "CSV_INVALID_CLOSING_QUOTE":
      return `A quote is closed in the middle of a value${where}.`;
    default:
      return `The file could not be read as CSV${where}: ${(error as Error)?.message ?? String(error)}`;
  }
}
