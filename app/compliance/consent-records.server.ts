/**
 * Consent records for a date range, as CSV, for a lawyer or a regulator:
 * every ledger event of the shop that occurred in the range, in chain order,
 * with its evidence, the disclosure text the person was shown, and the hashes
 * that let the chain be checked offline (docs/compliance.md, "Checking the
 * records offline").
 *
 * Streamed: events are read in keyset batches by their place in the chain
 * (between the first and last of the range, found with the index on
 * ("shop", "occurredAt")), and a batch is read only when csv-stringify has
 * room for it, so memory stays flat however long the range.
 */
import { Readable } from "node:stream";
import type { ReadableStream as WebReadableStream } from "node:stream/web";
import { stringify } from "csv-stringify";
import { DateTime } from "luxon";
import prisma from "../db.server";
import { consentKindInWords } from "./compliance-wording";
import { safeCell } from "./csv-safety";
import type { RecordsRange } from "./records-range";

const BATCH = 500;

export const RECORD_COLUMNS = [
  "Shop",
  "Event #",
  "Occurred at (UTC)",
  "Occurred at (shop time)",
  "Recorded at (UTC)",
  "Subscriber id",
  "Phone",
  "Event",
  "Kind",
  "Source",
  "Status before",
  "Status after",
  "Order id",
  "Message SID",
  "Text received",
  "IP address",
  "User agent",
  "Other evidence",
  "Disclosure version",
  "Disclosure language",
  "Disclosure SHA-256",
  "Disclosure text shown",
  "Personal data erased at (UTC)",
  "Evidence as recorded (JSON)",
  "Evidence salt",
  "Evidence digest",
  "Previous event hash",
  "Event hash",
] as const;

// Evidence keys with a column of their own; every other key goes to "Other evidence".
const OWN_COLUMNS = new Set([
  "orderId",
  "messageSid",
  "body",
  "ip",
  "userAgent",
  "disclosureVersionId",
  "disclosureVersion",
  "disclosureHash",
  "disclosureLocale",
  "disclosureText",
]);

interface Disclosure {
  version: number;
  locale: string;
  contentHash: string;
  text: string;
}

/** The CSV of the shop's consent events that occurred in the range, as a web stream for a Response. */
export function consentRecordsCsv(shop: string, range: Pick<RecordsRange, "start" | "end">, timezone: string): WebReadableStream<Uint8Array> {
  const csv = stringify({ header: true, columns: [...RECORD_COLUMNS] });
  const rows = Readable.from(recordRows(shop, range, timezone), { objectMode: true, highWaterMark: 1 });
  rows.on("error", (error) => csv.destroy(error));
  rows.pipe(csv);
  return Readable.toWeb(csv) as WebReadableStream<Uint8Array>;
}

/** The rows, one batch read at a time. */
export async function* recordRows(shop: string, range: Pick<RecordsRange, "start" | "end">, timezone: string): AsyncGenerator<string[]> {
  const inRange = { shop, occurredAt: { gte: range.start, lt: range.end } };
  const bounds = await prisma.consentEvent.aggregate({ where: inRange, _min: { seq: true }, _max: { seq: true } });
  const first = bounds._min.seq;
  const last = bounds._max.seq;
  if (first === null || last === null) return;
  const disclosures = new Map<string, Disclosure | null>();
  let after = first - 1;
  for (;;) {
    const events = await prisma.consentEvent.findMany({
      where: { ...inRange, seq: { gt: after, lte: last } },
      orderBy: { seq: "asc" },
      take: BATCH,
    });
    for (const event of events) {
      const evidence = parseEvidence(event.evidence);
      const disclosure = await disclosureOf(shop, evidence, disclosures);
      yield rowOf(event, evidence, disclosure, timezone);
    }
    if (events.length < BATCH) return;
    after = events[events.length - 1]!.seq;
  }
}

type Evidence = Record<string, unknown>;

function parseEvidence(text: string): Evidence {
  try {
    const parsed: unknown = JSON.parse(text);
    return parsed && typeof parsed === "object" && !Array.isArray(parsed) ? (parsed as Evidence) : {};
  } catch {
    return {}; // erased on a customer's request
  }
}

const text = (value: unknown): string | null => (value === null || value === undefined ? null : typeof value === "string" ? value : JSON.stringify(value));

/** The disclosure the event names: its text as recorded in the evidence, else the shop's version it points to. */
async function disclosureOf(shop: string, evidence: Evidence, known: Map<string, Disclosure | null>): Promise<Disclosure | null> {
  const id = typeof evidence.disclosureVersionId === "string" ? evidence.disclosureVersionId : null;
  let stored: Disclosure | null = null;
  if (id) {
    if (!known.has(id)) {
      // Bounded by the shop's disclosure versions, a handful.
      known.set(id, await prisma.disclosureVersion.findFirst({ where: { id, shop }, select: { version: true, locale: true, contentHash: true, text: true } }));
    }
    stored = known.get(id) ?? null;
  }
  if (!stored && typeof evidence.disclosureText !== "string") return null;
  return {
    version: typeof evidence.disclosureVersion === "number" ? evidence.disclosureVersion : (stored?.version ?? 0),
    locale: text(evidence.disclosureLocale) ?? stored?.locale ?? "",
    contentHash: text(evidence.disclosureHash) ?? stored?.contentHash ?? "",
    text: typeof evidence.disclosureText === "string" ? evidence.disclosureText : (stored?.text ?? ""),
  };
}

interface EventRow {
  shop: string;
  seq: number;
  occurredAt: Date;
  recordedAt: Date;
  subscriberId: string;
  phone: string;
  kind: string;
  source: string;
  fromStatus: string | null;
  toStatus: string;
  redactedAt: Date | null;
  evidence: string;
  evidenceSalt: string | null;
  evidenceDigest: string;
  prevHash: string;
  hash: string;
}

function rowOf(event: EventRow, evidence: Evidence, disclosure: Disclosure | null, timezone: string): string[] {
  const others = Object.entries(evidence)
    .filter(([key, value]) => !OWN_COLUMNS.has(key) && value !== null && value !== undefined)
    .map(([key, value]) => `${key}: ${text(value)}`)
    .join("; ");
  const cells = [
    event.shop,
    event.seq,
    event.occurredAt.toISOString(),
    DateTime.fromJSDate(event.occurredAt, { zone: timezone }).toISO(),
    event.recordedAt.toISOString(),
    event.subscriberId,
    event.phone,
    consentKindInWords(event.kind),
    event.kind,
    event.source,
    event.fromStatus,
    event.toStatus,
    text(evidence.orderId),
    text(evidence.messageSid),
    text(evidence.body),
    text(evidence.ip),
    text(evidence.userAgent),
    others,
    disclosure && disclosure.version > 0 ? disclosure.version : null,
    disclosure?.locale ?? null,
    disclosure?.contentHash ?? null,
    disclosure?.text ?? null,
    event.redactedAt?.toISOString() ?? null,
    event.evidence,
    event.evidenceSalt,
    event.evidenceDigest,
    event.prevHash,
    event.hash,
  ];
  return cells.map((cell) => safeCell(cell));
}
