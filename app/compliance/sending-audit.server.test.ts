import { describe, expect, it } from "vitest";
import prisma from "../db.server";
import { createTestShop } from "../../tests/support/shop-fixture";
import { auditMarketingTexts } from "./sending-audit.server";

const NOW = new Date("2026-11-20T18:00:00Z"); // 13:00 in New York, a Friday
const HOUR = 3600_000;

async function seed() {
  const { shop } = await createTestShop({ timezone: "America/New_York" });
  const other = await createTestShop({ timezone: "America/New_York" });
  const campaign = await prisma.campaign.create({ data: { shop, name: "Holiday preview", body: "Hi", status: "sent" } });
  let n = 0;
  const subscriber = (inShop: string, phone: string, columns: { timezone?: string; region?: string } = {}) =>
    prisma.subscriber.create({ data: { shop: inShop, phone, status: "subscribed", ...columns } });
  const text = (inShop: string, subscriberId: string | null, phone: string, sentAt: Date, extra: { kind?: string; status?: string; campaignId?: string } = {}) =>
    prisma.message.create({
      data: {
        shop: inShop,
        subscriberId,
        campaignId: extra.campaignId ?? null,
        phone,
        body: `text ${++n}`,
        kind: extra.kind ?? "marketing",
        status: extra.status ?? "delivered",
        sentAt,
        createdAt: new Date(sentAt.getTime() - HOUR),
      },
    });

  // In the rules: two texts at 14:00 New York time, a day apart.
  const fine = await subscriber(shop, "+12125550101");
  await text(shop, fine.id, fine.phone, new Date("2026-11-18T19:00:00Z"), { campaignId: campaign.id });
  await text(shop, fine.id, fine.phone, new Date("2026-11-19T19:00:00Z"));

  // Planted: one text at 22:00 in New York (quiet hours).
  const late = await subscriber(shop, "+12125550102");
  const lateText = await text(shop, late.id, late.phone, new Date("2026-11-19T03:00:00Z"), { campaignId: campaign.id });

  // Planted: four texts in 24 hours (the daily cap is 3), all in the daytime; the 4th is the exception.
  const often = await subscriber(shop, "+12125550103");
  for (const hour of [14, 15, 16]) await text(shop, often.id, often.phone, new Date(`2026-11-17T${hour + 5}:00:00Z`));
  const fourth = await text(shop, often.id, often.phone, new Date("2026-11-17T22:00:00Z"), { campaignId: campaign.id });

  // Not marketing, not sent, or outside the 30 days: never judged.
  await text(shop, late.id, late.phone, new Date("2026-11-19T03:30:00Z"), { kind: "compliance" });
  await text(shop, late.id, late.phone, new Date("2026-11-19T03:40:00Z"), { status: "failed" });
  await text(shop, late.id, late.phone, new Date("2026-10-15T03:00:00Z"));

  // Another shop's texts break both rules and are never counted.
  const elsewhere = await subscriber(other.shop, "+12125550104");
  await text(other.shop, elsewhere.id, elsewhere.phone, new Date("2026-11-19T03:00:00Z"));
  for (const hour of [14, 15, 16, 17]) await text(other.shop, elsewhere.id, elsewhere.phone, new Date(`2026-11-16T${hour + 5}:00:00Z`));

  return { shop, lateText, fourth, late, often, campaign };
}

describe("auditMarketingTexts", () => {
  it("finds the planted quiet-hours and over-cap texts, and only this shop's", async () => {
    const { shop, lateText, fourth, late, often, campaign } = await seed();
    const audit = await auditMarketingTexts(shop, NOW, { batchSize: 2 }); // small batches: the keyset and the history cross them
    expect(audit).not.toBeNull();
    expect(audit!.textsChecked).toBe(7);
    expect([audit!.quietHours, audit!.dailyCap, audit!.monthlyCap]).toEqual([1, 1, 0]);
    const byRule = new Map(audit!.exceptions.map((exception) => [exception.rule, exception]));
    expect(byRule.get("quiet_hours")).toMatchObject({
      messageId: lateText.id,
      subscriberId: late.id,
      campaignId: campaign.id,
      campaignName: "Holiday preview",
      localTimes: [{ zone: "America/New_York", time: "22:00", weekday: "Wednesday" }],
      window: "8:00–21:00",
    });
    expect(byRule.get("daily_cap")).toMatchObject({ messageId: fourth.id, subscriberId: often.id, count: 4, limit: 3, limitSource: "your daily limit" });
  });

  it("names a state's stricter cap and window, and counts texts sent in the same instant in turn", async () => {
    const { shop } = await createTestShop({ timezone: "America/New_York" });
    const florida = await prisma.subscriber.create({ data: { shop, phone: "+13055550123", status: "subscribed", region: "US-FL", timezone: "America/New_York" } });
    await prisma.shop.update({ where: { shop }, data: { maxMessagesPerDay: 5 } });
    const at = new Date("2026-11-19T19:00:00Z");
    const sameInstant = (i: number) =>
      prisma.message.create({ data: { shop, subscriberId: florida.id, phone: florida.phone, body: `t${i}`, kind: "marketing", status: "sent", sentAt: at } });
    for (let i = 0; i < 4; i++) await sameInstant(i);
    // 20:30 in Miami: allowed federally, not in Florida (8:00–20:00).
    await prisma.message.create({ data: { shop, subscriberId: florida.id, phone: florida.phone, body: "late", kind: "marketing", status: "sent", sentAt: new Date("2026-11-18T01:30:00Z") } });

    const audit = await auditMarketingTexts(shop, NOW);
    expect([audit!.textsChecked, audit!.quietHours, audit!.dailyCap]).toEqual([5, 1, 1]);
    expect(audit!.exceptions.find((exception) => exception.rule === "daily_cap")).toMatchObject({ count: 4, limit: 3, limitSource: "Florida law" });
    expect(audit!.exceptions.find((exception) => exception.rule === "quiet_hours")).toMatchObject({ window: "8:00–20:00", regions: ["US-FL"] });
  });

  it("is null for a shop without settings and empty for one that sent nothing", async () => {
    expect(await auditMarketingTexts("nobody.myshopify.com", NOW)).toBeNull();
    const { shop } = await createTestShop();
    expect(await auditMarketingTexts(shop, NOW)).toMatchObject({ textsChecked: 0, quietHours: 0, dailyCap: 0, monthlyCap: 0, exceptions: [] });
  });
});
