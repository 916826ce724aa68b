/**
 * The import's report: every row that was not subscribed (or asked to
 * confirm as the merchant chose), with what happened to it and why, in words.
 * Built chunk by chunk (each chunk's lines are appended in the transaction
 * that applies the chunk), downloaded as CSV.
 */
import { stringify } from "csv-stringify/sync";
import { spreadsheetSafe } from "../../compliance/csv-safety";

export const REPORT_OUTCOMES = {
  refused: "Not imported",
  unchanged: "Unchanged",
  asked: "Asked to confirm by text",
} as const;
export type ReportOutcome = keyof typeof REPORT_OUTCOMES;

export interface ReportLine {
  row: number;
  /** As written in the file. */
  phone: string;
  outcome: ReportOutcome;
  reason: string;
}

export const REPORT_HEADER = stringify([["Row", "Phone (as in the file)", "Outcome", "Reason"]]);

export function reportLines(lines: readonly ReportLine[]): string {
  if (lines.length === 0) return "";
  // The file's content is not ours: a cell a spreadsheet would run as a formula is kept as text.
  return stringify(lines.map((line) => [line.row, spreadsheetSafe(line.phone), REPORT_OUTCOMES[line.outcome], spreadsheetSafe(line.reason)]));
}

/** The downloadable report: header and lines. */
export function reportCsv(lines: string): string {
  return REPORT_HEADER + lines;
}

/** The reasons the database decides (the row's own evidence is judged by import-row.ts). */
export const STATE_REASONS = {
  optedOut: "Opted out here: only the person can subscribe again (by texting in or at checkout)",
  optedOutSince: "Opted out here after this consent was given",
  erased: "Erased at the customer's request: their opt-out stands",
  expired: "Was asked to confirm by text and did not reply: an import does not ask again",
  alreadySubscribed: "Already subscribed: unchanged",
  alreadyPending: "Already asked to confirm: unchanged",
  fellBack: "The file does not say this number confirmed (double opt-in): a text asks them to confirm",
  duplicate: (row: number) => `Duplicate of row ${row}: merged`,
} as const;
