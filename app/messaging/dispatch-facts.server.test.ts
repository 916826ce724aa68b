import type { Message } from "@prisma/client";
import { describe, expect, it } from "vitest";
import { createTestShop } from "../../tests/support/shop-fixture";
import prisma, { sqlOf, withSqlTransaction } from "../db.server";
import { mayTextMarketing } from "../consent/suppression.server";
import { marketingRulesAtDispatch } from "../sending-rules/sending-rules.server";
import { consentFromFacts, ConsentRereads, paddedList, readDispatchFacts, rulesFromFacts } from "./dispatch-facts.server";

const HOUR = 60 * 60 * 1000;
// Friday 20 November 2026, 15:00 in New York (EST): inside every window.
const AFTERNOON = new Date("2026-11-20T20:00:00Z");
const ago = (hours: number, from = AFTERNOON) => new Date(from.getTime() - hours * HOUR);

let phoneCounter = 0;
/** A unique number on a real exchange (New York's 212 555 unless told). */
const nextPhone = (areaCode = "212555") => `+1${areaCode}${String(++phoneCounter).padStart(4, "0")}`;

async function subscriber(shop: string, fields: { phone?: string; status?: string; timezone?: string | null; region?: string | null; unreachableAt?: Date | null; pendingExpiresAt?: Date | null } = {}) {
  return prisma.subscriber.create({
    data: {
      shop,
      phone: fields.phone ?? nextPhone(),
      status: fields.status ?? "subscribed",
      timezone: fields.timezone ?? null,
      region: fields.region ?? null,
      unreachableAt: fields.unreachableAt ?? null,
      pendingExpiresAt: fields.pendingExpiresAt ?? null,
    },
  });
}

async function sentEarlier(shop: string, subscriberId: string, hoursAgo: number) {
  await prisma.message.create({
    data: { shop, subscriberId, phone: "+12125550000", body: "Acme: earlier", kind: "marketing", status: "delivered", sentAt: ago(hoursAgo) },
  });
}

/** A marketing text as a worker holds it after its claim: "sending", with a lease, stamped now. */
async function claimed(shop: string, recipient: { id: string | null; phone: string }, at: Date): Promise<Message> {
  const message = await prisma.message.create({
    data: { shop, subscriberId: recipient.id, phone: recipient.phone, body: "Acme: sale", kind: "marketing", status: "sending", attempts: 1, nextAttemptAt: at, lockedUntil: new Date(at.getTime() + 120_000) },
  });
  await sqlOf(prisma).run(`UPDATE "Message" SET "updatedAt" = ? WHERE "id" = ?`, [at, message.id]);
  return prisma.message.findUniqueOrThrow({ where: { id: message.id } });
}

describe("paddedList", () => {
  it("pads to the next power of two with the last value, so few statement texts exist", () => {
    expect(paddedList(["a"])).toEqual(["a"]);
    expect(paddedList(["a", "b", "c"])).toEqual(["a", "b", "c", "c"]);
    expect(paddedList(["a", "b", "c", "d", "e"])).toHaveLength(8);
    expect(() => paddedList([])).toThrow(RangeError);
  });
});

describe("a claimed batch judged at once", () => {
  it("gives every text the consent answer mayTextMarketing gives it alone", async () => {
    const { shop } = await createTestShop({ timezone: "America/New_York" });
    const recipients = [
      await subscriber(shop),
      await subscriber(shop, { status: "unsubscribed" }),
      await subscriber(shop, { status: "pending", pendingExpiresAt: ago(1) }),
      await subscriber(shop, { status: "pending", pendingExpiresAt: ago(-1) }),
      await subscriber(shop, { status: "expired" }),
      await subscriber(shop, { unreachableAt: ago(5) }),
    ];
    const messages = [
      ...(await Promise.all(recipients.map((recipient) => claimed(shop, recipient, AFTERNOON)))),
      await claimed(shop, { id: null, phone: nextPhone() }, AFTERNOON), // a number that never consented
    ];
    const facts = await withSqlTransaction((sql) => readDispatchFacts(sql, messages, AFTERNOON));
    const batch = messages.map((message) => consentFromFacts(facts, message));
    const alone = await Promise.all(messages.map((message) => mayTextMarketing(shop, message.phone, prisma, AFTERNOON)));
    expect(batch).toEqual(alone);
    expect(batch.map((permission) => (permission.allowed ? "allowed" : permission.reason))).toEqual([
      "allowed",
      "unsubscribed",
      "expired",
      "pending",
      "expired",
      "unreachable",
      "unknown_number",
    ]);

    await prisma.shop.update({ where: { shop }, data: { uninstalledAt: ago(1) } });
    const uninstalled = await withSqlTransaction((sql) => readDispatchFacts(sql, messages.slice(0, 1), AFTERNOON));
    expect(consentFromFacts(uninstalled, messages[0]!)).toEqual({ allowed: false, reason: "shop_uninstalled" });
  });

  it("gives every text the sending rules' verdict marketingRulesAtDispatch gives it alone", async () => {
    const { shop } = await createTestShop({ timezone: "America/New_York", maxMessagesPerDay: 5, maxMessagesPerMonth: 8, smartSendingHours: 0 });
    const { shop: smart } = await createTestShop({ timezone: "America/New_York", smartSendingHours: 16 });
    const free = await subscriber(shop);
    const chicago = await subscriber(shop, { timezone: "America/Chicago" });
    const floridian = await subscriber(shop, { region: "US-FL" });
    const busy = await subscriber(shop);
    const monthly = await subscriber(shop);
    const elPaso = await subscriber(shop, { phone: nextPhone("915532") });
    const twice = await subscriber(shop); // two texts of this batch go to the same subscriber
    const recent = await subscriber(smart);
    for (const hours of [1, 2, 3]) await sentEarlier(shop, floridian.id, hours); // Florida's own cap: 3 a day
    for (const hours of [1, 2, 3, 4, 5]) await sentEarlier(shop, busy.id, hours); // the shop's: 5

    for (const days of [2, 4, 6, 8, 10, 12, 14, 16]) await sentEarlier(shop, monthly.id, days * 24);
    for (const hours of [1, 2, 3, 4]) await sentEarlier(shop, twice.id, hours);
    await sentEarlier(smart, recent.id, 12);

    for (const at of [AFTERNOON, new Date("2026-11-21T01:30:00Z") /* 20:30 in New York */, new Date("2026-11-21T04:30:00Z"), new Date("2026-11-21T15:30:00Z")]) {
      const messages = [
        ...(await Promise.all([free, chicago, floridian, busy, monthly, elPaso, twice, twice].map((recipient) => claimed(shop, recipient, at)))),
        await claimed(smart, recent, at),
        await claimed(shop, { id: null, phone: free.phone }, at), // no subscriber id: found by number
      ];
      const facts = await withSqlTransaction((sql) => readDispatchFacts(sql, messages, at));
      const batch = await Promise.all(messages.map((message) => rulesFromFacts(facts, message, at)));
      const alone = await Promise.all(
        messages.map((message) => marketingRulesAtDispatch({ id: message.id, shop: message.shop, subscriberId: message.subscriberId, phone: message.phone }, at)),
      );
      expect(batch, at.toISOString()).toEqual(alone);
      if (at === AFTERNOON) {
        expect(batch.map((verdict) => (verdict.action === "skip" ? verdict.reason : verdict.action))).toEqual([
          "send",
          "send",
          "daily_cap",
          "daily_cap",
          "monthly_cap",
          "send",
          "daily_cap", // each of the two counts the other: the cautious answer when both are claimed at once
          "daily_cap",
          "smart_sending",
          "send", // found by number: the free subscriber, whose other claimed text of this batch makes 1 today
        ]);
      }
      await prisma.message.updateMany({ where: { id: { in: messages.map((message) => message.id) } }, data: { status: "cancelled" } });
    }
  });
});

describe("ConsentRereads", () => {
  it("reads ahead for texts next in line: a text finds that answer while it is recent enough, and a read of its own after a STOP", async () => {
    const { shop } = await createTestShop();
    const [early, later] = await Promise.all([subscriber(shop), subscriber(shop)]);
    const rereads = new ConsentRereads(() => new Date());
    const before = new Date();
    expect(rereads.readSince(before, shop, early.phone)).toBeNull();

    rereads.readAhead([{ shop, phone: early.phone, campaignId: null }, { shop, phone: later.phone, campaignId: null }], before);
    await expect.poll(() => rereads.readSince(before, shop, later.phone)).not.toBeNull();
    const ahead = rereads.readSince(before, shop, early.phone)!;
    expect(ahead.permission).toEqual({ allowed: true });
    expect(ahead.at.getTime()).toBeGreaterThanOrEqual(before.getTime());

    // A STOP lands: an answer read before it is no answer for a text that must be judged after it.
    await prisma.subscriber.update({ where: { id: early.id }, data: { status: "unsubscribed" } });
    const afterStop = new Date(ahead.at.getTime() + 1);
    expect(rereads.readSince(afterStop, shop, early.phone)).toBeNull();
    expect((await rereads.read(shop, early.phone)).permission).toEqual({ allowed: false, reason: "unsubscribed" });
    // …and that read is now the latest answer, for the texts behind it.
    expect(rereads.readSince(afterStop, shop, early.phone)?.permission).toEqual({ allowed: false, reason: "unsubscribed" });
  });


  it("answers from the rows as they are when asked, and texts asking together share one read", async () => {
    const { shop } = await createTestShop();
    const recipients = await Promise.all(Array.from({ length: 6 }, () => subscriber(shop)));
    const rereads = new ConsentRereads(() => new Date());
    const first = await Promise.all(recipients.map((recipient) => rereads.read(shop, recipient.phone)));
    expect(first.map((answer) => answer.permission)).toEqual(recipients.map(() => ({ allowed: true })));
    // The first asked alone; the other five waited for it and shared the next read.
    expect(new Set(first.map((answer) => answer.at.getTime())).size).toBeLessThanOrEqual(2);

    await prisma.subscriber.update({ where: { id: recipients[2]!.id }, data: { status: "unsubscribed" } });
    const second = await Promise.all([rereads.read(shop, recipients[2]!.phone), rereads.read(shop, nextPhone()), rereads.read(`nobody-${shop}`, recipients[0]!.phone)]);
    expect(second.map((answer) => answer.permission)).toEqual([
      { allowed: false, reason: "unsubscribed" },
      { allowed: false, reason: "unknown_number" },
      { allowed: false, reason: "shop_uninstalled" },
    ]);
  });
});
