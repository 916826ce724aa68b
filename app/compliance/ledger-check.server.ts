/**
 * The consent ledger's check for the Compliance page: verifyConsentChain
 * (app/consent/ledger.server.ts) walks the shop's chain; this adds what the
 * page says about it, the first broken link named by its event (number,
 * kind, time) rather than by the ledger's internal reason.
 */
import prisma from "../db.server";
import { verifyConsentChain } from "../consent/ledger.server";

export interface LedgerEventRef {
  seq: number;
  kind: string;
  source: string;
  occurredAt: string;
}

/** What was found wrong, in the ledger's terms; the page words each one (compliance-wording.ts). */
export type LedgerProblem =
  | "edited" // the event's recorded fields no longer match its own hash
  | "evidence_changed" // its phone or evidence no longer matches the digest the chain committed to
  | "unlinked" // it does not commit to the hash of the event before it
  | "missing" // events are missing before it
  | "truncated" // events were deleted from the end
  | "other";

export type LedgerCheck =
  | { ok: true; events: number; redacted: number; lastEvent: LedgerEventRef | null; checkedAt: string }
  | {
      ok: false;
      /** Events checked and found sound before the break. */
      events: number;
      brokenAt: number;
      problem: LedgerProblem;
      reason: string;
      /** The event at the break (for "unlinked", the one before it too); null where none is left. */
      event: LedgerEventRef | null;
      previous: LedgerEventRef | null;
      /** For "truncated": how many events the chain head says there were. */
      headSeq: number;
      checkedAt: string;
    };

/** The chain's length and last event without walking it: for the page before a check is run. */
export async function ledgerSummary(shop: string): Promise<{ events: number; lastEvent: LedgerEventRef | null }> {
  const head = await prisma.consentChainHead.findUnique({ where: { shop }, select: { seq: true } });
  const events = head?.seq ?? 0;
  return { events, lastEvent: events > 0 ? await eventRef(shop, events) : null };
}

export async function checkLedger(shop: string, now: Date = new Date()): Promise<LedgerCheck> {
  const result = await verifyConsentChain(shop);
  const checkedAt = now.toISOString();
  if (result.ok) {
    return { ok: true, events: result.events, redacted: result.redacted, lastEvent: result.events > 0 ? await eventRef(shop, result.events) : null, checkedAt };
  }
  const problem = problemOf(result.reason);
  const head = await prisma.consentChainHead.findUnique({ where: { shop }, select: { seq: true } });
  return {
    ok: false,
    events: result.events,
    brokenAt: result.brokenAt,
    problem,
    reason: result.reason,
    event: problem === "truncated" ? null : await eventRef(shop, result.brokenAt),
    previous: result.brokenAt > 1 ? await eventRef(shop, result.brokenAt - 1) : null,
    headSeq: head?.seq ?? 0,
    checkedAt,
  };
}

/** verifyConsentChain's reasons (ledger.server.ts), by what they mean; a reason it may add later is "other", shown as written. */
export function problemOf(reason: string): LedgerProblem {
  if (reason === "content does not match its hash") return "edited";
  if (reason === "phone or evidence was changed") return "evidence_changed";
  if (reason === "does not link to the previous event") return "unlinked";
  if (/^event \d+ is missing$/.test(reason)) return "missing";
  if (reason === "events after this point were deleted") return "truncated";
  return "other";
}

async function eventRef(shop: string, seq: number): Promise<LedgerEventRef | null> {
  const event = await prisma.consentEvent.findUnique({
    where: { shop_seq: { shop, seq } },
    select: { seq: true, kind: true, source: true, occurredAt: true },
  });
  return event ? { ...event, occurredAt: event.occurredAt.toISOString() } : null;
}
