import { describe, expect, it } from "vitest";
import prisma from "../db.server";
import { applyConsentChange } from "../consent/consent-engine.server";
import { createTestShop } from "../../tests/support/shop-fixture";
import { testPhone } from "../../tests/support/campaign-fixture";
import { getShopGrowth } from "./shop-growth.server";

const NOW = new Date("2026-11-20T12:00:00Z"); // 04:00 on Nov 20 in Los Angeles
const at = (iso: string) => new Date(iso);

async function seedGrowth() {
  const { shop } = await createTestShop({ timezone: "America/Los_Angeles" });
  const other = await createTestShop({ timezone: "America/Los_Angeles" });
  const change = (phone: string, action: "opt_in" | "request_opt_in" | "confirm" | "opt_out" | "carrier_opt_out", source: string, occurredAt: Date, inShop = shop) =>
    applyConsentChange({ shop: inShop, phone, action, source: source as never, evidence: { test: "growth" }, occurredAt });

  const keyword = testPhone();
  await change(keyword, "opt_in", "keyword", at("2026-11-19T07:30:00Z")); // 23:30 on Nov 18 in Los Angeles
  await change(keyword, "opt_out", "keyword", at("2026-11-20T08:00:00Z")); // midnight: Nov 20
  const checkout = testPhone();
  await change(checkout, "request_opt_in", "checkout", at("2026-11-19T09:00:00Z"));
  await change(checkout, "confirm", "keyword", at("2026-11-19T09:05:00Z")); // counted under checkout, Nov 19
  await change(testPhone(), "request_opt_in", "checkout", at("2026-11-19T10:00:00Z")); // never confirmed: no opt-in
  const form = testPhone();
  await change(form, "opt_in", "form", at("2026-11-19T20:00:00Z"));
  await change(form, "carrier_opt_out", "carrier", at("2026-11-20T07:59:00Z")); // 23:59 on Nov 19
  await change(testPhone(), "opt_in", "form", at("2026-10-11T20:00:00Z")); // 40 days back: only in the 90-day span
  await change(testPhone(), "opt_in", "keyword", at("2026-11-19T20:00:00Z"), other.shop);

  const order = (id: string, data: { totalMinor: number; refundedMinor?: number; currency?: string; placedAt: string; credited?: boolean; inShop?: string }) =>
    prisma.order.create({
      data: {
        shop: data.inShop ?? shop,
        shopifyOrderId: id,
        totalMinor: data.totalMinor,
        refundedMinor: data.refundedMinor ?? 0,
        currency: data.currency ?? "USD",
        placedAt: at(data.placedAt),
        attributedCampaignId: data.credited === false ? null : "campaign-1",
        attribution: data.credited === false ? null : "click",
      },
    });
  await order("1", { totalMinor: 5000, refundedMinor: 500, placedAt: "2026-11-19T10:00:00Z" }); // Nov 19 02:00
  await order("2", { totalMinor: 1000, placedAt: "2026-11-20T07:00:00Z" }); // Nov 19 23:00
  await order("3", { totalMinor: 9999, placedAt: "2026-11-19T12:00:00Z", credited: false });
  await order("4", { totalMinor: 700, currency: "CAD", placedAt: "2026-11-18T20:00:00Z" });
  await order("5", { totalMinor: 100, placedAt: "2026-09-21T20:00:00Z" }); // 60 days back
  await order("6", { totalMinor: 4200, placedAt: "2026-11-19T12:00:00Z", inShop: other.shop });
  return { shop };
}

const nonEmpty = <T extends { label: string }>(days: T[], has: (day: T) => boolean) => days.filter(has);

describe("shop growth", () => {
  it("counts opt-ins by source, opt-outs and credited revenue per day of the shop's time zone", async () => {
    const { shop } = await seedGrowth();
    const growth = (await getShopGrowth(shop, 30, NOW))!;
    expect(growth.list.days).toHaveLength(30);
    expect(growth.list.days[0]!.label).toBe("Oct 22");
    expect(growth.list.days.at(-1)!.label).toBe("Nov 20");
    expect(nonEmpty(growth.list.days, (d) => d.optIns + d.optOuts > 0).map(({ label, optIns, optOuts, optInsBySource }) => ({ label, optIns, optOuts, optInsBySource }))).toEqual([
      { label: "Nov 18", optIns: 1, optOuts: 0, optInsBySource: { keyword: 1 } },
      { label: "Nov 19", optIns: 2, optOuts: 1, optInsBySource: { checkout: 1, form: 1 } },
      { label: "Nov 20", optIns: 0, optOuts: 1, optInsBySource: {} },
    ]);
    expect(growth.list.sources).toEqual(["checkout", "form", "keyword"]);

    expect(nonEmpty(growth.revenue.days, (d) => d.orders > 0).map(({ label, orders, revenueMinor }) => ({ label, orders, revenueMinor }))).toEqual([
      { label: "Nov 18", orders: 1, revenueMinor: { CAD: 700 } },
      { label: "Nov 19", orders: 2, revenueMinor: { USD: 5500 } }, // 5000 − 500 refunded + 1000
    ]);
    expect(growth.revenue.currencies).toEqual(["USD", "CAD"]);
  });

  it("reaches back 90 days when asked", async () => {
    const { shop } = await seedGrowth();
    const growth = (await getShopGrowth(shop, 90, NOW))!;
    expect(growth.list.days).toHaveLength(90);
    expect(growth.list.days.reduce((sum, d) => sum + d.optIns, 0)).toBe(4);
    expect(growth.list.sources).toEqual(["form", "checkout", "keyword"]);
    expect(growth.revenue.days.reduce((sum, d) => sum + (d.revenueMinor.USD ?? 0), 0)).toBe(5600);
  });

  it("is null for a shop that has not set up its program", async () => {
    expect(await getShopGrowth("nobody.myshopify.com", 30, NOW)).toBeNull();
  });
});
