/**
 * Inbound texts that arrive together. On PostgreSQL a shop's consent changes
 * run as one batch (db/group-commit.ts: one lock, one read of every number,
 * the writes as one statement, one COMMIT); on SQLite as a group with a
 * SAVEPOINT each. Either way: each number's texts apply in arrival order,
 * a text that fails fails alone, and duplicates get one answer and one record.
 */
import { afterEach, describe, expect, it } from "vitest";
import { inboundParams, newPhone } from "../../tests/support/inbound-sms";
import { createTestShop } from "../../tests/support/shop-fixture";
import prisma, { databaseProvider } from "../db.server";
import { findInboundShops, forgetInboundShops } from "../shops/inbound-shop-cache.server";
import { applyConsentChange } from "../consent/consent-engine.server";
import { parseInboundSmsParams } from "./inbound-sms-params";
import { receiveInboundSms } from "./inbound-sms.server";
import { verifyConsentChain } from "../consent/ledger.server";

type TestShop = Awaited<ReturnType<typeof createTestShop>>;

afterEach(() => forgetInboundShops());

async function inboundShop(shop: TestShop) {
  const [found] = await findInboundShops(shop.inboundNumber, null);
  return found!;
}

/** Every text received at once (same turn of the event loop), at increasing times; the settled outcomes, in order. */
async function receiveTogether(shop: TestShop, texts: { from: string; body: string; messageSid?: string }[]) {
  const cached = await inboundShop(shop);
  const start = Date.now();
  return Promise.allSettled(
    texts.map(({ from, body, messageSid }, i) => {
      const params = inboundParams(shop, from, body, messageSid ? { MessageSid: messageSid, SmsMessageSid: messageSid } : {});
      const parsed = parseInboundSmsParams(params);
      if (!parsed.ok) throw new Error(parsed.reason);
      return receiveInboundSms(cached, parsed.sms, new Date(start + i));
    }),
  );
}

const kindsOf = async (shop: TestShop, phone: string) =>
  (await prisma.consentEvent.findMany({ where: { shop: shop.shop, phone }, orderBy: { seq: "asc" } })).map((event) => event.kind);
const statusOf = async (shop: TestShop, phone: string) =>
  (await prisma.subscriber.findUnique({ where: { shop_phone: { shop: shop.shop, phone } } }))?.status;
const fulfilled = <T>(outcome: PromiseSettledResult<T>) => {
  if (outcome.status !== "fulfilled") throw outcome.reason;
  return outcome.value;
};

describe(`inbound texts that arrive together (${databaseProvider()})`, () => {
  it("apply each number's texts in order, answer each, and keep one unbroken chain", async () => {
    const shop = await createTestShop();
    const [a, b, c, d] = [newPhone(), newPhone(), newPhone(), newPhone()];
    await applyConsentChange({ shop: shop.shop, phone: a, action: "opt_in", source: "admin", evidence: { note: "test setup" } });

    const outcomes = await receiveTogether(shop, [
      { from: a, body: "STOP" },
      { from: b, body: "STOP" },
      { from: a, body: "START" },
      { from: c, body: "HELP" },
      { from: d, body: "JOIN" },
      { from: a, body: "STOP" },
    ]);

    expect(outcomes.map((outcome) => fulfilled(outcome).intent)).toEqual(["opt_out", "opt_out", "opt_in", "help", "opt_in", "opt_out"]);
    expect(await kindsOf(shop, a)).toEqual(["opted_in", "opted_out", "resubscribed", "opted_out"]);
    expect(await statusOf(shop, a)).toBe("unsubscribed");
    expect(await kindsOf(shop, b)).toEqual(["opted_out"]);
    expect(await kindsOf(shop, c)).toEqual([]);
    expect(await kindsOf(shop, d)).toEqual(["opt_in_requested"]);
    expect(await statusOf(shop, d)).toBe("pending");
    expect(await prisma.inboundMessage.count({ where: { shop: shop.shop } })).toBe(6);
    // Each event's fromStatus is what it replaced, and each sync job names its event.
    const aEvents = await prisma.consentEvent.findMany({ where: { shop: shop.shop, phone: a }, orderBy: { seq: "asc" } });
    expect(aEvents.map((event) => [event.fromStatus, event.toStatus])).toEqual([
      [null, "subscribed"],
      ["subscribed", "unsubscribed"],
      ["unsubscribed", "subscribed"],
      ["subscribed", "unsubscribed"],
    ]);
    const jobs = await prisma.shopifySyncJob.findMany({ where: { shop: shop.shop }, orderBy: { consentEventSeq: "asc" } });
    expect(jobs.map((job) => job.consentEventSeq)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(await verifyConsentChain(shop.shop)).toEqual({ ok: true, events: 6, redacted: 0 });

    if (databaseProvider() === "postgresql") {
      // The five consent texts were one batch: one transaction wrote their inbound records.
      const transactions = await prisma.$queryRawUnsafe<{ x: string }[]>(
        `SELECT DISTINCT xmin::text AS "x" FROM "InboundMessage" WHERE "shop" = $1 AND "intent" <> 'help'`,
        shop.shop,
      );
      expect(transactions).toHaveLength(1);
    }
  });

  it("a text that fails on its own fails alone: the others' opt-outs are stored", async () => {
    const shop = await createTestShop();
    const [f, broken, g] = [newPhone(), newPhone(), newPhone()];
    await prisma.subscriber.create({ data: { shop: shop.shop, phone: broken, status: "no-such-status" } });

    const outcomes = await receiveTogether(shop, [
      { from: f, body: "STOP" },
      { from: broken, body: "STOP" },
      { from: g, body: "STOP" },
    ]);

    expect(outcomes.map((outcome) => outcome.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
    expect(String((outcomes[1] as PromiseRejectedResult).reason)).toMatch(/unknown status/);
    expect(await statusOf(shop, f)).toBe("unsubscribed");
    expect(await statusOf(shop, g)).toBe("unsubscribed");
    expect(await kindsOf(shop, broken)).toEqual([]);
    expect(await prisma.inboundMessage.count({ where: { shop: shop.shop } })).toBe(2);
    expect(await verifyConsentChain(shop.shop)).toEqual({ ok: true, events: 2, redacted: 0 });
  });

  it("duplicates arriving together (a Twilio retry racing its original) get one answer and one record", async () => {
    const shop = await createTestShop();
    const [h, i] = [newPhone(), newPhone()];
    const sid = `SM${"d".repeat(32)}${Date.now()}`.slice(0, 34);

    const outcomes = await receiveTogether(shop, [
      { from: h, body: "STOP", messageSid: sid },
      { from: i, body: "STOP" },
      { from: h, body: "STOP", messageSid: sid },
    ]);

    const [first, other, copy] = outcomes.map(fulfilled);
    expect(copy!.twiml).toBe(first!.twiml);
    expect([first!.replayed, copy!.replayed]).toEqual([false, true]);
    expect(other!.replayed).toBe(false);
    expect(await prisma.inboundMessage.count({ where: { messageSid: sid } })).toBe(1);
    expect(await kindsOf(shop, h)).toEqual(["opted_out"]);
    expect(await kindsOf(shop, i)).toEqual(["opted_out"]);
    expect(await verifyConsentChain(shop.shop)).toEqual({ ok: true, events: 2, redacted: 0 });
  });

  it("a duplicate of a text answered earlier gets the stored answer, beside new texts of the same number", async () => {
    const shop = await createTestShop();
    const j = newPhone();
    const sid = `SM${"e".repeat(32)}${Date.now()}`.slice(0, 34);
    const [original] = (await receiveTogether(shop, [{ from: j, body: "JOIN", messageSid: sid }])).map(fulfilled);

    const outcomes = await receiveTogether(shop, [
      { from: j, body: "STOP" },
      { from: j, body: "JOIN", messageSid: sid }, // the retry: answered as before, changes nothing
    ]);

    const [stop, retry] = outcomes.map(fulfilled);
    expect(stop!.intent).toBe("opt_out");
    expect(retry).toEqual({ ...original!, replayed: true });
    expect(await kindsOf(shop, j)).toEqual(["opt_in_requested", "opted_out"]);
    expect(await statusOf(shop, j)).toBe("unsubscribed");
    expect(await verifyConsentChain(shop.shop)).toEqual({ ok: true, events: 2, redacted: 0 });
  });
});
