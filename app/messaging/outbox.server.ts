/**
 * The outbox: every text the app sends is a Message row first, and workers
 * dispatch due rows. Dispatch re-checks consent for every marketing text at
 * the moment of sending (the number may have texted STOP since it was queued),
 * and the sending rules (quiet hours in the recipient's time, frequency caps),
 * so no code path can text a number that is not subscribed right now, or
 * outside the hours the law allows.
 *
 * - Claiming is the durable-job claim of app/queues/job-lease.server.ts (one
 *   statement, SKIP LOCKED on PostgreSQL): any number of workers on any number
 *   of machines share one database and never claim a row twice. Rows of a
 *   paused or cancelled campaign are not claimed at all.
 * - A worker sends with bounded concurrency (`concurrency` texts in flight),
 *   at the pace of each sender across all workers together
 *   (send-rate.server.ts). It claims a little ahead of its free slots (at most
 *   half the concurrency more, claimed a quarter at a time), so a slot that
 *   frees starts its next text at once instead of waiting for a claim's round
 *   trip, while few rows are ever claimed and not yet sent: at most 1.5 ×
 *   `concurrency` per worker become "unknown" if it dies.
 * - A claimed batch is judged at once (dispatch-facts.server.ts): with the
 *   claim, in the same transaction, one read of each shop's settings, of the
 *   recipients' subscriber rows and of their marketing history, from which
 *   consent and the sending rules are decided as for a single text. A text
 *   that goes out more than 50 ms after that read has its consent read again
 *   right before Twilio is called (the texts about to go share that read), so
 *   a STOP that lands mid-batch still stops it.
 * - Outcomes are stored in the next claim's commit (or within 25 ms): each
 *   conditional on its claim, many per commit (OutcomeWrites).
 * - At most once for marketing. A claimed row is "sending" with a lease before
 *   Twilio is called. If the lease runs out (the worker died or hung between
 *   the claim and recording Twilio's answer), nobody knows whether Twilio has
 *   the text: a marketing row becomes "unknown" and is never sent again (a
 *   second promotional text is worse than a missing one), and shows as such in
 *   the campaign's results; a late status callback still finds it by the id in
 *   its URL. Transactional and compliance texts (order updates, confirmations)
 *   are put back and sent again: a duplicate confirmation is better than none.
 * - Twilio's answers: 429, 5xx and network failures are retried with
 *   exponential backoff and full jitter (a network failure after the request
 *   may have reached Twilio makes a marketing row "unknown" instead);
 *   permanent refusals are recorded with their meaning: 21610 is the number's
 *   opt-out at the carrier, 21211 and 21614 (no such number, not a mobile)
 *   make the subscriber unreachable.
 * - A row Twilio accepted stays "sending" (with its MessageSid, without a
 *   lease) until Twilio's status callbacks move it on (delivery-status.server.ts).
 */
import type { Message } from "@prisma/client";
import type twilio from "twilio";
import prisma, { sqlOf, withSqlTransaction, type DbTx } from "../db.server";
import { applyConsentChange } from "../consent/consent-engine.server";
import {
  readDate,
  readInt,
  readRequiredDate,
  type Sql,
  type SqlRow,
  type SqlStatement,
  type SqlValue,
} from "../db/sql.server";
import {
  backoffDelayMs,
  claimDueJobs,
  endClaimStatement,
  expireLeases,
  type BackoffPolicy,
  type JobTable,
} from "../queues/job-lease.server";
import type { DispatchVerdict } from "../sending-rules/marketing-rules";
import { recipientLocator } from "../sending-rules/recipient-location.server";
import { marketingRulesAtDispatch } from "../sending-rules/sending-rules.server";
import { twilioAuthTokenOf } from "../shops/shop-settings.server";
import {
  recordUndeliverable,
  statusCallbackUrlFor,
} from "./delivery-status.server";
import {
  consentFromFacts,
  ConsentRereads,
  readDispatchFacts,
  rulesFromFacts,
  type DispatchFacts,
  type DispatchShop,
} from "./dispatch-facts.server";
import type { MessageStatus } from "./message-status";
import { countSegments } from "./segments";
import {
  paceFor,
  SECOND_END_GUARD_MS,
  senderOf,
  sendRateOf,
} from "./send-rate.server";
import {
  createTwilioClient,
  loadTwilioMessagesApi,
  sendSms,
  type SendSmsFailure,
} from "./twilio-client.server";

export const MESSAGE_KINDS = [
  "marketing",
  "transactional",
  "compliance",
] as const;
export type MessageKind = (typeof MESSAGE_KINDS)[number];

export const MAX_ATTEMPTS = 5;
/** Long enough for a claimed text to wait for its sender's pace and Twilio's answer. */
export const CLAIM_LEASE_MS = 2 * 60_000;
/** A claimed text is not started this close to the end of its lease: it might be declared unknown mid-call. */
const LEASE_MARGIN_MS = 20_000;

/** 30 s, 1 min, 2 min, 4 min… (before jitter) capped at 1 hour; at least 1 s. */
export const OUTBOX_BACKOFF: BackoffPolicy = {
  baseMs: 30_000,
  capMs: 60 * 60_000,
  jitter: "full",
  minimumMs: 1_000,
};

export const OUTBOX_JOBS: JobTable = {
  table: "Message",
  ready: "queued",
  leased: "sending",
};

export interface EnqueueInput {
  phone: string;
  body: string;
  kind: MessageKind;
  subscriberId?: string | null;
  campaignId?: string | null;
  sendAt?: Date;
}

/** Queues a text; pass `tx` to queue it in the same transaction as the change that caused it. */
export function enqueueMessage(
  shop: string,
  input: EnqueueInput,
  tx: DbTx
): Promise<Message> {
  return tx.message.create({
    data: {
      shop,
      phone: input.phone,
      body: input.body,
      kind: input.kind,
      subscriberId: input.subscriberId ?? null,
      campaignId: input.campaignId ?? null,
      nextAttemptAt: input.sendAt ?? new Date(),
      segments: countSegments(input.body).segments,
    },
  });
}

/**
 * enqueueMessage in plain SQL, for work inside withSqlTransaction (where the
 * Prisma client refuses to run): a list import queues its confirmation
 * requests with the consent changes of each chunk. Same row, same defaults.
 */
export async function enqueueMessageSql(sql: Sql, shop: string, input: EnqueueInput, now: Date = new Date()): Promise<string> {
  const id = globalThis.crypto.randomUUID();
  await sql.defer(
    `INSERT INTO "Message" ("id", "shop", "subscriberId", "campaignId", "phone", "body", "kind", "status", "attempts", "nextAttemptAt",
       "segments", "createdAt", "updatedAt")
     VALUES (?, ?, ?, ?, ?, ?, ?, 'queued', 0, ?, ?, ?, ?)`,
    [id, shop, input.subscriberId ?? null, input.campaignId ?? null, input.phone, input.body, input.kind, input.sendAt ?? now,
      countSegments(input.body).segments, now, now],
  );
  return id;
}

export interface DispatchReport {
  claimed: number;
  accepted: number;
  suppressed: number;
  /** Held back by a frequency cap or smart sending (status "skipped"). */
  skipped: number;
  /** Due in the recipient's quiet hours: queued again for the next allowed minute. */
  deferred: number;
  retried: number;
  failed: number;
  /** Marketing texts whose outcome nobody knows (an abandoned claim, an ambiguous network failure): never sent again. */
  unknown: number;
  /** Claimed but not sent: put back (the lease was running out, an error before calling Twilio, the campaign paused), or cancelled with its campaign. */
  released: number;
}

export interface DispatchOptions {
  /** The time dispatch starts at (tests); it then advances with the wall clock. Default: now. */
  now?: Date;
  /** At most this many rows are claimed by this call. Default 100. */
  limit?: number;
  /** Texts in flight at once (and so about how many rows are claimed at a time). Default 10. */
  concurrency?: number;
}

// A paused campaign's rows wait where they are (resume sends them); a cancelled one's are marked by cancelCampaign.
const CAMPAIGN_NOT_HELD = `("job"."campaignId" IS NULL OR NOT EXISTS (SELECT 1 FROM "Campaign" AS "campaign"
  WHERE "campaign"."id" = "job"."campaignId" AND "campaign"."status" IN ('paused', 'cancelled')))`;

const UNKNOWN_NOTE =
  "The worker stopped between claiming this text and recording Twilio's answer: it may or may not have been sent, so it is not sent again.";

/**
 * Claims whose lease ran out: marketing → "unknown" (never re-sent), anything
 * else back to "queued", due now. Resolves to how many became unknown.
 */
export async function expireAbandonedClaims(now: Date): Promise<number> {
  const sql = sqlOf(prisma);
  const unknown = await expireLeases(sql, OUTBOX_JOBS, {
    now,
    to: "unknown",
    where: { sql: `"job"."kind" = ?`, params: ["marketing"] },
    set: { errorMessage: UNKNOWN_NOTE },
  });
  await expireLeases(sql, OUTBOX_JOBS, {
    now,
    to: "queued",
    where: { sql: `"job"."kind" <> ?`, params: ["marketing"] },
    set: { nextAttemptAt: now },
  });
  return unknown;
}

/**
 * Loads what a worker's first texts would otherwise wait for: the number
 * prefix data recipients are placed by (decoded once per process), and the
 * Twilio SDK's Messages API. A worker calls it once when it starts, so its
 * first campaign's first texts go out at full pace.
 */
export async function prepareDispatch(): Promise<void> {
  await recipientLocator();
  loadTwilioMessagesApi();
}

/**
 * The most rows one dispatch holds claimed and not yet ended at `concurrency`:
 * those in flight and up to half as many more claimed ahead. If the worker
 * dies, these are the rows that become "unknown" (marketing) or are put back.
 */
export function mostClaimedAtOnce(concurrency: number): number {
  const inFlight = Math.max(1, concurrency);
  return inFlight + Math.ceil(inFlight / 2);
}

export async function dispatchDueMessages(
  options: DispatchOptions = {}
): Promise<DispatchReport> {
  const startedAt = options.now ?? new Date();
  const startedClock = performance.now();
  const clock = () =>
    new Date(startedAt.getTime() + (performance.now() - startedClock));
  const limit = options.limit ?? 100;
  const concurrency = Math.max(1, options.concurrency ?? 10);
  const report: DispatchReport = {
    claimed: 0,
    accepted: 0,
    suppressed: 0,
    skipped: 0,
    deferred: 0,
    retried: 0,
    failed: 0,
    unknown: 0,
    released: 0,
  };

  // Two statements on the claimed rows alone (status "sending" with a lease), before every batch.
  report.unknown += await expireAbandonedClaims(startedAt);

  const consentRereads = new ConsentRereads(clock);
  // Claimed ahead of the free slots (up to half the concurrency more), so a slot that frees takes its next text at
  // once instead of waiting for a claim's round trip. A claim goes out when a quarter of the concurrency is missing.
  const mostHeld = mostClaimedAtOnce(concurrency);
  const claimWhenShort = Math.ceil(concurrency / 4);
  const ready: ClaimedText[] = [];
  let inFlight = 0;
  let claiming = false;
  let exhausted = false;
  let claimError: unknown = null;
  let wake: (() => void) | null = null;
  const changed = () => {
    wake?.();
    wake = null;
  };

  const claim = async (room: number) => {
    claiming = true;
    try {
      // The claim and everything the batch's texts are judged by, in one transaction: a few statements per batch.
      // The outcomes waiting to be stored go in the same commit as this claim.
      outcomeWrites.handOver();
      const { messages, facts } = await withSqlTransaction(async (sql) => {
        const now = clock();
        const rows = await claimDueJobs(sql, OUTBOX_JOBS, {
          now,
          limit: room,
          leaseMs: CLAIM_LEASE_MS,
          eligible: { sql: CAMPAIGN_NOT_HELD, params: [] },
        });
        const claimed = rows.map(messageFromRow);
        return { messages: claimed, facts: await readDispatchFacts(sql, claimed, now) };
      });
      if (messages.length === 0) exhausted = true;
      report.claimed += messages.length;
      const claimedAt = performance.now();
      for (const message of messages) ready.push({ message, facts, claimedAt });
    } catch (error) {
      // Nothing more is claimed; what was claimed is sent, and then the error is thrown.
      claimError = error;
    } finally {
      claiming = false;
      changed();
    }
  };

  const start = ({ message, facts, claimedAt }: ClaimedText) => {
    inFlight += 1;
    void dispatchClaimed(message, { clock, claimedAt, facts, consentRereads })
      .then((outcome) => void (report[outcome] += 1))
      .catch((error: unknown) => console.error(`outbox: message ${message.id} failed in the worker`, error))
      .finally(() => {
        inFlight -= 1;
        changed();
      });
  };

  // Consent for the marketing texts next in line, read again before their batch's read grows old, so that a text
  // whose slot frees rarely waits for a read of its own.
  const readAheadForNext = () => {
    const since = new Date(clock().getTime() - RECHECK_AFTER_MS / 2);
    const next = ready.slice(0, concurrency).filter(({ message, facts }) => message.kind === "marketing" && facts.readAt < since);
    if (next.length > 0) consentRereads.readAhead(next.map(({ message }) => message), since);
  };

  for (;;) {
    while (inFlight < concurrency && ready.length > 0) start(ready.shift()!);
    const mayClaim = !exhausted && claimError === null && report.claimed < limit;
    if (!mayClaim && !claiming && inFlight === 0 && ready.length === 0) break;
    readAheadForNext();
    const missing = mostHeld - inFlight - ready.length;
    if (mayClaim && !claiming && missing >= claimWhenShort) {
      void claim(Math.min(missing, limit - report.claimed));
      continue;
    }
    await new Promise<void>((resolve) => (wake = resolve));
  }
  await outcomeWrites.settle();
  if (claimError !== null) throw claimError;
  return report;
}

/** A claimed row waiting for a free slot, with the facts its batch was judged by. */
interface ClaimedText {
  message: Message;
  facts: DispatchFacts;
  claimedAt: number;
}

type Outcome = Exclude<keyof DispatchReport, "claimed">;

interface DispatchContext {
  clock: () => Date;
  claimedAt: number;
  /** The batch's shops, recipients and history, read with its claim. */
  facts: DispatchFacts;
  consentRereads: ConsentRereads;
}

/** One claimed row, start to end. Never throws: an error before Twilio was called puts the row back. */
async function dispatchClaimed(
  message: Message,
  context: DispatchContext
): Promise<Outcome> {
  let calledTwilio = false;
  try {
    const settings = context.facts.shops.get(message.shop);
    const client =
      settings && !settings.uninstalledAt ? clientFor(settings) : null;
    if (!settings || !client) {
      return end(message, "failed", context.clock(), {
        errorMessage:
          "Twilio is not set up for this shop (account SID and auth token).",
      });
    }
    // When consent was last read for this text, and the sending rules last applied.
    let consentReadAt = context.facts.readAt;
    let rulesCheckedAt = context.clock();
    if (message.kind === "marketing") {
      const permission = consentFromFacts(context.facts, message);
      if (!permission.allowed)
        return suppress(message, permission.reason, consentReadAt);
      const verdict = await applyRules(
        message,
        await rulesFromFacts(context.facts, message, rulesCheckedAt),
        rulesCheckedAt
      );
      if (verdict) return verdict;
    }
    const sender = senderOf(settings);
    const rate = sendRateOf(settings);
    for (;;) {
      const secondEnd = sender
        ? await paceFor(sender, rate).take(Math.min(message.segments, rate))
        : Number.POSITIVE_INFINITY;
      if (
        performance.now() - context.claimedAt >
        CLAIM_LEASE_MS - LEASE_MARGIN_MS
      ) {
        return end(
          message,
          "queued",
          context.clock(),
          { attempts: message.attempts - 1 },
          "released"
        );
      }
      if (message.kind === "marketing") {
        // A STOP may have arrived since consent was read (while the text waited for its sender's pace, or
        // behind the rest of its batch): read it again, shared with the other texts about to go.
        const at = context.clock();
        if (at.getTime() - consentReadAt.getTime() > RECHECK_AFTER_MS) {
          // An answer read ahead within the allowed age does as well as a read of its own, and is there already.
          const reread =
            context.consentRereads.readSince(new Date(at.getTime() - RECHECK_AFTER_MS), message.shop, message.phone, message.campaignId) ??
            (await context.consentRereads.read(message.shop, message.phone, message.campaignId));
          consentReadAt = reread.at;
          if (!reread.permission.allowed)
            return suppress(message, reread.permission.reason, reread.at);
          // The merchant stopped the campaign while this text waited: paused, it waits with the queued ones (not an
          // attempt) for resumeCampaign; cancelled, it is cancelled as cancelCampaign cancelled the queued ones.
          if (reread.campaign === "paused")
            return end(
              message,
              "queued",
              reread.at,
              { attempts: message.attempts - 1 },
              "released"
            );
          if (reread.campaign === "cancelled")
            return end(message, "cancelled", reread.at, {}, "released");
        }
        // A quiet hour may have begun, or another text to this number gone out: the rules again, on the live rows.
        if (minuteOf(at) !== minuteOf(rulesCheckedAt)) {
          rulesCheckedAt = at;
          const verdict = await applyRules(
            message,
            await marketingRulesAtDispatch(
              {
                id: message.id,
                shop: message.shop,
                subscriberId: message.subscriberId,
                phone: message.phone,
              },
              at
            ),
            at
          );
          if (verdict) return verdict;
        }
      }
      // The checks took up the rest of this second (the text must reach Twilio within it): the slot is lost, take another.
      if (Date.now() < secondEnd - SEND_START_MARGIN_MS) break;
    }
    calledTwilio = true;
    const result = await sendSms(client, {
      to: message.phone,
      body: message.body,
      from: settings.messagingServiceSid ? null : settings.senderPhoneNumber,
      messagingServiceSid: settings.messagingServiceSid,
      statusCallback: statusCallbackUrlFor(message.id),
    });
    if (result.ok) {
      recordAccepted(message, result.sid, context.clock());
      return "accepted";
    }
    return await recordFailure(message, result, context.clock());
  } catch (error) {
    console.error(
      `outbox: message ${message.id} (attempt ${message.attempts}) failed in the worker`,
      error
    );
    // Not handed to Twilio: safe to put back. Handed over: its lease runs out and it is treated as abandoned.
    if (!calledTwilio) {
      await end(message, "queued", context.clock(), {
        attempts: message.attempts - 1,
      }).catch(() => undefined);
      return "released";
    }
    return "unknown";
  }
}

/**
 * A text is not handed to Twilio later than this before its second ends: the
 * request must arrive within it. As long as the pace's own guard (later than
 * that, a slot is taken in the next second), so a text past it waits for the
 * next second instead of taking slot after slot of this one.
 */
const SEND_START_MARGIN_MS = SECOND_END_GUARD_MS;

/**
 * Consent is read again before a marketing text goes if its last read is older
 * than this: the batch's read when the text goes out at once, a fresh one
 * (shared with the texts about to go at the same time) after a wait.
 */
const RECHECK_AFTER_MS = 50;
const minuteOf = (at: Date) => Math.floor(at.getTime() / 60_000);

function suppress(
  message: Message,
  reason: string,
  at: Date
): Promise<Outcome> {
  return end(message, "suppressed", at, {
    skipReason: reason,
    errorMessage: `not sent: ${reason}`,
  });
}

/** The sending rules' verdict for a marketing text, recorded unless it may go (then null). */
async function applyRules(
  message: Message,
  rules: DispatchVerdict,
  at: Date
): Promise<Outcome | null> {
  if (rules.action === "skip")
    return end(message, "skipped", at, { skipReason: rules.reason });
  if (rules.action === "defer") {
    // Not an attempt: the text waits for the recipient's next allowed minute.
    return end(
      message,
      "queued",
      at,
      {
        nextAttemptAt: rules.until,
        deferredBy: rules.reason,
        attempts: message.attempts - 1,
      },
      "deferred"
    );
  }
  return null;
}

/**
 * Ends this worker's claim with `status`. Conditional on the claim (status and
 * attempt), so a worker whose lease ran out never overwrites what happened since.
 */
async function end(
  message: Message,
  status: Extract<MessageStatus, Outcome> | "queued" | "cancelled",
  at: Date,
  set: Record<string, SqlValue>,
  outcome: Outcome = status === "queued" || status === "cancelled"
    ? "retried"
    : status
): Promise<Outcome> {
  outcomeWrites.add({
    ...endClaimStatement(OUTBOX_JOBS, message, { status, now: at, set }),
    after: (recorded) => {
      if (!recorded)
        console.warn(
          `outbox: message ${message.id} was claimed again before attempt ${message.attempts} finished; its outcome (${status}) is not recorded`
        );
    },
  });
  return outcome;
}

/**
 * Twilio has the text: it stays "sending" with its MessageSid until Twilio's
 * callbacks move it on. A quick callback can get here first (it finds the row
 * by the id in its URL, records the MessageSid and moves the status on); then
 * only this worker's lease is left to release. A row declared unknown while
 * Twilio was answering gets its MessageSid too: now we know.
 */
function recordAccepted(message: Message, twilioSid: string, at: Date) {
  outcomeWrites.add({
    sql: `UPDATE "Message" SET "status" = 'sending', "twilioSid" = ?, "sentAt" = ?, "errorCode" = NULL, "errorMessage" = NULL, "lockedUntil" = NULL, "updatedAt" = ?
     WHERE "id" = ? AND "attempts" = ? AND "status" IN ('sending', 'unknown') AND "twilioSid" IS NULL RETURNING "id"`,
    params: [twilioSid, at, at, message.id, message.attempts],
    after: async (recorded, sql) => {
      if (!recorded)
        await sql.run(
          `UPDATE "Message" SET "lockedUntil" = NULL WHERE "id" = ? AND "twilioSid" = ?`,
          [message.id, twilioSid]
        );
    },
  });
}

/** Outcomes wait at most this long for others to share their commit. */
const OUTCOME_WAIT_MS = 25;

/**
 * The outcomes of claimed texts, written together: each is one statement,
 * conditional on its claim, and those handed over in one turn of the event
 * loop go as one unit of work, in one transaction and one commit
 * (withSqlTransaction's group commit), and on PostgreSQL in one round trip
 * (Sql.allInOrder). They are handed over with the next claim, or
 * OUTCOME_WAIT_MS after the first of them, or when a dispatch ends (which
 * resolves only once they are stored). On SQLite a commit waits for the disk,
 * and texts answered one by one would each pay for one; a batch of claims and
 * outcomes pays once.
 *
 * Waiting is safe for at most once: a text was "sending" (its claim committed)
 * before Twilio was called, so if the worker dies before its outcome is
 * stored, its lease runs out and a marketing text becomes "unknown", never
 * sent again; a transactional one is put back, as after any crash. A write
 * that fails is logged and leaves the row to its lease in the same way.
 */
interface OutcomeWrite extends SqlStatement {
  /** With whether the statement changed its row (it returns the row's id when it did), in the same transaction. */
  after?: (recorded: boolean, sql: Sql) => void | Promise<void>;
}

async function writeOutcomes(sql: Sql, writes: readonly OutcomeWrite[]) {
  const results = await sql.allInOrder(writes);
  for (const [i, write] of writes.entries()) await write.after?.(results[i]!.length > 0, sql);
}

class OutcomeWrites {
  private waiting: OutcomeWrite[] = [];
  private timer: ReturnType<typeof setTimeout> | null = null;
  private readonly writing = new Set<Promise<void>>();

  add(write: OutcomeWrite) {
    this.waiting.push(write);
    this.timer ??= setTimeout(() => this.handOver(), OUTCOME_WAIT_MS);
  }

  /** Hands the waiting outcomes to the database now (to share the commit of work started in the same turn). */
  handOver() {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const writes = this.waiting.splice(0);
    if (writes.length === 0) return;
    // One unit for all of them (on PostgreSQL a unit's SAVEPOINT is a round trip); if it fails, each on its own.
    const written: Promise<void> = withSqlTransaction((sql) => writeOutcomes(sql, writes))
      .catch(() =>
        Promise.all(
          writes.map((write) =>
            withSqlTransaction((sql) => writeOutcomes(sql, [write])).catch((error: unknown) =>
              console.error(
                "outbox: an outcome could not be stored (its claim's lease will settle the row)",
                error
              )
            )
          )
        ).then(() => undefined)
      )
      .finally(() => this.writing.delete(written));
    this.writing.add(written);
  }

  /** Resolves once every outcome handed over so far is stored (or has failed). */
  async settle() {
    this.handOver();
    while (this.writing.size > 0) await Promise.all(this.writing);
  }
}

const outcomeWrites = new OutcomeWrites();

/** Twilio's refusals that say the number itself cannot take texts: the subscriber becomes unreachable. */
const UNREACHABLE_NUMBER_ERRORS: ReadonlyMap<number, string> = new Map([
  [21211, "not a valid phone number"],
  [21614, "not a mobile number (a landline or similar)"],
]);
const CARRIER_OPT_OUT = 21610;

// No connection was ever made: Twilio cannot have the text.
const NEVER_CONNECTED =
  /\((ECONNREFUSED|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|ENETUNREACH)\)/;

/** A failure without an HTTP answer after the request may have reached Twilio (a reset, a timeout). */
function mayHaveReachedTwilio(failure: SendSmsFailure): boolean {
  return (
    failure.httpStatus === null &&
    failure.retryable &&
    !NEVER_CONNECTED.test(failure.message)
  );
}

async function recordFailure(
  message: Message,
  failure: SendSmsFailure,
  at: Date
): Promise<Outcome> {
  const failed = {
    errorCode: failure.errorCode,
    errorMessage: failure.message,
  };
  if (failure.errorCode === CARRIER_OPT_OUT) {
    // Twilio has this number blocked because its owner texted STOP: that is a revocation.
    await applyConsentChange({
      shop: message.shop,
      phone: message.phone,
      action: "carrier_opt_out",
      source: "carrier",
      occurredAt: at,
      evidence: { errorCode: CARRIER_OPT_OUT, messageId: message.id },
    });
    return end(message, "failed", at, {
      ...failed,
      errorMessage: `The number opted out at the carrier (it texted STOP to Twilio): recorded as its opt-out. ${failure.message}`,
    });
  }
  const unreachable =
    failure.errorCode === null
      ? undefined
      : UNREACHABLE_NUMBER_ERRORS.get(failure.errorCode);
  if (unreachable) {
    await recordUndeliverable(prisma, message, true, at);
    return end(message, "failed", at, {
      ...failed,
      errorMessage: `Twilio refused the number: ${unreachable}. It is marked unreachable and not texted again. ${failure.message}`,
    });
  }
  if (
    failure.retryable &&
    message.kind === "marketing" &&
    mayHaveReachedTwilio(failure)
  ) {
    return end(message, "unknown", at, {
      ...failed,
      errorMessage: `Twilio's answer was lost, so the text may have been sent: not sent again. ${failure.message}`,
    });
  }
  if (failure.retryable && message.attempts < MAX_ATTEMPTS) {
    return end(
      message,
      "queued",
      at,
      {
        ...failed,
        nextAttemptAt: new Date(
          at.getTime() + backoffDelayMs(OUTBOX_BACKOFF, message.attempts)
        ),
      },
      "retried"
    );
  }
  return end(message, "failed", at, failed);
}

const clients = new Map<string, { key: string; client: twilio.Twilio }>();

/** The shop's Twilio client, made once and kept while its credentials (and the API's address) stay the same. */
function clientFor(settings: DispatchShop): twilio.Twilio | null {
  if (!settings.twilioAccountSid || !settings.twilioAuthTokenEncrypted)
    return null;
  const key = `${settings.twilioAccountSid}:${settings.twilioAuthTokenEncrypted}:${
    process.env.TWILIO_API_BASE_URL ?? ""
  }`;
  const cached = clients.get(settings.shop);
  if (cached?.key === key) return cached.client;
  const authToken = twilioAuthTokenOf(settings);
  if (!authToken) return null;
  const client = createTwilioClient(
    { accountSid: settings.twilioAccountSid, authToken },
    { apiBaseUrl: process.env.TWILIO_API_BASE_URL }
  );
  clients.set(settings.shop, { key, client });
  return client;
}

function messageFromRow(row: SqlRow): Message {
  const text = (value: unknown) =>
    value === null || value === undefined ? null : String(value);
  const int = (value: unknown) =>
    value === null || value === undefined ? null : readInt(value);
  return {
    id: String(row.id),
    shop: String(row.shop),
    subscriberId: text(row.subscriberId),
    campaignId: text(row.campaignId),
    phone: String(row.phone),
    body: String(row.body),
    kind: String(row.kind),
    status: String(row.status),
    attempts: readInt(row.attempts),
    nextAttemptAt: readRequiredDate(row.nextAttemptAt),
    lockedUntil: readDate(row.lockedUntil),
    twilioSid: text(row.twilioSid),
    errorCode: int(row.errorCode),
    errorMessage: text(row.errorMessage),
    skipReason: text(row.skipReason),
    deferredBy: text(row.deferredBy),
    segments: readInt(row.segments),
    createdAt: readRequiredDate(row.createdAt),
    updatedAt: readRequiredDate(row.updatedAt),
    sentAt: readDate(row.sentAt),
    deliveredAt: readDate(row.deliveredAt),
    bodyPurgedAt: readDate(row.bodyPurgedAt),
  };
}
