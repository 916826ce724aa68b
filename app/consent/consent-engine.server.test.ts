import fc from "fast-check";
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createTestShop } from "../../tests/support/shop-fixture";
import prisma from "../db.server";
import { applyConsentChange, expireStalePending, type ConsentChange } from "./consent-engine.server";
import { verifyConsentChain } from "./ledger.server";
import { mayTextMarketing } from "./suppression.server";
import {
  ACTION_OF_EVENT_KIND,
  REVOKED_SINCE,
  transition,
  type ConsentAction,
  type ConsentEventKind,
  type ConsentSource,
  type SubscriberStatus,
} from "./transitions";

const HOUR = 60 * 60 * 1000;
const T0 = new Date("2026-11-02T15:00:00Z");
const PHONE = "+15550100001";

let shopA: string;
let shopB: string;

beforeAll(async () => {
  shopA = (await createTestShop()).shop; // pendingExpiryHours: the default 72
  shopB = (await createTestShop()).shop;
});

async function clearConsentData() {
  await prisma.message.deleteMany();
  await prisma.consentEvent.deleteMany();
  await prisma.consentChainHead.deleteMany();
  await prisma.shopifySyncJob.deleteMany();
  await prisma.subscriber.deleteMany();
}

function change(action: ConsentAction, overrides: Partial<ConsentChange> = {}): ConsentChange {
  return {
    shop: shopA,
    phone: PHONE,
    action,
    source: "keyword",
    occurredAt: T0,
    evidence: { messageSid: `SM-${action}`, body: action.toUpperCase() },
    ...overrides,
  };
}

const eventsOf = (shop: string, phone = PHONE) => prisma.consentEvent.findMany({ where: { shop, phone }, orderBy: { seq: "asc" } });
const subscriberOf = (shop: string, phone = PHONE) => prisma.subscriber.findUnique({ where: { shop_phone: { shop, phone } } });

type From = SubscriberStatus | "unknown";
const PATH_TO: Record<From, ConsentAction[]> = {
  unknown: [],
  pending: ["request_opt_in"],
  subscribed: ["opt_in"],
  unsubscribed: ["opt_out"],
  expired: ["request_opt_in", "expire"],
};

// One row per starting state, one column per action: "status/kind" when it changes something, "-" when not.
const ACTION_COLUMNS: ConsentAction[] = ["request_opt_in", "opt_in", "confirm", "opt_out", "carrier_opt_out", "expire"];
const EXPECTED_ROWS: Record<From, string> = {
  //            request_opt_in            opt_in                   confirm                opt_out                  carrier_opt_out               expire
  unknown:      "pending/opt_in_requested  subscribed/opted_in      -                      unsubscribed/opted_out  unsubscribed/carrier_opt_out  -",
  pending:      "-                         subscribed/opted_in      subscribed/confirmed   unsubscribed/opted_out  unsubscribed/carrier_opt_out  expired/expired",
  subscribed:   "-                         -                        -                      unsubscribed/opted_out  unsubscribed/carrier_opt_out  -",
  unsubscribed: "pending/opt_in_requested  subscribed/resubscribed  -                      -                       -                             -",
  expired:      "pending/opt_in_requested  subscribed/opted_in      -                      unsubscribed/opted_out  unsubscribed/carrier_opt_out  -",
};
const EXPECTED = Object.fromEntries(
  Object.entries(EXPECTED_ROWS).map(([from, row]) => [from, Object.fromEntries(row.split(/\s+/).map((cell, i) => [ACTION_COLUMNS[i]!, cell]))]),
) as Record<From, Record<ConsentAction, string>>;

const CASES = Object.entries(EXPECTED).flatMap(([from, byAction]) =>
  Object.entries(byAction).map(([action, expected]) => ({ from: from as From, action: action as ConsentAction, expected })),
);

describe("consent engine: each transition", () => {
  beforeEach(clearConsentData);

  it.each(CASES)("$from + $action → $expected", async ({ from, action, expected }) => {
    for (const step of PATH_TO[from]) await applyConsentChange(change(step));
    const before = await eventsOf(shopA);

    const result = await applyConsentChange(change(action, { evidence: { messageSid: "SM-under-test", body: "x" }, occurredAt: new Date(T0.getTime() + HOUR) }));

    const after = await eventsOf(shopA);
    const row = await subscriberOf(shopA);
    expect(result.previousStatus).toBe(from === "unknown" ? null : from);
    if (expected === "-") {
      expect(result.transition.changed).toBe(false);
      expect(result.event).toBeNull();
      expect(after).toHaveLength(before.length);
      expect(row?.status ?? null).toBe(from === "unknown" ? null : from);
      expect(result.subscriber?.status ?? null).toBe(row?.status ?? null);
      return;
    }
    const [status, kind] = expected.split("/") as [SubscriberStatus, ConsentEventKind];
    expect(result.transition).toEqual({ changed: true, to: status, kind });
    expect(after).toHaveLength(before.length + 1);
    expect(result.event).toEqual(after.at(-1));
    expect(result.event).toMatchObject({ kind, fromStatus: from === "unknown" ? null : from, toStatus: status, source: "keyword" });
    expect(JSON.parse(result.event!.evidence)).toEqual({ messageSid: "SM-under-test", body: "x" });
    expect(row).toMatchObject({ status, id: result.subscriber!.id });
  });

  it("records opt-in level, times and the identity the caller knows", async () => {
    await applyConsentChange(change("request_opt_in", { locale: "es", shopifyCustomerId: "gid://shopify/Customer/7" }));
    const pending = await subscriberOf(shopA);
    expect(pending).toMatchObject({ status: "pending", locale: "es", shopifyCustomerId: "gid://shopify/Customer/7" });
    expect(pending!.pendingExpiresAt).toEqual(new Date(T0.getTime() + 72 * HOUR)); // the shop's window

    const confirmedAt = new Date(T0.getTime() + 5 * 60_000);
    await applyConsentChange(change("confirm", { occurredAt: confirmedAt, locale: null }));
    expect(await subscriberOf(shopA)).toMatchObject({ status: "subscribed", optInLevel: "confirmed", subscribedAt: confirmedAt, pendingExpiresAt: null, locale: "es" });

    const stoppedAt = new Date(T0.getTime() + 24 * HOUR);
    await applyConsentChange(change("opt_out", { occurredAt: stoppedAt }));
    expect(await subscriberOf(shopA)).toMatchObject({ status: "unsubscribed", unsubscribedAt: stoppedAt, subscribedAt: confirmedAt });

    await applyConsentChange(change("opt_in", { shop: shopB, source: "checkout", optInLevel: "single" }));
    expect(await subscriberOf(shopB)).toMatchObject({ status: "subscribed", optInLevel: "single" });
  });
});

describe("consent engine: rules that protect a revocation", () => {
  beforeEach(clearConsentData);

  it("a STOP from an unknown number creates an unsubscribed record that imports and syncs cannot undo", async () => {
    const stop = await applyConsentChange(change("opt_out", { evidence: { messageSid: "SM1", body: "STOP" } }));
    expect(stop).toMatchObject({ previousStatus: null, subscriber: { status: "unsubscribed" }, event: { kind: "opted_out" } });

    for (const source of ["import", "shopify_sync"] as const) {
      for (const action of ["opt_in", "request_opt_in"] as const) {
        const result = await applyConsentChange(change(action, { source, evidence: { file: "list.csv" } }));
        expect(result.transition).toEqual({ changed: false, reason: "opted out: only the subscriber can opt in again" });
      }
    }
    expect((await subscriberOf(shopA))!.status).toBe("unsubscribed");

    const start = await applyConsentChange(change("opt_in", { evidence: { messageSid: "SM2", body: "START" } }));
    expect(start.event).toMatchObject({ kind: "resubscribed", fromStatus: "unsubscribed" });
    expect((await eventsOf(shopA)).map((e) => e.kind)).toEqual(["opted_out", "resubscribed"]);
  });

  it("a consent given before the latest STOP cannot undo it, however late it arrives; one given after can", async () => {
    await applyConsentChange(change("opt_out", { occurredAt: T0 }));
    const checkoutBefore = new Date(T0.getTime() - HOUR); // the order was placed before the STOP; its webhook comes after
    for (const action of ["opt_in", "request_opt_in"] as const) {
      const late = await applyConsentChange(change(action, { source: "checkout", occurredAt: checkoutBefore, evidence: { orderId: "1" } }));
      expect(late).toMatchObject({ event: null, transition: { changed: false, reason: REVOKED_SINCE }, subscriber: { status: "unsubscribed" } });
    }
    expect(await mayTextMarketing(shopA, PHONE, prisma)).toMatchObject({ allowed: false });

    const checkoutAfter = await applyConsentChange(change("opt_in", { source: "checkout", occurredAt: new Date(T0.getTime() + HOUR), evidence: { orderId: "2" } }));
    expect(checkoutAfter.event).toMatchObject({ kind: "resubscribed", fromStatus: "unsubscribed" });
    expect((await eventsOf(shopA)).map((e) => e.kind)).toEqual(["opted_out", "resubscribed"]);
  });

  it("a new opt-in from the person clears an earlier unreachable mark; an import does not", async () => {
    const unreachable = { undeliverableCount: 3, unreachableAt: T0 };
    await applyConsentChange(change("opt_in"));
    await prisma.subscriber.update({ where: { shop_phone: { shop: shopA, phone: PHONE } }, data: unreachable });
    await applyConsentChange(change("opt_out", { occurredAt: new Date(T0.getTime() + HOUR) }));

    await applyConsentChange(change("opt_in", { source: "import", occurredAt: new Date(T0.getTime() + 2 * HOUR) }));
    expect(await subscriberOf(shopA)).toMatchObject({ status: "unsubscribed", ...unreachable });

    await applyConsentChange(change("opt_in", { occurredAt: new Date(T0.getTime() + 3 * HOUR), evidence: { body: "START" } }));
    expect(await subscriberOf(shopA)).toMatchObject({ status: "subscribed", undeliverableCount: 0, unreachableAt: null });
    expect(await mayTextMarketing(shopA, PHONE, prisma, new Date(T0.getTime() + 4 * HOUR))).toEqual({ allowed: true });
  });

  it("a Y nobody asked for changes nothing and creates no record", async () => {
    const result = await applyConsentChange(change("confirm"));
    expect(result).toMatchObject({ subscriber: null, previousStatus: null, event: null, transition: { changed: false } });
    expect(await prisma.subscriber.count()).toBe(0);
    expect(await prisma.consentChainHead.count()).toBe(0); // a no-op writes nothing at all
  });

  it("a late Y expires the lapsed request first and does not subscribe", async () => {
    await applyConsentChange(change("request_opt_in", { pendingExpiresAt: new Date(T0.getTime() + 2 * HOUR) }));
    const lateY = await applyConsentChange(change("confirm", { occurredAt: new Date(T0.getTime() + 3 * HOUR) }));

    expect(lateY).toMatchObject({ previousStatus: "expired", event: null, transition: { changed: false }, subscriber: { status: "expired" } });
    expect(lateY.expiredFirst).toMatchObject({ kind: "expired", source: "system", fromStatus: "pending", occurredAt: new Date(T0.getTime() + 2 * HOUR) });
    expect((await eventsOf(shopA)).map((e) => e.kind)).toEqual(["opt_in_requested", "expired"]);
    expect(await mayTextMarketing(shopA, PHONE, prisma)).toEqual({ allowed: false, reason: "expired" });

    // The caller may ask again; a Y in the new window subscribes.
    await applyConsentChange(change("request_opt_in", { occurredAt: new Date(T0.getTime() + 4 * HOUR) }));
    const y = await applyConsentChange(change("confirm", { occurredAt: new Date(T0.getTime() + 5 * HOUR) }));
    expect(y.event).toMatchObject({ kind: "confirmed", fromStatus: "pending" });
  });

  it("a Y just inside the window confirms", async () => {
    const closes = new Date(T0.getTime() + 2 * HOUR);
    await applyConsentChange(change("request_opt_in", { pendingExpiresAt: closes }));
    const y = await applyConsentChange(change("confirm", { occurredAt: new Date(closes.getTime() - 1) }));
    expect(y).toMatchObject({ expiredFirst: null, event: { kind: "confirmed" } });
  });

  it("an opt-out cancels queued marketing messages, and only those", async () => {
    const { subscriber } = await applyConsentChange(change("opt_in"));
    const other = (await applyConsentChange(change("opt_in", { phone: "+15550100002" }))).subscriber!;
    const base = { shop: shopA, subscriberId: subscriber!.id, phone: PHONE, body: "Acme: 20% off. Reply STOP to opt out." };
    await prisma.message.createMany({
      data: [
        { ...base, kind: "marketing", status: "queued" },
        { ...base, kind: "marketing", status: "queued" },
        { ...base, kind: "marketing", status: "sent" },
        { ...base, kind: "transactional", status: "queued" },
        { ...base, kind: "compliance", status: "queued" },
        { ...base, subscriberId: other.id, phone: other.phone, kind: "marketing", status: "queued" },
      ],
    });

    const stop = await applyConsentChange(change("opt_out"));
    expect(stop.cancelledMessages).toBe(2);
    const rows = await prisma.message.findMany({ select: { kind: true, status: true, subscriberId: true } });
    const summary = rows.map((m) => `${m.subscriberId === other.id ? "other" : "me"}:${m.kind}:${m.status}`).sort();
    expect(summary).toEqual([
      "me:compliance:queued",
      "me:marketing:cancelled",
      "me:marketing:cancelled",
      "me:marketing:sent",
      "me:transactional:queued",
      "other:marketing:queued",
    ]);
    expect((await applyConsentChange(change("carrier_opt_out", { source: "carrier" }))).cancelledMessages).toBe(0);
  });

  it("writes inside the caller's transaction and rolls back with it", async () => {
    await expect(
      prisma.$transaction(async (tx) => {
        await applyConsentChange(change("opt_out"), tx);
        expect((await tx.subscriber.findUnique({ where: { shop_phone: { shop: shopA, phone: PHONE } } }))?.status).toBe("unsubscribed");
        throw new Error("the caller's own write failed");
      }),
    ).rejects.toThrow("the caller's own write failed");
    expect(await prisma.subscriber.count()).toBe(0);
    expect(await prisma.consentEvent.count()).toBe(0);
    expect(await verifyConsentChain(shopA)).toEqual({ ok: true, events: 0, redacted: 0 });
  });

  it("serialises concurrent changes to one number: one record, one event per real change", async () => {
    const results = await Promise.all(
      Array.from({ length: 12 }, (_, i) => applyConsentChange(change(i % 2 ? "opt_out" : "opt_in", { evidence: { messageSid: `SM${i}` } }))),
    );
    const events = await eventsOf(shopA);
    expect(await prisma.subscriber.count()).toBe(1);
    expect(events).toHaveLength(results.filter((r) => r.event).length);
    expect(events.map((e) => e.fromStatus)).toEqual([null, ...events.slice(0, -1).map((e) => e.toStatus)]);
    expect((await subscriberOf(shopA))!.status).toBe(events.at(-1)!.toStatus);
    expect(await verifyConsentChain(shopA)).toMatchObject({ ok: true });
  });
});

describe("expireStalePending", () => {
  beforeEach(clearConsentData);

  it("expires each lapsed request once, and nothing else", async () => {
    const phones = ["+15550100011", "+15550100012", "+15550100013", "+15550100014"];
    await applyConsentChange(change("request_opt_in", { phone: phones[0], pendingExpiresAt: new Date(T0.getTime() + HOUR) }));
    await applyConsentChange(change("request_opt_in", { phone: phones[1], shop: shopB, pendingExpiresAt: new Date(T0.getTime() + 2 * HOUR) }));
    await applyConsentChange(change("request_opt_in", { phone: phones[2], pendingExpiresAt: new Date(T0.getTime() + 10 * HOUR) }));
    await applyConsentChange(change("request_opt_in", { phone: phones[3], pendingExpiresAt: new Date(T0.getTime() + HOUR) }));
    await applyConsentChange(change("confirm", { phone: phones[3], occurredAt: new Date(T0.getTime() + 30 * 60_000) }));

    const now = new Date(T0.getTime() + 3 * HOUR);
    expect(await expireStalePending(now)).toBe(2);
    expect(await expireStalePending(now)).toBe(0);

    const statuses = await prisma.subscriber.findMany({ orderBy: { phone: "asc" }, select: { status: true } });
    expect(statuses.map((s) => s.status)).toEqual(["expired", "expired", "pending", "subscribed"]);
    const expired = await prisma.consentEvent.findMany({ where: { kind: "expired" }, orderBy: { phone: "asc" } });
    expect(expired.map((e) => [e.phone, e.source, e.occurredAt.toISOString()])).toEqual([
      [phones[0], "system", new Date(T0.getTime() + HOUR).toISOString()],
      [phones[1], "system", new Date(T0.getTime() + 2 * HOUR).toISOString()],
    ]);
    expect(await verifyConsentChain(shopA)).toMatchObject({ ok: true, events: 5 });
    expect(await verifyConsentChain(shopB)).toMatchObject({ ok: true, events: 2 });
  });

  it("works in batches of the given size", async () => {
    for (let i = 0; i < 5; i++) {
      await applyConsentChange(change("request_opt_in", { phone: `+1555010002${i}`, pendingExpiresAt: new Date(T0.getTime() + HOUR) }));
    }
    const later = new Date(T0.getTime() + 2 * HOUR);
    expect(await expireStalePending(later, 2)).toBe(2);
    expect(await expireStalePending(later, 2)).toBe(2);
    expect(await expireStalePending(later, 2)).toBe(1);
    expect(await prisma.subscriber.count({ where: { status: "pending" } })).toBe(0);
  });
});

// ---------------------------------------------------------------------------
// Property: random interleavings of consent changes, clock jumps, the expiry
// job, delivery failures, queued campaigns and send attempts, across a small
// pool of numbers at two shops, checked against a model and against the ledger.

// Two numbers at two shops: few enough that steps often land on the same subscriber.
const PHONES = ["+15550100101", "+15550100102"];
const SOURCES: ConsentSource[] = ["keyword", "checkout", "form", "import", "shopify_sync", "admin"];
const actionArb = fc.oneof(
  { weight: 3, arbitrary: fc.constant<ConsentAction>("request_opt_in") },
  { weight: 3, arbitrary: fc.constant<ConsentAction>("confirm") },
  { weight: 2, arbitrary: fc.constant<ConsentAction>("opt_in") },
  { weight: 2, arbitrary: fc.constant<ConsentAction>("opt_out") },
  { weight: 1, arbitrary: fc.constant<ConsentAction>("carrier_opt_out") },
  { weight: 1, arbitrary: fc.constant<ConsentAction>("expire") },
);

interface Who {
  shop: number;
  phone: number;
}
type Step =
  | ({ t: "change"; action: ConsentAction; source: ConsentSource; windowHours: number | null } & Who)
  | { t: "advance"; hours: number }
  | { t: "job" }
  | ({ t: "send" } & Who)
  | ({ t: "unreachable" } & Who)
  | ({ t: "queue" } & Who);

// Most steps hit one subscriber, so runs reach deep histories (subscribe, queue, STOP, START…); the rest
// land on the same number at the other shop and on a second number, which must stay unaffected.
const whoArb: fc.Arbitrary<Who> = fc.oneof(
  { weight: 6, arbitrary: fc.constant({ shop: 0, phone: 0 }) },
  { weight: 1, arbitrary: fc.constant({ shop: 1, phone: 0 }) },
  { weight: 1, arbitrary: fc.constant({ shop: 0, phone: 1 }) },
  { weight: 1, arbitrary: fc.constant({ shop: 1, phone: 1 }) },
);
const change_ = (who: Who, action: ConsentAction, source: ConsentSource, windowHours: number | null = null): Step => ({
  t: "change",
  action,
  source,
  windowHours,
  ...who,
});

const singleStep: fc.Arbitrary<Step[]> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc
      .tuple(whoArb, actionArb, fc.constantFrom(...SOURCES), fc.constantFrom(null, 2))
      .map(([who, action, source, hours]) => change_(who, action, source, hours)),
  },
  { weight: 2, arbitrary: fc.constantFrom(1, 3, 24, 73).map((hours): Step => ({ t: "advance", hours })) },
  { weight: 1, arbitrary: fc.constant<Step>({ t: "job" }) },
  { weight: 4, arbitrary: whoArb.map((who): Step => ({ t: "send", ...who })) },
  { weight: 1, arbitrary: whoArb.map((who): Step => ({ t: "unreachable", ...who })) },
  { weight: 2, arbitrary: whoArb.map((who): Step => ({ t: "queue", ...who })) },
).map((step) => [step]);

// Short stories that random single steps would rarely tell in full; they still interleave freely with the rest.
const storyArb: fc.Arbitrary<Step[]> = fc.tuple(whoArb, fc.integer({ min: 0, max: 3 })).map(([who, story]): Step[] => {
  const send: Step = { t: "send", ...who };
  const later: Step = { t: "advance", hours: 3 };
  const ask = change_(who, "request_opt_in", "keyword", 2);
  switch (story) {
    case 0: // subscribe, queue a campaign, STOP, then a list import tries to bring them back
      return [change_(who, "opt_in", "checkout"), { t: "queue", ...who }, change_(who, "opt_out", "keyword"), change_(who, "opt_in", "import"), send];
    case 1: // double opt-in answered too late
      return [ask, send, later, change_(who, "confirm", "keyword"), send];
    case 2: // double opt-in never answered, the job expires it
      return [ask, later, { t: "job" }, send];
    default: // subscribed, then the number stops accepting texts
      return [change_(who, "opt_in", "form"), send, { t: "unreachable", ...who }, send];
  }
});

const stepsArb = fc
  .array(fc.oneof({ weight: 5, arbitrary: singleStep }, { weight: 1, arbitrary: storyArb }), { minLength: 5, maxLength: 20, size: "max" })
  .map((chunks) => chunks.flat().slice(0, 25));

interface ModelEntry {
  status: SubscriberStatus;
  pendingExpiresAt: number | null;
  unreachable: boolean;
}

const USED_THE_NUMBER: ReadonlySet<ConsentSource> = new Set(["keyword", "checkout", "form"]);

/** The reference model: the pure state machine plus the "a lapsed request is expired" rule. */
class Model {
  readonly entries = new Map<string, ModelEntry>();

  apply(key: string, action: ConsentAction, source: ConsentSource, now: number, windowEnd: number): number {
    let entry = this.entries.get(key) ?? null;
    let events = 0;
    if (entry && action !== "expire" && this.lapsed(entry, now)) {
      entry = { ...entry, status: "expired" };
      events += 1;
    }
    const next = transition(entry?.status ?? null, action, source);
    if (next.changed) {
      events += 1;
      entry = {
        status: next.to,
        pendingExpiresAt: next.to === "pending" ? windowEnd : next.to === "expired" ? (entry?.pendingExpiresAt ?? null) : null,
        // A new consent the person gave with this number clears an earlier unreachable mark.
        unreachable: (next.to === "pending" || next.to === "subscribed") && USED_THE_NUMBER.has(source) ? false : (entry?.unreachable ?? false),
      };
    }
    if (entry) this.entries.set(key, entry);
    return events;
  }

  expireLapsed(now: number): number {
    let count = 0;
    for (const [key, entry] of this.entries) {
      if (this.lapsed(entry, now)) {
        this.entries.set(key, { ...entry, status: "expired" });
        count += 1;
      }
    }
    return count;
  }

  expectedPermission(key: string, now: number) {
    const entry = this.entries.get(key);
    if (!entry) return { allowed: false, reason: "unknown_number" };
    if (entry.status === "pending") return { allowed: false, reason: this.lapsed(entry, now) ? "expired" : "pending" };
    if (entry.status !== "subscribed") return { allowed: false, reason: entry.status };
    return entry.unreachable ? { allowed: false, reason: "unreachable" } : { allowed: true };
  }

  private lapsed(entry: ModelEntry, now: number): boolean {
    return entry.status === "pending" && entry.pendingExpiresAt !== null && entry.pendingExpiresAt <= now;
  }
}

/** How often the runs met each situation worth testing, so a weak generator fails loudly instead of passing quietly. */
const seen = new Map<string, number>();
const tally = (situation: string) => seen.set(situation, (seen.get(situation) ?? 0) + 1);

async function runSteps(steps: Step[]) {
  await clearConsentData();
  const shops = [shopA, shopB];
  const model = new Model();
  let now = T0.getTime();
  let transactionalQueued = 0;
  const eventCount = () => prisma.consentEvent.count();

  for (const step of steps) {
    if (step.t === "advance") {
      now += step.hours * HOUR;
      continue;
    }
    if (step.t === "job") {
      const before = await eventCount();
      const expired = await expireStalePending(new Date(now));
      expect(expired).toBe(model.expireLapsed(now));
      if (expired > 0) tally("job expired a request");
      expect(await eventCount()).toBe(before + expired);
      continue;
    }
    const shop = shops[step.shop]!;
    const phone = PHONES[step.phone]!;
    const key = `${step.shop}:${phone}`;

    if (step.t === "change") {
      const before = await eventCount();
      const windowEnd = now + (step.windowHours ?? 72) * HOUR;
      const result = await applyConsentChange({
        shop,
        phone,
        action: step.action,
        source: step.source,
        occurredAt: new Date(now),
        evidence: { step: step.action, at: now },
        pendingExpiresAt: step.windowHours === null ? undefined : new Date(windowEnd),
      });
      const expectedEvents = model.apply(key, step.action, step.source, now, windowEnd);
      // (d) a changed transition appends exactly one event, an unchanged one none (plus one for a lapsed request).
      expect(result.event !== null).toBe(result.transition.changed);
      expect(await eventCount()).toBe(before + (result.event ? 1 : 0) + (result.expiredFirst ? 1 : 0));
      expect(await eventCount()).toBe(before + expectedEvents);
      expect(result.subscriber?.status ?? null).toBe(model.entries.get(key)?.status ?? null);
      if (result.expiredFirst) tally("late reply to a lapsed request");
      if (result.cancelledMessages > 0) tally("opt-out cancelled queued marketing");
      if (result.transition.changed === false && result.transition.reason.startsWith("opted out")) tally("bulk source refused");
    } else if (step.t === "send") {
      // (a) allowed iff the latest state is subscribed and reachable, checked against the model…
      const permission = await mayTextMarketing(shop, phone, prisma, new Date(now));
      expect(permission).toEqual(model.expectedPermission(key, now));
      tally(permission.allowed ? "send allowed" : `send refused: ${permission.reason}`);
      if (permission.allowed) {
        // …and independently against the table and the ledger's latest word on this number.
        const row = await prisma.subscriber.findUnique({ where: { shop_phone: { shop, phone } } });
        const latest = await prisma.consentEvent.findFirst({ where: { shop, phone }, orderBy: { seq: "desc" } });
        expect(row).toMatchObject({ status: "subscribed", unreachableAt: null });
        expect(latest?.toStatus).toBe("subscribed");
      }
    } else if (step.t === "unreachable") {
      // What the delivery-status callback does after permanent failures (not a consent change).
      const { count } = await prisma.subscriber.updateMany({ where: { shop, phone }, data: { unreachableAt: new Date(now) } });
      const entry = model.entries.get(key);
      expect(count).toBe(entry ? 1 : 0);
      if (entry) entry.unreachable = true;
    } else if (step.t === "queue") {
      // A sender queues only after the check says yes; order updates go to any known number.
      const row = await prisma.subscriber.findUnique({ where: { shop_phone: { shop, phone } } });
      if (!row) continue;
      const base = { shop, phone, subscriberId: row.id, body: "Acme: sale" };
      if ((await mayTextMarketing(shop, phone, prisma, new Date(now))).allowed) {
        await prisma.message.create({ data: { ...base, kind: "marketing" } });
      }
      await prisma.message.create({ data: { ...base, kind: "transactional" } });
      transactionalQueued += 1;
    }
  }

  // (b) each subscriber's events replay, through the state machine, to the status in the table.
  const subscribers = await prisma.subscriber.findMany();
  for (const subscriber of subscribers) {
    const events = await prisma.consentEvent.findMany({ where: { subscriberId: subscriber.id }, orderBy: { seq: "asc" } });
    expect(events.length).toBeGreaterThan(0);
    let status: SubscriberStatus | null = null;
    for (const event of events) {
      expect(event.fromStatus).toBe(status);
      const replayed = transition(status, ACTION_OF_EVENT_KIND[event.kind as ConsentEventKind], event.source as ConsentSource);
      expect(replayed).toEqual({ changed: true, to: event.toStatus, kind: event.kind });
      status = event.toStatus as SubscriberStatus;
    }
    expect(status).toBe(subscriber.status);
    const key = `${shops.indexOf(subscriber.shop)}:${subscriber.phone}`;
    expect(subscriber.status).toBe(model.entries.get(key)?.status);
  }
  expect(subscribers).toHaveLength(model.entries.size);

  // (c) both chains verify.
  for (const shop of shops) expect(await verifyConsentChain(shop)).toMatchObject({ ok: true });

  // Opt-outs left no marketing queued for anyone unsubscribed, and never touched order updates.
  const unsubscribedIds = subscribers.filter((s) => s.status === "unsubscribed").map((s) => s.id);
  expect(await prisma.message.count({ where: { kind: "marketing", status: "queued", subscriberId: { in: unsubscribedIds } } })).toBe(0);
  expect(await prisma.message.count({ where: { kind: "transactional", status: "queued" } })).toBe(transactionalQueued);
}

describe("consent engine: property", () => {
  it("never allows a send the ledger does not back, over random interleavings", async () => {
    await fc.assert(fc.asyncProperty(stepsArb, runSteps), { numRuns: 50 });
    for (const situation of [
      "late reply to a lapsed request",
      "opt-out cancelled queued marketing",
      "bulk source refused",
      "job expired a request",
      "send allowed",
      "send refused: unknown_number",
      "send refused: pending",
      "send refused: expired",
      "send refused: unsubscribed",
      "send refused: unreachable",
    ]) {
      expect(seen.get(situation) ?? 0, situation).toBeGreaterThan(0);
    }
  });
});
