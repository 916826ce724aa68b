import { describe, expect, it } from "vitest";
import prisma from "../db.server";
import { shopRateKey } from "../security/rate-limit.server";
import { clientKeyOf, limitThankYouRequests, THANK_YOU_LIMITS } from "./thank-you-limits.server";

const NOW = new Date("2026-11-27T12:00:00Z");
const SHOP = "limits.myshopify.com";

async function answers(count: number, shop: string, client: { ip: string | null; customerId: string | null }) {
  const verdicts = [];
  for (let i = 0; i < count; i += 1) verdicts.push(await limitThankYouRequests(shop, client, { now: NOW }));
  return verdicts;
}

describe("limitThankYouRequests", () => {
  it("gives each client its own budget, in each shop", async () => {
    const first = await answers(THANK_YOU_LIMITS.perClient + 1, SHOP, { ip: "198.51.100.1", customerId: null });
    expect(first.filter((verdict) => verdict.ok)).toHaveLength(THANK_YOU_LIMITS.perClient);
    expect(first.at(-1)).toMatchObject({ ok: false, rule: "per client" });
    expect(await limitThankYouRequests(SHOP, { ip: "198.51.100.2", customerId: null }, { now: NOW })).toEqual({ ok: true });
    expect(await limitThankYouRequests("other.myshopify.com", { ip: "198.51.100.1", customerId: null }, { now: NOW })).toEqual({ ok: true });
  });

  it("follows a logged-in customer across IPs", async () => {
    const customerId = "gid://shopify/Customer/42";
    const verdicts = [];
    for (let i = 0; i <= THANK_YOU_LIMITS.perClient; i += 1) {
      verdicts.push(await limitThankYouRequests(SHOP, { ip: `203.0.113.${i + 1}`, customerId }, { now: NOW }));
    }
    expect(verdicts.at(-1)).toMatchObject({ ok: false, rule: "per customer" });
  });

  it("caps the whole shop, however many IPs the requests come from, counting concurrent requests exactly", async () => {
    const shop = "flooded.myshopify.com";
    const verdicts = await Promise.all(
      Array.from({ length: THANK_YOU_LIMITS.perShop + 5 }, (_, i) =>
        limitThankYouRequests(shop, { ip: `10.0.${Math.floor(i / 250)}.${i % 250}`, customerId: null }, { now: NOW }),
      ),
    );
    expect(verdicts.filter((verdict) => verdict.ok)).toHaveLength(THANK_YOU_LIMITS.perShop);
    expect(verdicts.filter((verdict) => !verdict.ok)).toEqual(Array(5).fill({ ok: false, rule: "per shop", retryAfterSeconds: 600 }));
  });
});

describe("limitThankYouRequests: what one client cannot use up", () => {
  it("a client's refused requests do not count against the shop", async () => {
    const shop = "hammered.myshopify.com";
    await answers(THANK_YOU_LIMITS.perClient + 50, shop, { ip: "198.51.100.9", customerId: null });
    const window = await prisma.rateLimitWindow.findFirstOrThrow({ where: { key: shopRateKey("checkout-consent:shop", shop) } });
    expect(window.count).toBe(THANK_YOU_LIMITS.perClient);
  });

  it("an IPv6 client is one client across its /64, so new addresses buy no new budget", async () => {
    const verdicts = [];
    for (let i = 0; i <= THANK_YOU_LIMITS.perClient; i += 1) {
      verdicts.push(await limitThankYouRequests(SHOP, { ip: `2001:db8:7:9:${i.toString(16)}::1`, customerId: null }, { now: NOW }));
    }
    expect(verdicts.at(-1)).toMatchObject({ ok: false, rule: "per client" });
  });
});

describe("clientKeyOf", () => {
  it("keeps IPv4 addresses, unwraps IPv4-mapped ones, and reduces IPv6 to its /64", () => {
    expect(clientKeyOf("198.51.100.4")).toBe("198.51.100.4");
    expect(clientKeyOf("::ffff:198.51.100.4")).toBe("198.51.100.4");
    expect(clientKeyOf("2001:db8:0:12:abcd::1")).toBe("2001:db8:0:12::/64");
    expect(clientKeyOf("2001:0DB8:0000:0012:1:2:3:4")).toBe("2001:db8:0:12::/64");
    expect(clientKeyOf("2001:db8::1")).toBe("2001:db8:0:0::/64");
    expect(clientKeyOf("::1")).toBe("0:0:0:0::/64");
    expect(clientKeyOf(null)).toBe("unknown");
  });
});
