import { describe, expect, it } from "vitest";
import prisma from "../db.server";
import { applyConsentChange } from "../consent/consent-engine.server";
import { createTestShop } from "../../tests/support/shop-fixture";
import { subscribe } from "../../tests/support/campaign-fixture";
import { getCampaignResults } from "./campaign-results.server";

const T0 = new Date("2026-11-20T15:00:00Z"); // 10:00 in New York
const hours = (n: number) => new Date(T0.getTime() + n * 3600_000);

interface Row {
  status: string;
  segments?: number;
  deliveredAt?: Date;
  errorCode?: number;
  skipReason?: string;
  deferredBy?: string;
}

/**
 * A campaign with one text in every state the page tells apart, its clicks,
 * orders and opt-outs, and rows of another campaign and another shop that must
 * not count. The expected figures below are counted by hand from these rows.
 */
async function seedCampaign() {
  const { shop } = await createTestShop({ timezone: "America/New_York" });
  const other = await createTestShop();
  const campaign = await prisma.campaign.create({ data: { shop, name: "Black Friday", body: "Hi", status: "sent", startedAt: T0, plannedAt: T0 } });
  const sibling = await prisma.campaign.create({ data: { shop, name: "Earlier", body: "Hi", status: "sent", startedAt: T0 } });

  const rows: Row[] = [
    { status: "delivered", segments: 2, deliveredAt: hours(1) }, // s0: clicks twice, orders, opts out 23 h later
    { status: "delivered", segments: 2, deliveredAt: hours(1) }, // s1: clicks, opts out exactly 24 h later
    { status: "delivered", segments: 2, deliveredAt: hours(2) }, // s2: opts out 25 h later (not counted)
    { status: "delivered", segments: 2, deliveredAt: hours(2), deferredBy: "quiet_hours" }, // s3: carrier opt-out 1 h later
    { status: "undelivered", segments: 2, errorCode: 30003 }, // s4: opts out, never delivered (not counted)
    { status: "failed", segments: 2, errorCode: 30005 },
    { status: "failed", segments: 2, errorCode: 30005 },
    { status: "unknown", segments: 2 },
    { status: "skipped", skipReason: "daily_cap" },
    { status: "skipped", skipReason: "smart_sending" },
    { status: "suppressed" },
    { status: "cancelled" },
    { status: "sent", segments: 2 },
    { status: "queued", deferredBy: "quiet_hours" },
  ];
  const subscribers: Awaited<ReturnType<typeof subscribe>>[] = [];
  for (let i = 0; i < rows.length; i++) subscribers.push(await subscribe(shop, { subscribedAt: new Date(T0.getTime() - 10 * 24 * 3600_000) }));
  await prisma.message.createMany({
    data: rows.map((row, i) => ({
      shop,
      campaignId: campaign.id,
      subscriberId: subscribers[i]!.id,
      phone: subscribers[i]!.phone,
      body: "Hi",
      kind: "marketing",
      status: row.status,
      segments: row.segments ?? 1,
      sentAt: ["delivered", "undelivered", "sent"].includes(row.status) ? T0 : null,
      deliveredAt: row.deliveredAt ?? null,
      errorCode: row.errorCode ?? null,
      skipReason: row.skipReason ?? null,
      deferredBy: row.deferredBy ?? null,
    })),
  });
  // The sibling campaign delivered to s4 too: s4's opt-out is not this campaign's.
  await prisma.message.create({
    data: { shop, campaignId: sibling.id, subscriberId: subscribers[4]!.id, phone: subscribers[4]!.phone, body: "Hi", kind: "marketing", status: "delivered", sentAt: T0, deliveredAt: hours(1) },
  });

  const optOut = (i: number, at: Date, action: "opt_out" | "carrier_opt_out" = "opt_out") =>
    applyConsentChange({ shop, phone: subscribers[i]!.phone, action, source: action === "opt_out" ? "keyword" : "carrier", evidence: { body: "STOP" }, occurredAt: at });
  await optOut(0, hours(1 + 23));
  await optOut(1, hours(1 + 24));
  await optOut(2, hours(2 + 25));
  await optOut(3, hours(2 + 1), "carrier_opt_out");
  await optOut(4, hours(2));

  const link = (i: number, campaignId = campaign.id, linkShop = shop) =>
    prisma.trackedLink.create({ data: { shop: linkShop, campaignId, subscriberId: subscribers[i]!.id, code: `c${Math.random().toString(36).slice(2)}`, url: "https://acme.test/" } });
  const click = async (i: number, at: Date, campaignId = campaign.id, clickShop = shop) => {
    const tracked = await link(i, campaignId, clickShop);
    await prisma.linkClick.create({ data: { shop: clickShop, linkId: tracked.id, campaignId, subscriberId: subscribers[i]!.id, clickedAt: at } });
  };
  await click(0, hours(1.5));
  await click(0, hours(2.5));
  await click(1, hours(1.25));
  await click(2, hours(2.5), sibling.id); // another campaign's click
  await click(2, hours(2.5), campaign.id, other.shop); // another shop's row naming this campaign

  const order = (n: number, data: { totalMinor: number; currency?: string; refundedMinor?: number; attribution: string | null; campaignId?: string | null; at: Date; shop?: string }) =>
    prisma.order.create({
      data: {
        shop: data.shop ?? shop,
        shopifyOrderId: String(1000 + n),
        subscriberId: subscribers[0]!.id,
        totalMinor: data.totalMinor,
        currency: data.currency ?? "USD",
        refundedMinor: data.refundedMinor ?? 0,
        placedAt: data.at,
        attribution: data.attribution,
        attributedCampaignId: data.campaignId === undefined ? campaign.id : data.campaignId,
      },
    });
  await order(1, { totalMinor: 5000, refundedMinor: 1000, attribution: "click", at: hours(2) });
  await order(2, { totalMinor: 2500, attribution: "click", at: hours(3) });
  await order(3, { totalMinor: 3000, attribution: "delivery", at: hours(3) });
  await order(4, { totalMinor: 1000, currency: "EUR", attribution: "click", at: hours(26) });
  await order(5, { totalMinor: 9900, attribution: "click", campaignId: sibling.id, at: hours(3) });
  await order(6, { totalMinor: 7700, attribution: null, campaignId: null, at: hours(3) });
  await order(7, { totalMinor: 8800, attribution: "click", at: hours(3), shop: other.shop });

  return { shop, other, campaign };
}

describe("campaign results", () => {
  it("equals the figures counted by hand for a seeded campaign", async () => {
    const { shop, campaign } = await seedCampaign();
    const results = await getCampaignResults(shop, campaign.id, hours(48));
    expect(results).not.toBeNull();
    const r = results!;
    expect(r.planned).toBe(14);
    expect(r.sent).toBe(6); // 4 delivered, 1 undelivered, 1 sent
    expect(r.delivered).toBe(4);
    expect(r.unknown).toBe(1);
    expect(r.deferredForQuietHours).toBe(2);
    expect(r.notSent).toEqual(
      expect.arrayContaining([
        { status: "skipped", reason: "daily_cap", count: 1 },
        { status: "skipped", reason: "smart_sending", count: 1 },
        { status: "suppressed", reason: "not_subscribed", count: 1 },
        { status: "cancelled", reason: "cancelled", count: 1 },
      ]),
    );
    expect(r.notSent).toHaveLength(4);
    expect(r.failed).toEqual([
      { errorCode: 30005, meaning: "Unknown or inactive number", count: 2 },
      { errorCode: 30003, meaning: "The handset was unreachable (switched off or out of coverage)", count: 1 },
    ]);
    expect(r.clicks).toBe(3);
    expect(r.uniqueClickers).toBe(2);
    expect(r.clickRate).toBe(0.5);
    expect(r.revenue.click).toEqual([
      { currency: "EUR", orders: 1, revenueMinor: 1000 },
      { currency: "USD", orders: 2, revenueMinor: 6500 }, // 5000 − 1000 refunded + 2500
    ]);
    expect(r.revenue.delivery).toEqual([{ currency: "USD", orders: 1, revenueMinor: 3000 }]);
    expect(r.revenue.total).toEqual([
      { currency: "EUR", orders: 1, revenueMinor: 1000 },
      { currency: "USD", orders: 3, revenueMinor: 9500 },
    ]);
    expect(r.optOutsWithin24Hours).toBe(3); // s0 (23 h), s1 (24 h exactly), s3 (carrier, 1 h)
    expect(r.segmentsSent).toBe(12);
    expect(r.costMicros).toBe(12 * 8300);
    expect(r.returns).toEqual([
      { currency: "EUR", revenuePerTextMinor: 1000 / 6, returnOnCost: null },
      { currency: "USD", revenuePerTextMinor: 9500 / 6, returnOnCost: (9500 * 10_000) / 99_600 },
    ]);
    expect(r.attributionWindows).toEqual({ clickWindowDays: 5, deliveryWindowHours: 24 });
    expect(r.attributionRule).toMatch(/last clicked in the 5 days before ordering.*delivered to them in the 24 hours before ordering/);
  });

  it("draws deliveries, clicks and orders per hour of the shop's day", async () => {
    const { shop, campaign } = await seedCampaign();
    const { activity } = (await getCampaignResults(shop, campaign.id, hours(48)))!;
    expect(activity.unit).toBe("hour");
    // From 10:00 New York time (the start) to 12:00 the next day (the EUR order, 26 h later).
    expect(activity.points).toHaveLength(27);
    expect(activity.points[0]).toMatchObject({ key: "2026-11-20T10:00:00.000-05:00", label: "Nov 20, 10:00", deliveries: 0, clicks: 0, orders: 0 });
    const nonEmpty = activity.points.filter((p) => p.deliveries + p.clicks + p.orders > 0).map(({ label, deliveries, clicks, orders }) => ({ label, deliveries, clicks, orders }));
    expect(nonEmpty).toEqual([
      { label: "Nov 20, 11:00", deliveries: 2, clicks: 2, orders: 0 },
      { label: "Nov 20, 12:00", deliveries: 2, clicks: 1, orders: 1 },
      { label: "Nov 20, 13:00", deliveries: 0, clicks: 0, orders: 2 },
      { label: "Nov 21, 12:00", deliveries: 0, clicks: 0, orders: 1 },
    ]);
  });

  it("shows another shop nothing of the campaign", async () => {
    const { other, campaign } = await seedCampaign();
    expect(await getCampaignResults(other.shop, campaign.id, hours(48))).toBeNull();
  });
});
