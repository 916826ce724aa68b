/**
 * Importing a list from another SMS tool: the upload becomes a SubscriberImport
 * row (the file kept in it until the import ends), and the worker works through
 * it in chunks (`runSubscriberImports`).
 *
 * Each chunk is one transaction: its rows' consent changes (through the consent
 * engine, source "import"), the confirmation requests they queue, its lines of
 * the report and the import's `processedRows` commit together. The chunk first
 * checks that the import is still its worker's at the same `processedRows`, so
 * a worker killed mid-chunk leaves nothing of that chunk behind, and whoever
 * takes the import over (once the lease ran out) starts exactly where the last
 * commit left it: no row is applied twice, none is skipped.
 *
 * What a row needs is decided purely (import-row.ts); what the database knows
 * decides the rest, under the shop's consent lock: a number opted out here, or
 * erased at the customer's request (its opt-out survives as a keyed hash),
 * stays opted out; a number that was asked to confirm and never answered is
 * not asked again; a number already subscribed or waiting for its Y is left
 * as it is. So the same file imported twice changes nothing the second time.
 * A number that appears twice in a file is imported once, from its first row
 * with complete evidence; the others are reported as its duplicates.
 *
 * On PostgreSQL a chunk runs as a batch of the shop's consent changes
 * (db/group-commit.ts): the chain lock and every number's subscriber are read
 * once, and the chunk's writes go as multi-row INSERTs with its COMMIT.
 */
import { createHash } from "node:crypto";
import { promisify } from "node:util";
import { gunzip, gzip } from "node:zlib";
import prisma, { withSqlTransaction } from "../../db.server";
import { readDate, readInt, type Sql, type SqlRow, type SqlValue } from "../../db/sql.server";
import { applyConsentChange, prepareConsentBatch } from "../../consent/consent-engine.server";
import type { Evidence } from "../../consent/ledger.server";
import { redactedPhoneKey } from "../../consent/redacted-phone.server";
import { REVOKED_SINCE } from "../../consent/transitions";
import { composeConfirmation, supportedLanguagesOf } from "../../messaging/confirmation-text";
import { enqueueMessageSql } from "../../messaging/outbox.server";
import { claimDueJobs, type JobTable } from "../../queues/job-lease.server";
import { countryListOf } from "../../phone/phone-number";
import { nextAllowedSendTime } from "../../sending-rules/quiet-hours";
import { recipientLocator, type RecipientLocator } from "../../sending-rules/recipient-location.server";
import { csvErrorInWords, csvRows, countCsvRows, previewCsv } from "./import-file";
import { importMappingSchema, type ImportMapping } from "./import-mapping";
import { reportCsv, reportLines, STATE_REASONS, type ReportLine } from "./import-report";
import { decideRow, type ConfirmMode, type ImportedConsent, type RowContext } from "./import-row";

/** Rows per transaction: long enough to share a commit, short enough that SQLite's write lock is never held long. */
export const IMPORT_CHUNK_ROWS = 1000;
/** How long a worker holds an import between chunks before another may take it over. */
export const IMPORT_LEASE_MS = 2 * 60_000;
const HOUR_MS = 60 * 60_000;

export interface NewSubscriberImport {
  fileName: string;
  /** The file's text (decoded by import-file.ts). */
  csv: string;
  /** sha256 of the uploaded bytes. */
  fileHash: string;
  mapping: ImportMapping;
  confirmMode: ConfirmMode;
  /** Who started it, as the admin session names them. */
  staff: string | null;
}

export async function createSubscriberImport(shop: string, input: NewSubscriberImport): Promise<{ id: string }> {
  const mapping = importMappingSchema.parse(input.mapping);
  return prisma.subscriberImport.create({
    data: {
      shop,
      fileName: input.fileName,
      fileHash: input.fileHash,
      csv: await storedFile(input.csv),
      mapping: JSON.stringify(mapping),
      confirmMode: input.confirmMode,
      staff: input.staff,
    },
    select: { id: true },
  });
}

/**
 * The file as kept in SubscriberImport.csv: gzipped (base64, "gzip:" first).
 * Every chunk commits its progress to the import's row, and SQLite rewrites a
 * whole row on each update: a 12 MB list kept as text made each of a
 * 100,000-row import's 100 commits write 12 MB (and as much again at each
 * checkpoint), most of the import's time. Lists compress 4 to 10 times.
 */
export async function storedFile(text: string): Promise<string> {
  // In libuv's thread pool: compressing a 50 MB upload must not stall the app's event loop.
  return `${GZIP_PREFIX}${(await gzipAsync(Buffer.from(text, "utf8"), { level: 6 })).toString("base64")}`;
}

/** The file's text from SubscriberImport.csv (plain text, as an import queued before this encoding, is read as is). */
export async function fileText(stored: string): Promise<string> {
  return stored.startsWith(GZIP_PREFIX) ? (await gunzipAsync(Buffer.from(stored.slice(GZIP_PREFIX.length), "base64"))).toString("utf8") : stored;
}

const GZIP_PREFIX = "gzip:";
const gzipAsync = promisify(gzip);
const gunzipAsync = promisify(gunzip);

export function fileHashOf(bytes: Uint8Array | string): string {
  return createHash("sha256").update(bytes).digest("hex");
}

const PROGRESS_FIELDS = {
  id: true,
  fileName: true,
  fileHash: true,
  confirmMode: true,
  staff: true,
  status: true,
  totalRows: true,
  processedRows: true,
  subscribedRows: true,
  pendingRows: true,
  unchangedRows: true,
  refusedRows: true,
  error: true,
  createdAt: true,
  completedAt: true,
} as const;

export type ImportProgress = Awaited<ReturnType<typeof getSubscriberImport>>;

/** An import's progress and counts (never its file or report), or null when it is not this shop's. */
export function getSubscriberImport(shop: string, id: string) {
  return prisma.subscriberImport.findFirst({ where: { id, shop }, select: PROGRESS_FIELDS });
}

export function listSubscriberImports(shop: string, take = 20) {
  return prisma.subscriberImport.findMany({ where: { shop }, orderBy: { createdAt: "desc" }, take, select: PROGRESS_FIELDS });
}

/** The report as CSV (every row not subscribed, with the reason), or null when the import is not this shop's. */
export async function getSubscriberImportReport(shop: string, id: string): Promise<{ fileName: string; csv: string; status: string } | null> {
  const found = await prisma.subscriberImport.findFirst({ where: { id, shop }, select: { fileName: true, report: true, status: true } });
  if (!found) return null;
  const base = found.fileName.replace(/\.[^.]*$/, "").replace(/[^\w.-]+/g, "-").slice(0, 60) || "import";
  return { fileName: `${base}-report.csv`, csv: reportCsv(found.report), status: found.status };
}

export interface ImportRunReport {
  /** Imports this call worked on. */
  imports: number;
  /** Rows it processed, across them. */
  rows: number;
  /** Imports it finished (done or failed). */
  finished: string[];
}

/**
 * For the worker: takes a queued import (or one whose worker's lease ran out),
 * and works through up to `limit` rows of it, a chunk per transaction; then
 * the next import, while rows of the budget are left. An import not finished
 * within the budget is released for the next call (here or in another worker).
 */
export async function runSubscriberImports(options: { limit?: number; now?: Date } = {}): Promise<ImportRunReport> {
  const limit = options.limit ?? 5 * IMPORT_CHUNK_ROWS;
  const started = Date.now();
  const clock = () => new Date((options.now ?? new Date(started)).getTime() + (Date.now() - started));
  const report: ImportRunReport = { imports: 0, rows: 0, finished: [] };
  while (report.rows < limit) {
    const claimed = await claimImport(clock());
    if (!claimed) break;
    report.imports += 1;
    const outcome = await workOn(claimed, limit - report.rows, clock);
    report.rows += outcome.rows;
    if (outcome.finished) report.finished.push(claimed.id);
    else break;
  }
  return report;
}

/**
 * A file imported for a shop from start to end, in this process: what the
 * admin benchmark measures (`npm run bench:admin`). The mapping defaults to
 * the guess from the file's headers.
 */
export async function importSubscribersCsv(input: {
  shop: string;
  fileName: string;
  csv: string;
  confirmMode: ConfirmMode;
  mapping?: ImportMapping;
  staff?: string | null;
}): Promise<NonNullable<ImportProgress>> {
  let mapping = input.mapping;
  if (!mapping) {
    const preview = previewCsv(input.csv.slice(0, 64 * 1024), null, input.csv.length <= 64 * 1024);
    if (!preview.ok) throw new Error(preview.error);
    mapping = importMappingSchema.parse({ ...preview.guess });
  }
  const { id } = await createSubscriberImport(input.shop, {
    fileName: input.fileName,
    csv: input.csv,
    fileHash: fileHashOf(input.csv),
    mapping,
    confirmMode: input.confirmMode,
    staff: input.staff ?? null,
  });
  for (;;) {
    const progress = await getSubscriberImport(input.shop, id);
    if (!progress) throw new Error(`Import ${id} disappeared`);
    if (progress.status === "done" || progress.status === "failed") return progress;
    const ran = await runSubscriberImports({ limit: 100 * IMPORT_CHUNK_ROWS });
    if (ran.imports === 0) throw new Error(`Import ${id} could not be claimed: another worker holds it`);
  }
}

interface ClaimedImport {
  id: string;
  shop: string;
  fileName: string;
  fileHash: string;
  mapping: string;
  confirmMode: ConfirmMode;
  staff: string | null;
  processedRows: number;
  totalRows: number;
  createdAt: Date;
}

/**
 * queued → running, or taken over as it is once its worker's lease ran out or
 * its worker released it between calls (running without a lease): the chunks
 * check processedRows, so it resumes where the last one committed.
 */
const IMPORT_JOBS: JobTable = { table: "SubscriberImport", ready: "queued", leased: "running", due: { inOrderOf: "createdAt" }, countsAttempts: false };
/** Not the file: the claim is made on every call, and workOn reads the file only when it works on it. */
const CLAIMED_COLUMNS = ["id", "shop", "fileName", "fileHash", "mapping", "confirmMode", "staff", "processedRows", "totalRows", "createdAt"] as const;

async function claimImport(now: Date): Promise<ClaimedImport | null> {
  const rows = await withSqlTransaction((sql) =>
    claimDueJobs(sql, IMPORT_JOBS, { now, limit: 1, leaseMs: IMPORT_LEASE_MS, takeOver: true, returning: CLAIMED_COLUMNS }),
  );
  const [row] = rows;
  if (!row) return null;
  return {
    id: String(row.id),
    shop: String(row.shop),
    fileName: String(row.fileName),
    fileHash: String(row.fileHash),
    mapping: String(row.mapping),
    confirmMode: String(row.confirmMode) === "already_confirmed" ? "already_confirmed" : "double_opt_in",
    staff: row.staff === null || row.staff === undefined ? null : String(row.staff),
    processedRows: readInt(row.processedRows),
    totalRows: readInt(row.totalRows),
    createdAt: readDate(row.createdAt)!,
  };
}

/** Where a worker is in an import's file: kept between calls, so a large file is parsed once, not once per call. */
interface Cursor {
  rows: AsyncGenerator<{ row: number; cells: string[] }>;
  /** Data rows consumed so far (= the import's processedRows when in step). */
  consumed: number;
  /** Each imported number's first row with complete evidence: later rows of the number are its duplicates. */
  seen: Map<string, number>;
}

const cursors = new Map<string, Cursor>();
const MAX_CURSORS = 4;

interface ImportSetting {
  shop: string;
  context: RowContext;
  requestText: string;
  language: string;
  quietHours: { start: string; end: string };
  timezone: string;
  pendingExpiryHours: number;
  locate: RecipientLocator;
}

async function workOn(claimed: ClaimedImport, budget: number, clock: () => Date): Promise<{ rows: number; finished: boolean }> {
  const fail = async (error: string) => {
    cursors.delete(claimed.id);
    await prisma.subscriberImport.updateMany({
      where: { id: claimed.id, status: "running" },
      data: { status: "failed", error, csv: null, lockedUntil: null, completedAt: clock() },
    });
    return { rows: 0, finished: true };
  };
  const settings = await prisma.shop.findUnique({ where: { shop: claimed.shop } });
  if (!settings || settings.uninstalledAt) return fail("The shop is not set up to text (or the app was uninstalled).");
  const parsedMapping = importMappingSchema.safeParse(JSON.parse(claimed.mapping));
  if (!parsedMapping.success) return fail("The column choices of this import are not valid any more: start it again.");
  const mapping = parsedMapping.data;
  const file = await prisma.subscriberImport.findUnique({ where: { id: claimed.id }, select: { csv: true } });
  if (file?.csv == null) return fail("The file of this import is gone: upload it again.");
  const csv = await fileText(file.csv);

  const language = supportedLanguagesOf(settings)[0] ?? "en";
  const setting: ImportSetting = {
    shop: claimed.shop,
    context: {
      mapping,
      confirmMode: claimed.confirmMode,
      allowedCountries: countryListOf(settings.smsCountries),
      zone: settings.timezone,
      // The upload's time: a later run (a resume) judges every row as the first run did.
      now: claimed.createdAt,
    },
    requestText: composeConfirmation("double_opt_in_request", settings, language),
    language,
    quietHours: { start: settings.quietHoursStart, end: settings.quietHoursEnd },
    timezone: settings.timezone,
    pendingExpiryHours: settings.pendingExpiryHours,
    locate: await recipientLocator(),
  };

  try {
    if (claimed.processedRows === 0 && claimed.totalRows === 0) {
      const total = await countCsvRows(csv, mapping.delimiter);
      await prisma.subscriberImport.updateMany({ where: { id: claimed.id, status: "running" }, data: { totalRows: total } });
    }
    const cursor = await cursorFor(claimed, csv, setting.context);
    let rows = 0;
    for (;;) {
      const chunk: { row: number; cells: string[] }[] = [];
      while (chunk.length < IMPORT_CHUNK_ROWS) {
        const next = await cursor.rows.next();
        if (next.done) break;
        chunk.push(next.value);
      }
      const last = chunk.length < IMPORT_CHUNK_ROWS;
      const applied = await applyChunk(claimed, setting, cursor, chunk, last, clock());
      rows += chunk.length;
      cursor.consumed += chunk.length;
      for (const [phone, row] of applied.seen) cursor.seen.set(phone, row);
      if (last) {
        cursors.delete(claimed.id);
        return { rows, finished: true };
      }
      if (rows >= budget) {
        // Let the next call (or another worker) take it on at once.
        await prisma.subscriberImport.updateMany({ where: { id: claimed.id, status: "running" }, data: { lockedUntil: null } });
        return { rows, finished: false };
      }
    }
  } catch (error) {
    cursors.delete(claimed.id); // what this process knew of the file may be ahead of what was committed
    if ((error as { code?: unknown }).code && String((error as { code: unknown }).code).startsWith("CSV_")) return fail(csvErrorInWords(error));
    throw error; // the database: the lease runs out, and the import is taken up again where its last chunk committed
  }
}

/** The file positioned at the import's processedRows, with the numbers of the rows before it (rebuilt after a restart). */
async function cursorFor(claimed: ClaimedImport, csv: string, context: RowContext): Promise<Cursor> {
  const kept = cursors.get(claimed.id);
  if (kept && kept.consumed === claimed.processedRows) return kept;
  const cursor: Cursor = { rows: csvRows(csv, context.mapping.delimiter), consumed: 0, seen: new Map() };
  while (cursor.consumed < claimed.processedRows) {
    const next = await cursor.rows.next();
    if (next.done) break;
    cursor.consumed += 1;
    const decision = decideRow(next.value.cells, context);
    if (decision.ok && !cursor.seen.has(decision.phone)) cursor.seen.set(decision.phone, next.value.row);
  }
  if (cursors.size >= MAX_CURSORS) cursors.clear();
  cursors.set(claimed.id, cursor);
  return cursor;
}

class ImportTakenOverError extends Error {
  constructor(id: string) {
    super(`Import ${id} is no longer this worker's (another worker took it over after its lease ran out)`);
    this.name = "ImportTakenOverError";
  }
}

interface ChunkCounts {
  subscribed: number;
  pending: number;
  unchanged: number;
  refused: number;
}

async function applyChunk(
  claimed: ClaimedImport,
  setting: ImportSetting,
  cursor: Cursor,
  chunk: readonly { row: number; cells: string[] }[],
  last: boolean,
  now: Date,
): Promise<{ seen: Map<string, number> }> {
  const { shop, context } = setting;
  const lines: ReportLine[] = [];
  const counts: ChunkCounts = { subscribed: 0, pending: 0, unchanged: 0, refused: 0 };
  const seen = new Map<string, number>();
  const candidates: { row: number; phoneText: string; consent: ImportedConsent }[] = [];
  for (const { row, cells } of chunk) {
    const phoneText = cells[context.mapping.columns.phone] ?? "";
    const decision = decideRow(cells, context);
    if (!decision.ok) {
      counts.refused += 1;
      lines.push({ row, phone: phoneText, outcome: "refused", reason: decision.reason });
      continue;
    }
    const first = cursor.seen.get(decision.phone) ?? seen.get(decision.phone);
    if (first !== undefined) {
      counts.unchanged += 1;
      lines.push({ row, phone: phoneText, outcome: "unchanged", reason: STATE_REASONS.duplicate(first) });
      continue;
    }
    seen.set(decision.phone, row);
    candidates.push({ row, phoneText, consent: decision });
  }

  const phones = candidates.map((candidate) => candidate.consent.phone);
  const processed = cursor.consumed + chunk.length;
  await withSqlTransaction(
    async (sql) => {
      // Still ours, at the same row: else another worker took over, and this chunk must leave nothing behind. A read
      // (locking the row on PostgreSQL; SQLite's transaction holds the write lock already), not an update: on SQLite
      // every update of the row rewrites the whole file kept in it, so the chunk updates it once, at its end.
      const lock = sql.provider === "postgresql" ? " FOR UPDATE" : "";
      const [held] = await sql.all(
        `SELECT "id" FROM "SubscriberImport" WHERE "id" = ? AND "status" = 'running' AND "processedRows" = ?${lock}`,
        [claimed.id, cursor.consumed],
      );
      if (!held) throw new ImportTakenOverError(claimed.id);
      const chunkLines = [...lines];
      const chunkCounts = { ...counts };
      const states = await statesOf(sql, shop, phones);
      const names: SqlValue[][] = [];
      for (const candidate of candidates) {
        const outcome = await applyRow(sql, claimed, setting, candidate, states, now);
        chunkCounts[outcome.count] += 1;
        if (outcome.line) chunkLines.push({ row: candidate.row, phone: candidate.phoneText, ...outcome.line });
        const { firstName, lastName, email } = candidate.consent;
        if (outcome.subscriberId && (firstName || lastName || email)) names.push([outcome.subscriberId, firstName, lastName, email]);
      }
      if (names.length > 0) await saveNames(sql, names, now);
      chunkLines.sort((a, b) => a.row - b.row);
      const done = last ? `, "status" = 'done', "csv" = NULL, "completedAt" = ?, "totalRows" = ?` : "";
      // Deferred: on PostgreSQL it goes with the chunk's other writes and its COMMIT.
      await sql.defer(
        `UPDATE "SubscriberImport" SET "processedRows" = ?, "subscribedRows" = "subscribedRows" + ?, "pendingRows" = "pendingRows" + ?,
           "unchangedRows" = "unchangedRows" + ?, "refusedRows" = "refusedRows" + ?, "report" = "report" || ?, "lockedUntil" = ?, "updatedAt" = ?${done}
         WHERE "id" = ?`,
        [
          processed, chunkCounts.subscribed, chunkCounts.pending, chunkCounts.unchanged, chunkCounts.refused, reportLines(chunkLines),
          last ? null : new Date(now.getTime() + IMPORT_LEASE_MS), now, ...(last ? [now, processed] : []), claimed.id,
        ],
      );
    },
    {
      mayLockChainOf: shop,
      batch: { key: `subscriber-import\u0000${claimed.id}`, data: null, prepare: (sql) => prepareConsentBatch(sql, shop, phones) },
    },
  );
  return { seen };
}

type NumberState = "subscribed" | "pending" | "unsubscribed" | "expired" | "erased" | null;

/** Where each number stands here: its row's status, or "erased" when only a customer erasure's record of it is left. */
async function statesOf(sql: Sql, shop: string, phones: readonly string[]): Promise<Map<string, NumberState>> {
  const states = new Map<string, NumberState>();
  if (phones.length === 0) return states;
  const erasedKeys = new Map(phones.map((phone) => [redactedPhoneKey(shop, phone), phone]));
  const wanted = [...phones, ...erasedKeys.keys()];
  const rows: SqlRow[] =
    sql.provider === "postgresql"
      ? await sql.all(`SELECT "phone", "status" FROM "Subscriber" WHERE "shop" = ? AND "phone" = ANY(?)`, [shop, wanted as unknown as string])
      : await sql.all(`SELECT "phone", "status" FROM "Subscriber" WHERE "shop" = ? AND "phone" IN (${wanted.map(() => "?").join(", ")})`, [shop, ...wanted]);
  for (const row of rows) {
    const phone = String(row.phone);
    const status = String(row.status) as NumberState;
    if (erasedKeys.has(phone)) {
      const number = erasedKeys.get(phone)!;
      if (status === "unsubscribed" && !states.has(number)) states.set(number, "erased");
    } else {
      states.set(phone, status);
    }
  }
  return states;
}

async function applyRow(
  sql: Sql,
  claimed: ClaimedImport,
  setting: ImportSetting,
  candidate: { row: number; consent: ImportedConsent },
  states: Map<string, NumberState>,
  now: Date,
): Promise<{ count: keyof ChunkCounts; line?: Omit<ReportLine, "row" | "phone">; subscriberId?: string }> {
  const { consent } = candidate;
  const refused = (reason: string) => ({ count: "refused" as const, line: { outcome: "refused" as const, reason } });
  const state = states.get(consent.phone) ?? null;
  // Said here in words; the consent engine would refuse these too (an import never overrides an opt-out).
  if (state === "erased") return refused(STATE_REASONS.erased);
  if (state === "unsubscribed") return refused(STATE_REASONS.optedOut);
  if (state === "expired" && consent.action === "request_opt_in") return refused(STATE_REASONS.expired);

  const evidence: Evidence = {
    importId: claimed.id,
    fileName: claimed.fileName,
    fileHash: claimed.fileHash,
    row: candidate.row,
    consentAt: consent.consentAt.toISOString(),
    consentSource: consent.source,
    consentSourceFrom: consent.sourceFrom === "column" ? "the file" : "stated by staff for the whole file",
    disclosureText: consent.disclosureText,
    disclosureReference: consent.disclosureReference,
    disclosureFrom: consent.disclosureFrom === "column" ? "the file" : "stated by staff for the whole file",
    confirmedInFile: consent.confirmedInFile,
    confirmMode: claimed.confirmMode,
    staff: claimed.staff,
    importedAt: now.toISOString(),
  };
  if (consent.action === "opt_in") {
    const result = await applyConsentChange(
      { shop: setting.shop, phone: consent.phone, action: "opt_in", source: "import", occurredAt: consent.consentAt, evidence, optInLevel: "confirmed" },
      sql,
    );
    if (result.event) return { count: "subscribed", subscriberId: result.subscriber.id };
    return unchangedOutcome(result.transition.changed ? "" : result.transition.reason, result.subscriber === null);
  }

  const sendAt = requestTime(setting, consent.phone, now);
  const result = await applyConsentChange(
    {
      shop: setting.shop,
      phone: consent.phone,
      action: "request_opt_in",
      source: "import",
      occurredAt: now, // the request is made now; when they agreed is in the evidence
      evidence,
      locale: setting.language,
      pendingExpiresAt: new Date(sendAt.getTime() + setting.pendingExpiryHours * HOUR_MS),
    },
    sql,
  );
  if (!result.event) return unchangedOutcome(result.transition.changed ? "" : result.transition.reason, result.subscriber === null);
  await enqueueMessageSql(sql, setting.shop, { phone: consent.phone, subscriberId: result.subscriber.id, body: setting.requestText, kind: "compliance", sendAt }, now);
  return {
    count: "pending",
    subscriberId: result.subscriber.id,
    ...(consent.fellBackToDoubleOptIn ? { line: { outcome: "asked" as const, reason: STATE_REASONS.fellBack } } : {}),
  };
}

function unchangedOutcome(reason: string, noRow: boolean): { count: keyof ChunkCounts; line: Omit<ReportLine, "row" | "phone"> } {
  if (reason === "already subscribed") return { count: "unchanged", line: { outcome: "unchanged", reason: STATE_REASONS.alreadySubscribed } };
  if (reason === "already waiting for confirmation") return { count: "unchanged", line: { outcome: "unchanged", reason: STATE_REASONS.alreadyPending } };
  if (reason === REVOKED_SINCE) return { count: "refused", line: { outcome: "refused", reason: STATE_REASONS.optedOutSince } };
  if (reason.startsWith("opted out")) return { count: "refused", line: { outcome: "refused", reason: noRow ? STATE_REASONS.erased : STATE_REASONS.optedOut } };
  return { count: "refused", line: { outcome: "refused", reason: reason || "Not changed" } };
}

/**
 * When the "Reply Y" request goes: the person did not just act (as at
 * checkout), so it waits for the recipient's daytime, as a marketing text
 * would (federal and state quiet hours, the shop's own).
 */
function requestTime(setting: ImportSetting, phone: string, now: Date): Date {
  try {
    return nextAllowedSendTime(setting.locate({ phone, timezone: null, region: null }, setting.timezone), setting.quietHours, now);
  } catch {
    return now; // the rules leave no minute within a week: the settings are broken, the dispatcher's own checks remain
  }
}

/** First name, last name and e-mail from the file, where the subscriber has none yet (never over what Shopify told us). */
async function saveNames(sql: Sql, names: readonly SqlValue[][], now: Date): Promise<void> {
  const keep = (column: string) => `"${column}" = COALESCE("Subscriber"."${column}", ?)`;
  if (sql.provider === "sqlite") {
    // One prepared statement per row, by primary key: no round trips here, and SQLite would run UPDATE … FROM (VALUES …)
    // as a scan of every subscriber of every shop for each chunk.
    for (const [id, firstName, lastName, email] of names) {
      await sql.run(`UPDATE "Subscriber" SET ${keep("firstName")}, ${keep("lastName")}, ${keep("email")}, "updatedAt" = ? WHERE "id" = ?`, [
        firstName ?? null, lastName ?? null, email ?? null, now, id ?? null,
      ]);
    }
    return;
  }
  await sql.run(
    `UPDATE "Subscriber" SET "firstName" = COALESCE("Subscriber"."firstName", "v"."column2"), "lastName" = COALESCE("Subscriber"."lastName", "v"."column3"),
       "email" = COALESCE("Subscriber"."email", "v"."column4"), "updatedAt" = ?
     FROM (VALUES ${names.map(() => "(?, ?, ?, ?)").join(", ")}) AS "v" WHERE "Subscriber"."id" = "v"."column1"`,
    [now, ...names.flat()],
  );
}
