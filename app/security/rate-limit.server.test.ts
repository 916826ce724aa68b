import { describe, expect, it } from "vitest";
import prisma from "../db.server";
import { shopRateKey, hitRateLimits, purgeExpiredRateLimitWindows, type RateLimitRule } from "./rate-limit.server";

const MINUTE_MS = 60_000;
const rule = (key: string, max: number, extra: Partial<RateLimitRule> = {}): RateLimitRule => ({ name: "per test", key, max, windowMs: MINUTE_MS, ...extra });
const at = (iso: string) => new Date(iso);

describe("hitRateLimits", () => {
  it("allows max requests in a window, then refuses with the rule and the seconds until the window ends", async () => {
    const limit = rule("t:allow", 3);
    for (let i = 0; i < 3; i += 1) expect(await hitRateLimits([limit], { now: at("2026-11-27T12:00:10Z") })).toEqual({ ok: true });
    expect(await hitRateLimits([limit], { now: at("2026-11-27T12:00:45.200Z") })).toEqual({ ok: false, rule: "per test", retryAfterSeconds: 15 });
    // The next window starts again from zero.
    expect(await hitRateLimits([limit], { now: at("2026-11-27T12:01:00Z") })).toEqual({ ok: true });
  });

  it("reports the first rule reached, and the rules after it do not count the refused request", async () => {
    const narrow = rule("t:narrow", 1, { name: "per client" });
    const wide = rule("t:wide", 100, { name: "per shop" });
    const now = at("2026-11-27T12:00:00Z");
    expect(await hitRateLimits([narrow, wide], { now })).toEqual({ ok: true });
    for (let i = 0; i < 5; i += 1) expect(await hitRateLimits([narrow, wide], { now })).toMatchObject({ ok: false, rule: "per client" });
    const rows = await prisma.rateLimitWindow.findMany({ where: { key: { in: ["t:wide", "t:narrow"] } }, orderBy: { key: "asc" } });
    expect(rows.map((row) => [row.key, row.count])).toEqual([
      ["t:narrow", 6],
      ["t:wide", 1], // one client's refused flood leaves the shared budget alone
    ]);
  });

  it("counts concurrent requests exactly: no lost increments, exactly max allowed", async () => {
    const limit = rule("t:concurrent", 10);
    const now = at("2026-11-27T12:00:00Z");
    const verdicts = await Promise.all(Array.from({ length: 40 }, () => hitRateLimits([limit], { now })));
    expect(verdicts.filter((verdict) => verdict.ok)).toHaveLength(10);
    const row = await prisma.rateLimitWindow.findFirstOrThrow({ where: { key: "t:concurrent" } });
    expect(row.count).toBe(40);
    expect(row.windowStart).toEqual(now);
    expect(row.expiresAt).toEqual(new Date(now.getTime() + MINUTE_MS));
  });

  it("a purging key's first request of a window deletes every expired window, of any key", async () => {
    await hitRateLimits([rule("t:old-client", 5)], { now: at("2026-11-27T11:00:00Z") });
    await hitRateLimits([rule("t:current", 5)], { now: at("2026-11-27T12:00:30Z") });
    await hitRateLimits([rule("t:shop", 5, { purgesExpired: true })], { now: at("2026-11-27T12:00:31Z") });
    const keys = (await prisma.rateLimitWindow.findMany({ select: { key: true } })).map((row) => row.key);
    expect(keys).not.toContain("t:old-client");
    expect(keys).toEqual(expect.arrayContaining(["t:current", "t:shop"]));
  });
});

describe("purgeExpiredRateLimitWindows", () => {
  it("deletes windows that have ended and keeps the current ones", async () => {
    await prisma.rateLimitWindow.deleteMany();
    await hitRateLimits([rule("p:ended", 5)], { now: at("2026-11-27T10:00:00Z") });
    await hitRateLimits([rule("p:current", 5)], { now: at("2026-11-27T12:00:00Z") });
    expect(await purgeExpiredRateLimitWindows(prisma, at("2026-11-27T12:00:30Z"))).toBe(1);
    expect((await prisma.rateLimitWindow.findMany()).map((row) => row.key)).toEqual(["p:current"]);
  });
});

describe("shopRateKey", () => {
  it("keeps the client's identifiers out of the key, and tells clients apart", () => {
    const key = shopRateKey("checkout-consent:ip", "acme.myshopify.com", "198.51.100.23");
    expect(key).toMatch(/^checkout-consent:ip\|acme\.myshopify\.com\|[0-9a-f]{64}$/);
    expect(key).not.toContain("198.51.100.23");
    expect(shopRateKey("checkout-consent:ip", "acme.myshopify.com", "198.51.100.24")).not.toBe(key);
    expect(shopRateKey("checkout-consent:ip", "acme.myshopify.com", "198.51.100.23")).toBe(key);
  });

  it("names the shop between bars, so one shop's keys never contain another's", () => {
    expect(shopRateKey("checkout-consent:shop", "acme.myshopify.com")).toBe("checkout-consent:shop|acme.myshopify.com|");
    expect(shopRateKey("x", "macme.myshopify.com")).not.toContain("|acme.myshopify.com|");
  });
});
