/**
 * Who the checkout consent API's rate limits count, as production serves it:
 * server/app-server.ts on a free port, real TCP connections from different
 * loopback addresses (127.0.0.2, 127.0.0.3… are all this machine). With no
 * proxy trusted (the default) the client is the TCP peer: guests are not one
 * bucket, and an X-Forwarded-For the client writes itself changes nothing.
 * With a trusted proxy, the address that proxy reports is the client.
 *
 * The shop has no offline session, so each attempt is counted and then
 * refused with `shop_not_set_up` (400) without reaching Shopify.
 */
import { randomUUID } from "node:crypto";
import http from "node:http";
import { getJwt } from "@shopify/shopify-api/test-helpers";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi, type MockInstance } from "vitest";
import { THANK_YOU_LIMITS } from "../../app/checkout/thank-you-limits.server";
import { startAppServer, type AppServer } from "../../server/app-server";
import { loadViteBuild } from "../../server/vite-build";
import { TEST_ENV } from "../setup/test-env";

let vite: Awaited<ReturnType<typeof loadViteBuild>>;
let direct: AppServer;
let behindProxy: AppServer;

beforeAll(async () => {
  vite = await loadViteBuild();
  direct = await startAppServer({ port: 0, host: "0.0.0.0", build: vite.build });
  behindProxy = await startAppServer({ port: 0, host: "0.0.0.0", build: vite.build, trustProxy: "loopback" });
}, 120_000);

afterAll(async () => {
  await direct?.close();
  await behindProxy?.close();
  await vite?.close();
});

// Each refusal is logged ("checkout consent not recorded … shop_not_set_up"): expected here.
let warn: MockInstance<typeof console.warn>;
beforeEach(() => {
  warn = vi.spyOn(console, "warn").mockImplementation(() => {});
});
afterEach(() => warn.mockRestore());

async function sessionToken(shop: string): Promise<string> {
  const { token } = await getJwt(shop.replace(/\.myshopify\.com$/, ""), TEST_ENV.SHOPIFY_API_KEY, TEST_ENV.SHOPIFY_API_SECRET, { sub: undefined });
  return token;
}

/** One withdrawal from `from` (a local address), optionally claiming to be someone else in X-Forwarded-For. */
function answer(server: AppServer, shop: string, token: string, from: string, forwardedFor?: string): Promise<number> {
  const body = JSON.stringify({ orderId: "gid://shopify/Order/1001", checkoutToken: "abc123", status: "withdrawn", at: new Date().toISOString() });
  return new Promise((resolve, reject) => {
    const req = http.request(`http://127.0.0.1:${server.port}/api/checkout-consent`, {
      method: "POST",
      localAddress: from,
      agent: false,
      headers: {
        Authorization: `Bearer ${token}`,
        "Content-Type": "application/json",
        "Content-Length": String(Buffer.byteLength(body)),
        ...(forwardedFor ? { "X-Forwarded-For": forwardedFor } : {}),
      },
    });
    req.on("response", (res) => {
      res.resume();
      res.on("end", () => resolve(res.statusCode!));
    });
    req.on("error", reject);
    req.end(body);
  });
}

async function answers(count: number, send: (index: number) => Promise<number>): Promise<number[]> {
  const statuses: number[] = [];
  for (let index = 0; index < count; index += 1) statuses.push(await send(index));
  return statuses;
}

describe("no proxy trusted: the client is the TCP peer", () => {
  it("gives each guest its own budget, and a forged X-Forwarded-For buys none", async () => {
    const shop = `peer-${randomUUID().slice(0, 8)}.myshopify.com`;
    const token = await sessionToken(shop);
    const first = await answers(THANK_YOU_LIMITS.perClient + 1, () => answer(direct, shop, token, "127.0.0.2"));
    expect(first).toEqual([...Array(THANK_YOU_LIMITS.perClient).fill(400), 429]);

    // The same guest claiming to be a new address each time is still refused.
    const forged = await answers(5, (index) => answer(direct, shop, token, "127.0.0.2", `198.51.100.${index + 1}`));
    expect(forged).toEqual(Array(5).fill(429));

    // Another guest, with no header at all, is not in the first one's bucket.
    expect(await answer(direct, shop, token, "127.0.0.3")).toBe(400);
  });
});

describe("a trusted proxy (TRUST_PROXY=loopback): the client is the address it reports", () => {
  it("counts each shopper the proxy reports, not the proxy, and not what the shopper wrote before it", async () => {
    const shop = `proxied-${randomUUID().slice(0, 8)}.myshopify.com`;
    const token = await sessionToken(shop);
    // The proxy (127.0.0.2) appends the address it saw to whatever the shopper sent: the rightmost entry counts.
    const first = await answers(THANK_YOU_LIMITS.perClient + 1, (index) => answer(behindProxy, shop, token, "127.0.0.2", `10.9.9.${index}, 203.0.113.5`));
    expect(first).toEqual([...Array(THANK_YOU_LIMITS.perClient).fill(400), 429]);
    expect(await answer(behindProxy, shop, token, "127.0.0.2", "203.0.113.6")).toBe(400);
  });
});
