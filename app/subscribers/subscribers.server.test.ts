import { describe, expect, it } from "vitest";
import prisma from "../db.server";
import { appendConsentEvent } from "../consent/ledger.server";
import { createTestShop } from "../../tests/support/shop-fixture";
import { getSubscriberHistory, listSubscribers, subscriberListQuerySchema } from "./subscribers.server";

describe("subscribers", () => {
  it("lists, filters and pages one shop's subscribers only", async () => {
    const a = await createTestShop();
    const b = await createTestShop();
    for (let i = 0; i < 60; i++) {
      await prisma.subscriber.create({ data: { shop: a.shop, phone: `+155512300${String(i).padStart(2, "0")}`, status: i % 3 === 0 ? "unsubscribed" : "subscribed" } });
    }
    await prisma.subscriber.create({ data: { shop: b.shop, phone: "+15551230000", status: "subscribed" } });

    const all = await listSubscribers(a.shop, subscriberListQuerySchema.parse({}));
    expect(all).toMatchObject({ total: 60, page: 1, pageCount: 2 });
    expect(all.rows).toHaveLength(50);
    const second = await listSubscribers(a.shop, subscriberListQuerySchema.parse({ page: "2" }));
    expect(second.rows).toHaveLength(10);
    expect((await listSubscribers(a.shop, subscriberListQuerySchema.parse({ status: "unsubscribed" }))).total).toBe(20);
    expect((await listSubscribers(a.shop, subscriberListQuerySchema.parse({ phone: "(555) 123-0001" }))).rows.map((r) => r.phone)).toEqual([
      "+15551230001",
    ]);
    expect((await listSubscribers(b.shop, subscriberListQuerySchema.parse({}))).total).toBe(1);
  });

  it("shows a subscriber's evidence to its own shop and to no other", async () => {
    const a = await createTestShop();
    const b = await createTestShop();
    const subscriber = await prisma.subscriber.create({ data: { shop: a.shop, phone: "+15551239999", status: "subscribed" } });
    await prisma.$transaction((tx) =>
      appendConsentEvent(tx, a.shop, {
        subscriberId: subscriber.id,
        phone: subscriber.phone,
        kind: "opted_in",
        source: "checkout",
        fromStatus: null,
        toStatus: "subscribed",
        occurredAt: new Date("2026-11-01T10:00:00Z"),
        evidence: { orderId: "gid://shopify/Order/1", ip: "203.0.113.9" },
      }),
    );
    const history = await getSubscriberHistory(a.shop, subscriber.id);
    expect(history?.events).toMatchObject([{ seq: 1, kind: "opted_in", evidence: { orderId: "gid://shopify/Order/1", ip: "203.0.113.9" } }]);
    expect(await getSubscriberHistory(b.shop, subscriber.id)).toBeNull();
  });

  it("ignores garbage in the query string instead of failing the page", () => {
    expect(subscriberListQuerySchema.parse({ status: "bogus", page: "-4" })).toEqual({ status: undefined, phone: undefined, page: 1 });
  });
});
