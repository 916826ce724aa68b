/**
 * A sender's throughput limit (segments per second), held across every worker
 * process and machine together, not per worker.
 *
 * Twilio paces each sender itself: a long code sends about 1 segment a
 * second, a toll-free number 3, a short code 100, a Messaging Service as fast
 * as the senders in its pool (the defaults per sender type, and the shop's
 * own override, are in app/shops/sender-types.ts). Whatever is handed over
 * faster waits in Twilio's queue, and what waits too long fails (30001), so a
 * campaign handed over all at once would partly fail and would run into the
 * recipients' quiet hours from Twilio's queue, where our rules no longer see
 * it. So the workers hand texts over at the sender's pace.
 *
 * The budget lives in the database, as one counter per sender and wall-clock
 * second in RateLimitWindow (key `send|<sender>`: the shop's own number or
 * Messaging Service SID, no personal data). A worker reserves up to k slots of
 * the current second in one statement, an upsert that adds to the counter
 * only while it is below the limit and returns it: the slots it got are the
 * part of its request below the limit, so all workers together never get more
 * than the limit in one second. A text is handed to Twilio only within the
 * second its slot belongs to; a worker with no slot waits for the next second.
 * Slots left unused when their second ends are simply lost (sending less is
 * always safe). Seconds are the workers' clocks (NTP-synchronised servers).
 */
import { withSqlTransaction } from "../db.server";
import { readInt } from "../db/sql.server";
import { messagesPerSecondFor } from "../shops/sender-types";

/** A text is not started in the last part of its second: it must reach Twilio within that second. */
export const SECOND_END_GUARD_MS = 100;

const RESERVE_SQL = `INSERT INTO "RateLimitWindow" ("key", "windowStart", "count", "expiresAt") VALUES (?, ?, ?, ?)
ON CONFLICT ("key", "windowStart") DO UPDATE SET "count" = "RateLimitWindow"."count" + excluded."count"
WHERE "RateLimitWindow"."count" < ?
RETURNING "count"`;

export interface SenderSettings {
  messagingServiceSid: string | null;
  senderPhoneNumber: string | null;
  senderType: string;
  maxMessagesPerSecond: number | null;
}

/** The sender Twilio paces: the Messaging Service when the shop sends through one, else its number. */
export function senderOf(settings: Pick<SenderSettings, "messagingServiceSid" | "senderPhoneNumber">): string | null {
  return settings.messagingServiceSid ?? settings.senderPhoneNumber;
}

/** The shop's sending rate in segments per second: its own setting, else its sender type's default. */
export function sendRateOf(settings: Pick<SenderSettings, "senderType" | "maxMessagesPerSecond">): number {
  return Math.max(1, messagesPerSecondFor(settings));
}

export function sendRateKey(sender: string): string {
  return `send|${sender}`;
}

/**
 * Reserves up to `wanted` slots of the second that starts at `secondStart`
 * (ms, a multiple of 1000) for `sender`, whose limit is `perSecond`. Resolves
 * to how many it got (0 when the second's budget is spent).
 */
export async function reserveSendSlots(sender: string, secondStart: number, wanted: number, perSecond: number): Promise<number> {
  const asked = Math.min(wanted, perSecond);
  if (asked <= 0) return 0;
  const [row] = await withSqlTransaction((sql) =>
    sql.all<{ count: unknown }>(RESERVE_SQL, [sendRateKey(sender), new Date(secondStart), asked, new Date(secondStart + 1000), perSecond]),
  );
  if (!row) return 0; // the counter had reached the limit: nothing added
  const total = readInt(row.count);
  // Our slots are the part of [total - asked, total) below the limit.
  return Math.max(0, Math.min(asked, perSecond - (total - asked)));
}

/** A reservation asks for at least 1/RESERVE_SHARE_OF_SECOND of the second's budget. */
const RESERVE_SHARE_OF_SECOND = 20;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Waiter {
  slots: number;
  resolve: (secondEnd: number) => void;
  reject: (error: unknown) => void;
}

/**
 * One sender's slots in this process: texts ask for slots, and get them in
 * order as the shared budget allows. Reservations are made for what is
 * waiting (up to a second's budget), so a worker with few texts does not take
 * slots another worker could use.
 */
export class SenderPace {
  private readonly waiting: Waiter[] = [];
  private pumping = false;
  private second = -1;
  private left = 0;

  constructor(
    readonly sender: string,
    private perSecond: number,
  ) {}

  /** The shop may have changed its rate: the next reservation uses the new one. */
  setRate(perSecond: number) {
    this.perSecond = Math.max(1, perSecond);
  }

  /**
   * Resolves, within a second whose budget had `slots` slots left for this
   * text, to when that second ends: hand the text to Twilio before then. A
   * text longer than a whole second's budget takes the whole second.
   */
  take(slots: number): Promise<number> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ slots: Math.max(1, Math.min(slots, this.perSecond)), resolve, reject });
      void this.pump();
    });
  }

  private async pump() {
    if (this.pumping) return;
    this.pumping = true;
    try {
      while (this.waiting.length > 0) {
        const now = Date.now();
        let second = Math.floor(now / 1000) * 1000;
        // Too little of this second is left to reach Twilio within it: plan for the next.
        if (now >= second + 1000 - SECOND_END_GUARD_MS) second += 1000;
        if (second !== this.second) {
          this.second = second;
          this.left = 0;
        }
        const head = this.waiting[0]!;
        const need = Math.min(head.slots, this.perSecond);
        if (this.left < need) {
          // What is waiting, but never less than a twentieth of a second's budget: texts arrive one by one, and a
          // round trip per text would cap the pace far below a fast sender's rate. At most that much of each
          // second's budget is left unused by a worker whose texts ran out.
          const demand = Math.max(
            this.waiting.reduce((sum, waiter) => sum + waiter.slots, 0),
            Math.ceil(this.perSecond / RESERVE_SHARE_OF_SECOND),
          );
          try {
            this.left += await reserveSendSlots(this.sender, second, Math.max(need, demand) - this.left, this.perSecond);
          } catch (error) {
            for (const waiter of this.waiting.splice(0)) waiter.reject(error);
            return;
          }
          if (this.left < need) {
            // Spent by the workers together: try again in the next second.
            await sleep(second + 1000 - Date.now());
            continue;
          }
        }
        // A timer can fire a few milliseconds before the wall clock reaches its time (Node counts from the event
        // loop's cached time, which a long synchronous stretch leaves behind): never start a second's texts early.
        while (Date.now() < second) await sleep(second - Date.now());
        if (Date.now() >= second + 1000 - SECOND_END_GUARD_MS) continue; // this process was too slow: the slots are lost
        this.left -= need;
        this.waiting.shift();
        head.resolve(second + 1000);
      }
    } finally {
      this.pumping = false;
    }
  }
}

const paces = new Map<string, SenderPace>();

/** This process's pace for a sender (one per sender, shared by every dispatch of the process). */
export function paceFor(sender: string, perSecond: number): SenderPace {
  let pace = paces.get(sender);
  if (!pace) paces.set(sender, (pace = new SenderPace(sender, perSecond)));
  else pace.setRate(perSecond);
  return pace;
}
