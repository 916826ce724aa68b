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
 * seconds its slots belong to: one second, or, when it starts in a second's
 * last SECOND_END_GUARD_MS, that second and the next (it may arrive in
 * either, so both count it). A worker with no slot waits for the next second.
 * Slots left unused when their second ends are simply lost (sending less is
 * always safe). Seconds are the workers' clocks (NTP-synchronised servers).
 */
import { withSqlTransaction } from "../db.server";
import { readInt } from "../db/sql.server";
import { messagesPerSecondFor } from "../shops/sender-types";

/** A text started in the last part of a second may reach Twilio in the next one: it holds a slot in both. */
export const SECOND_END_GUARD_MS = 200;

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
/** The next second's slots are reserved this long before the current second's last part begins. */
const NEXT_SECOND_LEAD_MS = 150;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Waiter {
  slots: number;
  resolve: (deadline: number) => void;
  reject: (error: unknown) => void;
}

/**
 * One sender's slots in this process: texts ask for slots, and get them in
 * order as the shared budget allows. Reservations are made for what is
 * waiting (up to a second's budget), so a worker with few texts does not take
 * slots another worker could use.
 *
 * A text that starts in the last part of a second (SECOND_END_GUARD_MS) may
 * reach Twilio in that second or the next, so it holds a slot in both: either
 * way it was counted in the second it arrives in, and no text waits for the
 * next second while the budget has room. Slots are reserved ahead, in the
 * background: more of the current second when its slots run low, and the next
 * second's shortly before it is needed, so a text rarely waits for the
 * database.
 */
export class SenderPace {
  private readonly waiting: Waiter[] = [];
  private pumping = false;
  /** Slots this process holds and has not handed out, by second (ms of its start). */
  private readonly held = new Map<number, number>();
  /** Seconds whose budget the workers together have spent. */
  private readonly spent = new Set<number>();
  private readonly reserving = new Map<number, Promise<number>>();

  constructor(
    readonly sender: string,
    private perSecond: number,
  ) {}

  /** The shop may have changed its rate: the next reservation uses the new one. */
  setRate(perSecond: number) {
    this.perSecond = Math.max(1, perSecond);
  }

  /**
   * Resolves once the text may go, with slots for it in every second it could
   * reach Twilio in, to when the last of those seconds ends: hand the text to
   * Twilio before then. A text longer than a whole second's budget takes the
   * whole second.
   */
  take(slots: number): Promise<number> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ slots: Math.max(1, Math.min(slots, this.perSecond)), resolve, reject });
      void this.pump();
    });
  }

  private left(second: number): number {
    return this.held.get(second) ?? 0;
  }

  /** What is waiting, but never less than a twentieth of a second's budget: a round trip per text would cap the pace far below a fast sender's rate. */
  private demand(): number {
    return Math.max(
      this.waiting.reduce((sum, waiter) => sum + waiter.slots, 0),
      Math.ceil(this.perSecond / RESERVE_SHARE_OF_SECOND),
    );
  }

  /** One reservation per second at a time; resolves to the slots it got. */
  private reserve(second: number, wanted: number): Promise<number> {
    const running = this.reserving.get(second);
    if (running) return running;
    const reservation = reserveSendSlots(this.sender, second, wanted, this.perSecond)
      .then((got) => {
        if (second + 1000 > Date.now()) this.held.set(second, this.left(second) + got);
        if (got < Math.min(wanted, this.perSecond)) this.spent.add(second);
        return got;
      })
      .finally(() => this.reserving.delete(second));
    this.reserving.set(second, reservation);
    return reservation;
  }

  /**
   * Reserves in the background what the next texts will need; an error here
   * is met again by the next reservation the pump waits for. For a slow
   * sender (under RESERVE_SHARE_OF_SECOND a second) one slot is a large share
   * of a second's budget, which a worker whose texts ran out would leave
   * unused: only for texts already waiting.
   */
  private reserveAhead(second: number, now: number) {
    if (this.perSecond < RESERVE_SHARE_OF_SECOND && this.waiting.length === 0) return;
    const chunk = Math.min(this.perSecond, this.demand());
    const ahead = (at: number) => {
      if (!this.spent.has(at) && !this.reserving.has(at) && this.left(at) < Math.ceil(chunk / 2)) void this.reserve(at, chunk - this.left(at)).catch(() => undefined);
    };
    ahead(second);
    if (now >= second + 1000 - SECOND_END_GUARD_MS - NEXT_SECOND_LEAD_MS) ahead(second + 1000);
  }

  private forgetBefore(second: number) {
    for (const at of this.held.keys()) if (at < second) this.held.delete(at);
    for (const at of this.spent) if (at < second) this.spent.delete(at);
  }

  private async pump() {
    if (this.pumping) return;
    this.pumping = true;
    try {
      while (this.waiting.length > 0) {
        const now = Date.now();
        const second = Math.floor(now / 1000) * 1000;
        this.forgetBefore(second);
        const head = this.waiting[0]!;
        const need = Math.min(head.slots, this.perSecond);
        // Too little of this second is left to be sure to reach Twilio within it: a slot of the next one too.
        const seconds = now >= second + 1000 - SECOND_END_GUARD_MS ? [second, second + 1000] : [second];
        const short = seconds.filter((at) => this.left(at) < need);
        if (short.length === 0) {
          for (const at of seconds) this.held.set(at, this.left(at) - need);
          this.waiting.shift();
          head.resolve(seconds.at(-1)! + 1000);
          this.reserveAhead(second, now);
          continue;
        }
        const spent = short.find((at) => this.spent.has(at));
        if (spent !== undefined) {
          // Spent by the workers together: wait for the second after it.
          const next = spent + 1000;
          while (Date.now() < next) await sleep(next - Date.now());
          continue;
        }
        try {
          await Promise.all(short.map((at) => this.reserve(at, Math.max(need, this.demand()) - this.left(at))));
        } catch (error) {
          for (const waiter of this.waiting.splice(0)) waiter.reject(error);
          return;
        }
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
