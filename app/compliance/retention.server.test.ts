import { describe, expect, it } from "vitest";
import prisma from "../db.server";
import { applyConsentChange } from "../consent/consent-engine.server";
import { verifyConsentChain } from "../consent/ledger.server";
import { EMPTY_TWIML } from "../inbound/inbound-sms.server";
import { createTestShop } from "../../tests/support/shop-fixture";
import { testPhone } from "../../tests/support/campaign-fixture";
import { BLANK_REPLY_TWIML, purgeExpiredMessageBodies } from "./retention.server";

const NOW = new Date("2026-11-27T12:00:00Z");
const DAY = 24 * 3600_000;
const ago = (days: number, ms = 0) => new Date(NOW.getTime() - days * DAY - ms);

async function message(shop: string, createdAt: Date, status = "delivered") {
  return prisma.message.create({ data: { shop, phone: testPhone(), body: `Hello from ${shop}`, kind: "marketing", status, createdAt } });
}
async function inbound(shop: string, receivedAt: Date) {
  return prisma.inboundMessage.create({
    data: { messageSid: `SM${Math.random().toString(16).slice(2)}`, shop, fromPhone: testPhone(), toPhone: "+15550000000", body: "When is the sale?", intent: "other", replyTwiml: "<Response><Message>Hi</Message></Response>", receivedAt },
  });
}

describe("purgeExpiredMessageBodies", () => {
  it("blanks bodies strictly older than each shop's setting, keeps the rest, and never touches consent evidence", async () => {
    const { shop } = await createTestShop(); // 365 days by default
    const short = await createTestShop();
    await prisma.shop.update({ where: { shop: short.shop }, data: { messageRetentionDays: 30 } });

    const phone = testPhone();
    await applyConsentChange({ shop, phone, action: "opt_in", source: "keyword", occurredAt: ago(400), evidence: { body: "JOIN", messageSid: "SMold" } });
    const evidenceBefore = await prisma.consentEvent.findMany({ where: { shop }, orderBy: { seq: "asc" } });

    const justOver = await message(shop, ago(365, 1)); // one millisecond past 365 days: blanked
    const exactly = await message(shop, ago(365)); // exactly 365 days: kept
    const recent = await message(shop, ago(10));
    const stillQueued = await message(shop, ago(400), "queued"); // may still be sent: kept whole
    const oldInbound = await inbound(shop, ago(366));
    const newInbound = await inbound(shop, ago(364));
    const shortOld = await message(short.shop, ago(31));
    const shortNew = await message(short.shop, ago(29));
    const shortInbound = await inbound(short.shop, ago(45));

    const report = await purgeExpiredMessageBodies(NOW, { batchSize: 1 });
    expect(report).toEqual({ messages: 2, inbound: 2, more: false });

    const body = async (id: string) => prisma.message.findUniqueOrThrow({ where: { id }, select: { body: true, bodyPurgedAt: true } });
    expect(await body(justOver.id)).toEqual({ body: "", bodyPurgedAt: NOW });
    expect(await body(shortOld.id)).toEqual({ body: "", bodyPurgedAt: NOW });
    for (const kept of [exactly, recent, stillQueued, shortNew]) expect(await body(kept.id)).toEqual({ body: kept.body, bodyPurgedAt: null });
    const received = async (sid: string) => prisma.inboundMessage.findUniqueOrThrow({ where: { messageSid: sid }, select: { body: true, replyTwiml: true, bodyPurgedAt: true } });
    expect(await received(oldInbound.messageSid)).toEqual({ body: "", replyTwiml: BLANK_REPLY_TWIML, bodyPurgedAt: NOW });
    expect(await received(shortInbound.messageSid)).toEqual({ body: "", replyTwiml: BLANK_REPLY_TWIML, bodyPurgedAt: NOW });
    expect(await received(newInbound.messageSid)).toMatchObject({ body: "When is the sale?", bodyPurgedAt: null });

    // Consent evidence is kept whole, and the ledger still verifies.
    expect(await prisma.consentEvent.findMany({ where: { shop }, orderBy: { seq: "asc" } })).toEqual(evidenceBefore);
    expect(await verifyConsentChain(shop)).toMatchObject({ ok: true });

    // A second run finds nothing more to do.
    expect(await purgeExpiredMessageBodies(NOW)).toEqual({ messages: 0, inbound: 0, more: false });
  });

  it("stops at the limit and says there is more; the next call goes on", async () => {
    const { shop } = await createTestShop();
    for (let i = 0; i < 5; i++) await message(shop, ago(400 + i));
    expect(await purgeExpiredMessageBodies(NOW, { limit: 3, batchSize: 2 })).toEqual({ messages: 3, inbound: 0, more: true });
    expect(await purgeExpiredMessageBodies(NOW, { limit: 3, batchSize: 2 })).toMatchObject({ messages: 2 });
    expect(await prisma.message.count({ where: { shop, bodyPurgedAt: null } })).toBe(0);
  });

  it("leaves a blanked text received answering a retried webhook with valid, empty TwiML", () => {
    expect(BLANK_REPLY_TWIML).toBe(EMPTY_TWIML);
  });
});
