import { createRequestHandler, type ServerBuild } from "@remix-run/node";
import { getJwt } from "@shopify/shopify-api/test-helpers";
import { afterEach, beforeEach, describe, expect, it, vi, type MockInstance } from "vitest";
import { THANK_YOU_SEND_DELAY_MS } from "../../app/checkout/checkout-consent.server";
import prisma from "../../app/db.server";
import { contentHashOf } from "../../app/disclosures/disclosures.server";
import * as checkoutConsentRoute from "../../app/routes/api.checkout-consent";
import { TEST_ENV } from "../setup/test-env";
import { CHECKOUT_DISCLOSURE, shopWithDisclosure } from "../support/checkout-fixture";

const PHONE = "+12015550123";
const ORDER = "gid://shopify/Order/5734001001";
// Checkout UI extensions run in a sandboxed worker served from Shopify's CDN.
const EXTENSION_ORIGIN = "https://extensions.shopifycdn.com";
const UA = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1";

let warn: MockInstance<typeof console.warn>;
beforeEach(() => {
  warn = vi.spyOn(console, "warn").mockImplementation(() => {});
});
afterEach(() => warn.mockRestore());

/** A checkout session token as Shopify signs it: HS256 with the app secret, aud = API key, dest = the shop, sub = the logged-in customer. */
async function checkoutToken(shop: string, overrides: Record<string, unknown> = {}, secret = TEST_ENV.SHOPIFY_API_SECRET) {
  const { token } = await getJwt(shop.replace(/\.myshopify\.com$/, ""), TEST_ENV.SHOPIFY_API_KEY, secret, {
    sub: "gid://shopify/Customer/7100000001",
    ...overrides,
  });
  return token;
}

function consentRequest(options: { token?: string; body?: unknown; rawBody?: string; method?: string }) {
  const headers = new Headers({
    Origin: EXTENSION_ORIGIN,
    "User-Agent": UA,
    "X-Forwarded-For": "198.51.100.23, 10.1.2.3",
  });
  if (options.token) headers.set("Authorization", `Bearer ${options.token}`);
  if (options.method !== "OPTIONS") headers.set("Content-Type", "application/json");
  else {
    headers.set("Access-Control-Request-Method", "POST");
    headers.set("Access-Control-Request-Headers", "authorization, content-type");
  }
  return new Request(new URL("/api/checkout-consent", TEST_ENV.SHOPIFY_APP_URL), {
    method: options.method ?? "POST",
    headers,
    body: options.method === "OPTIONS" ? undefined : (options.rawBody ?? JSON.stringify(options.body)),
  });
}

const granted = (versionId: string, overrides: Record<string, unknown> = {}) => ({
  orderId: ORDER,
  status: "granted",
  phone: PHONE,
  disclosureVersionId: versionId,
  disclosureLocale: "en",
  at: "2026-11-20T15:20:00.000Z",
  ...overrides,
});

/**
 * Requests go through Remix's own request handler, as in production, with a
 * build holding just this route: which of loader/action a method reaches
 * (OPTIONS goes to the loader) and what a thrown Response becomes are Remix's.
 */
const handleRequest = createRequestHandler(
  {
    mode: "production",
    entry: { module: { default: () => new Response("no documents here", { status: 500 }) } },
    routes: {
      root: { id: "root", path: "", module: { default: () => null } },
      "routes/api.checkout-consent": {
        id: "routes/api.checkout-consent",
        parentId: "root",
        path: "api/checkout-consent",
        module: checkoutConsentRoute,
      },
    },
    assets: { entry: { imports: [], module: "" }, routes: {}, url: "", version: "test" },
    publicPath: "/build/",
    assetsBuildDirectory: "",
    future: {},
    isSpaMode: false,
  } as unknown as ServerBuild,
  "production",
);

const call = (request: Request): Promise<Response> => handleRequest(request);

async function effectsOf(shop: string) {
  const [subscribers, events, messages, syncJobs] = await Promise.all([
    prisma.subscriber.findMany({ where: { shop } }),
    prisma.consentEvent.findMany({ where: { shop }, orderBy: { seq: "asc" } }),
    prisma.message.findMany({ where: { shop }, orderBy: { createdAt: "asc" } }),
    prisma.shopifySyncJob.findMany({ where: { shop } }),
  ]);
  return { subscribers, events, messages, syncJobs };
}

function expectCors(response: Response) {
  expect(response.headers.get("Access-Control-Allow-Origin")).toBe("*");
  expect(response.headers.get("Access-Control-Allow-Headers")).toContain("Authorization");
}

describe("POST /api/checkout-consent (Thank-you block)", () => {
  it("records the consent with its evidence and answers with CORS headers", async () => {
    const { shop, versionId, disclosureVersionId } = await shopWithDisclosure();
    const before = Date.now();
    const response = await call(consentRequest({ token: await checkoutToken(shop), body: granted(versionId) }));
    expect(response.status).toBe(200);
    expectCors(response);
    expect(await response.json()).toEqual({ ok: true, status: "subscribed" });

    const { subscribers, events, messages, syncJobs } = await effectsOf(shop);
    expect(subscribers).toMatchObject([{ phone: PHONE, status: "subscribed", shopifyCustomerId: "gid://shopify/Customer/7100000001" }]);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ kind: "opted_in", source: "checkout" });
    expect(JSON.parse(events[0]!.evidence)).toMatchObject({
      orderId: ORDER,
      channel: "thank_you",
      phone: PHONE,
      disclosureVersionId,
      disclosureVersionSent: versionId,
      disclosureHash: contentHashOf(CHECKOUT_DISCLOSURE),
      consentAt: "2026-11-20T15:20:00.000Z",
      ip: "198.51.100.23",
      userAgent: UA,
      shopifyCustomerId: "gid://shopify/Customer/7100000001",
    });
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatchObject({ kind: "compliance", status: "queued" });
    expect(messages[0]!.body).toMatch(/^Acme Outfitters: Thanks for subscribing/);
    expect(messages[0]!.nextAttemptAt.getTime()).toBeGreaterThanOrEqual(before + THANK_YOU_SEND_DELAY_MS);
    expect(syncJobs).toHaveLength(1);
  });

  it("answers the CORS preflight", async () => {
    const response = await call(consentRequest({ method: "OPTIONS" }));
    expect(response.status).toBe(204);
    expectCors(response);
    expect(response.headers.get("Access-Control-Allow-Headers")).toContain("Content-Type");
    expect(response.headers.get("Access-Control-Max-Age")).toBe("7200");
  });

  it("answers anything but POST with 405 once authenticated, and 401 without a token", async () => {
    const { shop } = await shopWithDisclosure();
    const get = new Request(new URL("/api/checkout-consent", TEST_ENV.SHOPIFY_APP_URL), {
      headers: { Origin: EXTENSION_ORIGIN, "User-Agent": UA, Authorization: `Bearer ${await checkoutToken(shop)}` },
    });
    const response = await call(get);
    expect(response.status).toBe(405);
    expectCors(response);
    const anonymous = await call(new Request(new URL("/api/checkout-consent", TEST_ENV.SHOPIFY_APP_URL), { headers: { "User-Agent": UA } }));
    expect(anonymous.status).toBe(401);
  });

  it("refuses a missing, forged or expired session token with 401 and writes nothing", async () => {
    const { shop, versionId } = await shopWithDisclosure();
    const now = Math.floor(Date.now() / 1000);
    const tokens = [
      undefined,
      await checkoutToken(shop, {}, "not-the-app-secret"),
      await checkoutToken(shop, { exp: now - 120, nbf: now - 600, iat: now - 600 }),
    ];
    for (const token of tokens) {
      const response = await call(consentRequest({ token, body: granted(versionId) }));
      expect(response.status).toBe(401);
      expectCors(response); // or the browser hides the refusal from the block
      expect(await response.json()).toEqual({ ok: false, reason: "the checkout session token is missing, invalid or expired" });
    }
    const { subscribers, events, messages, syncJobs } = await effectsOf(shop);
    expect([subscribers.length, events.length, messages.length, syncJobs.length]).toEqual([0, 0, 0, 0]);
  });

  it.each([
    ["not JSON", "{orderId:", "body"],
    ["no order", JSON.stringify({ status: "granted", phone: PHONE, disclosureVersionId: "v", at: "2026-11-20T15:20:00Z" }), "orderId"],
    ["an unknown status", JSON.stringify({ orderId: ORDER, status: "maybe", at: "2026-11-20T15:20:00Z" }), "status"],
    ["a grant without a number", JSON.stringify({ orderId: ORDER, status: "granted", disclosureVersionId: "v", at: "2026-11-20T15:20:00Z" }), "phone"],
  ])("refuses a body with %s: 400 with the reason", async (_name, rawBody, fragment) => {
    const { shop } = await shopWithDisclosure();
    const response = await call(consentRequest({ token: await checkoutToken(shop), rawBody }));
    expect(response.status).toBe(400);
    expectCors(response);
    const answer = (await response.json()) as { ok: boolean; reason: string };
    expect(answer.ok).toBe(false);
    expect(answer.reason).toContain(fragment);
    expect(await prisma.consentEvent.count({ where: { shop } })).toBe(0);
  });

  it("refuses a number that cannot receive texts and an unknown disclosure: 400, nothing written", async () => {
    const { shop, versionId } = await shopWithDisclosure();
    const token = await checkoutToken(shop);
    const landline = await call(consentRequest({ token, body: granted(versionId, { phone: "+33142685300" }) }));
    expect([landline.status, await landline.json()]).toEqual([400, { ok: false, reason: "phone_not_mobile" }]);
    const unknown = await call(consentRequest({ token, body: granted("cl-unknown") }));
    expect([unknown.status, await unknown.json()]).toEqual([400, { ok: false, reason: "disclosure_unknown" }]);
    const { subscribers, events, messages, syncJobs } = await effectsOf(shop);
    expect([subscribers.length, events.length, messages.length, syncJobs.length]).toEqual([0, 0, 0, 0]);
    expect(await prisma.processedWebhook.count({ where: { shop } })).toBe(0);
  });

  it("refuses a token from a shop that has not set the app up", async () => {
    const { versionId } = await shopWithDisclosure();
    const response = await call(consentRequest({ token: await checkoutToken("stranger.myshopify.com"), body: granted(versionId) }));
    expect([response.status, await response.json()]).toEqual([400, { ok: false, reason: "shop_not_set_up" }]);
  });

  it("changes nothing when the same answer is sent again, and acts on a later one", async () => {
    const { shop, versionId } = await shopWithDisclosure();
    const token = await checkoutToken(shop);
    await call(consentRequest({ token, body: granted(versionId) }));
    const before = await effectsOf(shop);

    const repeated = await call(consentRequest({ token, body: granted(versionId) }));
    expect(await repeated.json()).toEqual({ ok: true, status: "duplicate" });
    expect(await effectsOf(shop)).toEqual(before);

    const unticked = await call(
      consentRequest({ token, body: { orderId: ORDER.replace("Order", "OrderIdentity"), status: "withdrawn", at: "2026-11-20T15:20:07.000Z" } }),
    );
    expect(await unticked.json()).toEqual({ ok: true, status: "withdrawn" });
    const { subscribers, events, messages } = await effectsOf(shop);
    expect(subscribers).toMatchObject([{ status: "unsubscribed" }]);
    expect(events.map((e) => [e.kind, e.source])).toEqual([
      ["opted_in", "checkout"],
      ["opted_out", "checkout"],
    ]);
    expect(messages).toMatchObject([{ status: "cancelled" }]);
  });
});
