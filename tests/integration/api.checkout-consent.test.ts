import { createRequestHandler, type ServerBuild } from "@remix-run/node";
import { getJwt } from "@shopify/shopify-api/test-helpers";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi, type MockInstance } from "vitest";
import { THANK_YOU_SEND_DELAY_MS } from "../../app/checkout/checkout-consent.server";
import { THANK_YOU_LIMITS } from "../../app/checkout/thank-you-limits.server";
import prisma from "../../app/db.server";
import { contentHashOf } from "../../app/disclosures/disclosures.server";
import * as checkoutConsentRoute from "../../app/routes/api.checkout-consent";
import { TEST_ENV } from "../setup/test-env";
import { CHECKOUT_DISCLOSURE, shopWithDisclosure as shopWithDisclosureOnly } from "../support/checkout-fixture";
import { connectShop, startShopifyAdminServer, type FakeOrder, type ShopifyAdminServer } from "../support/shopify-admin-server";

const PHONE = "+12015550123";
const CUSTOMER = "gid://shopify/Customer/7100000001";
// Checkout UI extensions run in a sandboxed worker served from Shopify's CDN.
const EXTENSION_ORIGIN = "https://extensions.shopifycdn.com";
const UA = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1";

// Shopify's Admin API, where the endpoint checks that an order is the checkout's.
let admin: ShopifyAdminServer;
beforeAll(async () => {
  admin = await startShopifyAdminServer();
});
afterAll(() => admin.close());

/** A shop with a published disclosure, the app installed (an offline session), and one order placed just now by CUSTOMER. */
async function shopWithDisclosure(...args: Parameters<typeof shopWithDisclosureOnly>) {
  const fixture = await shopWithDisclosureOnly(...args);
  await connectShop(admin, fixture.shop);
  return { ...fixture, order: admin.addOrder(fixture.shop, { customerId: CUSTOMER }) };
}

let warn: MockInstance<typeof console.warn>;
beforeEach(() => {
  warn = vi.spyOn(console, "warn").mockImplementation(() => {});
});
afterEach(() => warn.mockRestore());

/** A checkout session token as Shopify signs it: HS256 with the app secret, aud = API key, dest = the shop, sub = the logged-in customer. */
async function checkoutToken(shop: string, overrides: Record<string, unknown> = {}, secret = TEST_ENV.SHOPIFY_API_SECRET) {
  const { token } = await getJwt(shop.replace(/\.myshopify\.com$/, ""), TEST_ENV.SHOPIFY_API_KEY, secret, {
    sub: CUSTOMER,
    ...overrides,
  });
  return token;
}

function consentRequest(options: { token?: string; body?: unknown; rawBody?: string; method?: string; ip?: string }) {
  const headers = new Headers({
    Origin: EXTENSION_ORIGIN,
    "User-Agent": UA,
    "X-Forwarded-For": `${options.ip ?? "198.51.100.23"}, 10.1.2.3`,
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

const granted = (versionId: string, order: FakeOrder, overrides: Record<string, unknown> = {}) => ({
  orderId: order.id,
  checkoutToken: order.checkoutToken,
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

/** The shopper's TCP peer address, which server/app-server.ts passes to Remix as `clientAddress` (no proxy trusted). */
const SHOPPER_PEER = "198.51.100.23";
const call = (request: Request, peer = SHOPPER_PEER): Promise<Response> => handleRequest(request, { clientAddress: peer });

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
  it("records a logged-in customer's consent with its evidence and answers with CORS headers", async () => {
    const { shop, versionId, disclosureVersionId, order } = await shopWithDisclosure();
    const before = Date.now();
    const response = await call(consentRequest({ token: await checkoutToken(shop), body: granted(versionId, order) }));
    expect(response.status).toBe(200);
    expectCors(response);
    expect(await response.json()).toEqual({ ok: true, status: "subscribed" });

    const { subscribers, events, messages, syncJobs } = await effectsOf(shop);
    expect(subscribers).toMatchObject([{ phone: PHONE, status: "subscribed", shopifyCustomerId: CUSTOMER }]);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ kind: "opted_in", source: "checkout" });
    expect(JSON.parse(events[0]!.evidence)).toMatchObject({
      orderId: order.id,
      channel: "thank_you",
      phone: PHONE,
      disclosureVersionId,
      disclosureVersionSent: versionId,
      disclosureHash: contentHashOf(CHECKOUT_DISCLOSURE),
      consentAt: "2026-11-20T15:20:00.000Z",
      ip: "198.51.100.23",
      userAgent: UA,
      shopifyCustomerId: CUSTOMER,
    });
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatchObject({ kind: "compliance", status: "queued" });
    expect(messages[0]!.body).toMatch(/^Acme Outfitters: Thanks for subscribing/);
    expect(messages[0]!.nextAttemptAt.getTime()).toBeGreaterThanOrEqual(before + THANK_YOU_SEND_DELAY_MS);
    expect(syncJobs).toHaveLength(1);
    // The order was checked with Shopify, with the shop's own offline session.
    expect(admin.requestsFor("order").filter((request) => request.shop === shop)).toMatchObject([{ variables: { id: order.id }, status: 200 }]);
  });

  it("records a guest's consent: the checkout token proves the order without any customer", async () => {
    const { shop, versionId } = await shopWithDisclosure();
    const guestOrder = admin.addOrder(shop, { customerId: null });
    const response = await call(consentRequest({ token: await checkoutToken(shop, { sub: undefined }), body: granted(versionId, guestOrder) }));
    expect([response.status, await response.json()]).toEqual([200, { ok: true, status: "subscribed" }]);
    const { subscribers, events } = await effectsOf(shop);
    expect(subscribers).toMatchObject([{ phone: PHONE, status: "subscribed", shopifyCustomerId: null }]);
    expect(JSON.parse(events[0]!.evidence)).toMatchObject({ orderId: guestOrder.id, shopifyCustomerId: null });
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
    const { shop, versionId, order } = await shopWithDisclosure();
    const now = Math.floor(Date.now() / 1000);
    const tokens = [
      undefined,
      await checkoutToken(shop, {}, "not-the-app-secret"),
      await checkoutToken(shop, { exp: now - 120, nbf: now - 600, iat: now - 600 }),
    ];
    for (const token of tokens) {
      const response = await call(consentRequest({ token, body: granted(versionId, order) }));
      expect(response.status).toBe(401);
      expectCors(response); // or the browser hides the refusal from the block
      expect(await response.json()).toEqual({ ok: false, reason: "the checkout session token is missing, invalid or expired" });
    }
    const { subscribers, events, messages, syncJobs } = await effectsOf(shop);
    expect([subscribers.length, events.length, messages.length, syncJobs.length]).toEqual([0, 0, 0, 0]);
  });

  it.each([
    ["not JSON", () => "{orderId:", "body"],
    ["no order", (order: FakeOrder) => JSON.stringify({ checkoutToken: order.checkoutToken, status: "granted", phone: PHONE, disclosureVersionId: "v", at: "2026-11-20T15:20:00Z" }), "orderId"],
    ["no checkout token", (order: FakeOrder) => JSON.stringify({ orderId: order.id, status: "withdrawn", at: "2026-11-20T15:20:00Z" }), "checkoutToken"],
    ["an unknown status", (order: FakeOrder) => JSON.stringify({ orderId: order.id, checkoutToken: order.checkoutToken, status: "maybe", at: "2026-11-20T15:20:00Z" }), "status"],
    [
      "a grant without a number",
      (order: FakeOrder) => JSON.stringify({ orderId: order.id, checkoutToken: order.checkoutToken, status: "granted", disclosureVersionId: "v", at: "2026-11-20T15:20:00Z" }),
      "phone",
    ],
  ])("refuses a body with %s: 400 with the reason", async (_name, rawBodyFor, fragment) => {
    const { shop, order } = await shopWithDisclosure();
    const response = await call(consentRequest({ token: await checkoutToken(shop), rawBody: rawBodyFor(order) }));
    expect(response.status).toBe(400);
    expectCors(response);
    const answer = (await response.json()) as { ok: boolean; reason: string };
    expect(answer.ok).toBe(false);
    expect(answer.reason).toContain(fragment);
    expect(await prisma.consentEvent.count({ where: { shop } })).toBe(0);
  });

  it("refuses a number that cannot receive texts and an unknown disclosure: 400, nothing written", async () => {
    const { shop, versionId, order } = await shopWithDisclosure();
    await prisma.shop.update({ where: { shop }, data: { smsCountries: "US,FR" } });
    const token = await checkoutToken(shop);
    const landline = await call(consentRequest({ token, body: granted(versionId, order, { phone: "+33142685300" }) }));
    expect([landline.status, await landline.json()]).toEqual([400, { ok: false, reason: "phone_not_mobile" }]);
    const unknown = await call(consentRequest({ token, body: granted("cl-unknown", order) }));
    expect([unknown.status, await unknown.json()]).toEqual([400, { ok: false, reason: "disclosure_unknown" }]);
    const { subscribers, events, messages, syncJobs } = await effectsOf(shop);
    expect([subscribers.length, events.length, messages.length, syncJobs.length]).toEqual([0, 0, 0, 0]);
    expect(await prisma.processedWebhook.count({ where: { shop } })).toBe(0);
  });

  it("refuses a token from a shop that has not set the app up", async () => {
    const { versionId, order } = await shopWithDisclosure();
    const response = await call(consentRequest({ token: await checkoutToken("stranger.myshopify.com"), body: granted(versionId, order) }));
    expect([response.status, await response.json()]).toEqual([400, { ok: false, reason: "shop_not_set_up" }]);
  });

  it("changes nothing when the same answer is sent again, and acts on a later one", async () => {
    const { shop, versionId, order } = await shopWithDisclosure();
    const token = await checkoutToken(shop);
    await call(consentRequest({ token, body: granted(versionId, order) }));
    const before = await effectsOf(shop);

    const repeated = await call(consentRequest({ token, body: granted(versionId, order) }));
    expect(await repeated.json()).toEqual({ ok: true, status: "duplicate" });
    expect(await effectsOf(shop)).toEqual(before);

    const unticked = await call(
      consentRequest({
        token,
        body: { orderId: order.id.replace("Order", "OrderIdentity"), checkoutToken: order.checkoutToken, status: "withdrawn", at: "2026-11-20T15:20:07.000Z" },
      }),
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

describe("POST /api/checkout-consent: what the session token proves", () => {
  it("refuses to withdraw another shopper's consent on another order: 403, the victim's consent and text untouched", async () => {
    const { shop, versionId, order: victimOrder } = await shopWithDisclosure();
    const victim = await call(consentRequest({ token: await checkoutToken(shop), body: granted(versionId, victimOrder) }));
    expect(await victim.json()).toEqual({ ok: true, status: "subscribed" });
    const before = await effectsOf(shop);

    // The attacker placed an order of their own, so holds a valid token and their own checkout token.
    const attackerOrder = admin.addOrder(shop, { customerId: "gid://shopify/Customer/7100000999" });
    const attackerToken = await checkoutToken(shop, { sub: "gid://shopify/Customer/7100000999" });
    const forgeries = [
      { orderId: victimOrder.id, checkoutToken: attackerOrder.checkoutToken }, // their own checkout token
      { orderId: victimOrder.id, checkoutToken: "0".repeat(32) }, // a guessed one
    ];
    for (const forged of forgeries) {
      const response = await call(consentRequest({ token: attackerToken, body: { ...forged, status: "withdrawn", at: "2026-11-20T15:21:00.000Z" } }));
      expect(response.status).toBe(403);
      expectCors(response);
      expect(await response.json()).toEqual({ ok: false, error: "checkout_mismatch", reason: "the order was not placed by this checkout" });
    }
    expect(await effectsOf(shop)).toEqual(before);
    expect(before.subscribers).toMatchObject([{ status: "subscribed" }]);
    expect(before.messages).toMatchObject([{ status: "queued" }]);
    expect(await prisma.processedWebhook.count({ where: { shop, topic: "checkout-consent" } })).toBe(1); // the victim's answer only
  });

  it("refuses invented orders, another shop's order and an old order: 403, nothing written", async () => {
    const { shop, versionId, order } = await shopWithDisclosure();
    const other = await shopWithDisclosure();
    const oldOrder = admin.addOrder(shop, { customerId: CUSTOMER, createdAt: new Date(Date.now() - 3 * 24 * 60 * 60 * 1000).toISOString() });
    const token = await checkoutToken(shop);
    const cases: Array<[FakeOrder, string]> = [
      [{ ...order, id: "gid://shopify/Order/5734001001" }, "order_unknown"],
      [other.order, "order_unknown"], // exists, but in another shop: Shopify does not show it to this one
      [oldOrder, "order_too_old"],
    ];
    for (const [claimed, error] of cases) {
      const response = await call(consentRequest({ token, body: granted(versionId, claimed) }));
      expect(response.status).toBe(403);
      expectCors(response);
      expect(await response.json()).toMatchObject({ ok: false, error });
    }
    for (const target of [shop, other.shop]) {
      const { subscribers, events, messages, syncJobs } = await effectsOf(target);
      expect([subscribers.length, events.length, messages.length, syncJobs.length]).toEqual([0, 0, 0, 0]);
      expect(await prisma.processedWebhook.count({ where: { shop: target } })).toBe(0);
    }
  });

  it("refuses a logged-in buyer answering for another customer's order", async () => {
    const { shop, versionId, order } = await shopWithDisclosure();
    const response = await call(consentRequest({ token: await checkoutToken(shop, { sub: "gid://shopify/Customer/7100000999" }), body: granted(versionId, order) }));
    expect(response.status).toBe(403);
    expect(await response.json()).toMatchObject({ ok: false, error: "customer_mismatch" });
    expect(await prisma.consentEvent.count({ where: { shop } })).toBe(0);
  });

  it("when Shopify cannot confirm the order, sends nothing and says so: 503", async () => {
    const { shop, versionId, order } = await shopWithDisclosure();
    admin.failNext(1, "reset", "order");
    const response = await call(consentRequest({ token: await checkoutToken(shop), body: granted(versionId, order) }));
    expect(response.status).toBe(503);
    expectCors(response);
    expect(await response.json()).toMatchObject({ ok: false, error: "shopify_unavailable" });
    const { subscribers, events, messages } = await effectsOf(shop);
    expect([subscribers.length, events.length, messages.length]).toEqual([0, 0, 0]);
  });
});

describe("POST /api/checkout-consent: abuse", () => {
  it("limits one client's rapid requests: 20 at once → 429 with Retry-After and the reason, and nothing written", async () => {
    const { shop, versionId, order } = await shopWithDisclosure();
    const token = await checkoutToken(shop, { sub: undefined });
    const invented = Array.from({ length: 20 }, (_, index) =>
      granted(versionId, { ...order, id: `gid://shopify/Order/${9_000_000 + index}` }, { phone: `+1201555${String(1000 + index)}` }),
    );
    const responses = await Promise.all(invented.map((body) => call(consentRequest({ token, body }))));
    const statuses = responses.map((response) => response.status);
    expect(statuses.filter((status) => status === 403)).toHaveLength(12);
    expect(statuses.filter((status) => status === 429)).toHaveLength(8);
    const limited = responses.find((response) => response.status === 429)!;
    expectCors(limited);
    expect(Number(limited.headers.get("Retry-After"))).toBeGreaterThan(0);
    expect(await limited.json()).toMatchObject({ ok: false, error: "rate_limited", reason: expect.stringContaining("per client") });
    // Refused before asking Shopify: only the first 12 were looked up.
    expect(admin.requestsFor("order").filter((request) => request.shop === shop)).toHaveLength(12);

    // The limit holds for a genuine order too, until the window ends.
    const genuine = await call(consentRequest({ token, body: granted(versionId, order) }));
    expect(genuine.status).toBe(429);
    const { subscribers, events, messages, syncJobs } = await effectsOf(shop);
    expect([subscribers.length, events.length, messages.length, syncJobs.length]).toEqual([0, 0, 0, 0]);
    expect(await prisma.processedWebhook.count({ where: { shop } })).toBe(0);
  });

  it("limits one order however many IPs its answers claim to come from: one purchase cannot text a stream of numbers", async () => {
    const { shop, versionId, order } = await shopWithDisclosure();
    const token = await checkoutToken(shop, { sub: undefined });
    const statuses: number[] = [];
    for (let index = 0; index < 21; index += 1) {
      const body = granted(versionId, order, { phone: `+1201555${String(2000 + index)}`, at: new Date(Date.UTC(2026, 10, 20, 15, 20, index)).toISOString() });
      const ip = `203.0.113.${index + 1}`;
      const response = await call(consentRequest({ token, body, ip }), ip);
      statuses.push(response.status);
      if (response.status === 429) expect(await response.json()).toMatchObject({ error: "rate_limited", reason: expect.stringContaining("per order") });
    }
    expect(statuses).toEqual([...Array(20).fill(200), 429]);
    // Each new number replaced the one before it before any was texted: one subscription stands, one text is queued.
    const { subscribers, messages } = await effectsOf(shop);
    expect(subscribers.filter((subscriber) => subscriber.status === "subscribed")).toHaveLength(1);
    expect(messages.filter((message) => message.status === "queued")).toHaveLength(1);
  });

  it("a shopper answering a few times on the page is never limited", async () => {
    const { shop, versionId, order } = await shopWithDisclosure();
    const token = await checkoutToken(shop);
    const answers = [
      granted(versionId, order, { phone: "+12015550123", at: "2026-11-20T15:20:00.000Z" }),
      granted(versionId, order, { phone: "+12015550124", at: "2026-11-20T15:20:05.000Z" }),
      { orderId: order.id, checkoutToken: order.checkoutToken, status: "withdrawn", at: "2026-11-20T15:20:09.000Z" },
      granted(versionId, order, { phone: "+12015550124", at: "2026-11-20T15:20:12.000Z" }),
    ];
    for (const body of answers) expect((await call(consentRequest({ token, body }))).status).toBe(200);
  });

  it("refuses a number of a country the shop does not text: 400 with the reason, nothing written", async () => {
    const { shop, versionId, order } = await shopWithDisclosure(); // smsCountries: "US", the default
    const token = await checkoutToken(shop);
    for (const phone of ["+33612345678", "+447911123456", "+2348031234567"]) {
      const response = await call(consentRequest({ token, body: granted(versionId, order, { phone }) }));
      expect(response.status).toBe(400);
      expectCors(response);
      expect(await response.json()).toEqual({ ok: false, reason: "phone_country_not_allowed" });
    }
    const { subscribers, events, messages, syncJobs } = await effectsOf(shop);
    expect([subscribers.length, events.length, messages.length, syncJobs.length]).toEqual([0, 0, 0, 0]);
    expect(await prisma.processedWebhook.count({ where: { shop } })).toBe(0);

    // Once the merchant adds France, a French mobile is taken.
    await prisma.shop.update({ where: { shop }, data: { smsCountries: "US,FR" } });
    const french = await call(consentRequest({ token, body: granted(versionId, order, { phone: "+33612345678" }) }));
    expect([french.status, await french.json()]).toEqual([200, { ok: true, status: "subscribed" }]);
  });
});

describe("POST /api/checkout-consent: limits that strangers cannot use up", () => {
  it("answers naming a victim's order with a wrong checkout token, from many clients, leave the victim's own answers alone", async () => {
    const { shop, versionId } = await shopWithDisclosure();
    const victimOrder = admin.addOrder(shop, { customerId: null });
    const attackerToken = await checkoutToken(shop, { sub: undefined });
    const forged = { orderId: victimOrder.id, checkoutToken: "0".repeat(32), status: "withdrawn" };
    for (let index = 0; index < THANK_YOU_LIMITS.perOrder + 10; index += 1) {
      const response = await call(consentRequest({ token: attackerToken, body: { ...forged, at: new Date(Date.UTC(2026, 10, 20, 15, 0, index)).toISOString() } }), `203.0.113.${index + 1}`);
      expect(response.status).toBe(403);
    }

    const victimToken = await checkoutToken(shop, { sub: undefined });
    const grant = await call(consentRequest({ token: victimToken, body: granted(versionId, victimOrder) }), "192.0.2.77");
    expect([grant.status, await grant.json()]).toEqual([200, { ok: true, status: "subscribed" }]);
    const withdrawal = { orderId: victimOrder.id, checkoutToken: victimOrder.checkoutToken, status: "withdrawn", at: "2026-11-20T15:20:30.000Z" };
    const untick = await call(consentRequest({ token: victimToken, body: withdrawal }), "192.0.2.77");
    expect([untick.status, await untick.json()]).toEqual([200, { ok: true, status: "withdrawn" }]);
  });

  it("600 malformed answers from one client with forged X-Forwarded-For cost nothing shared: no counter written, genuine shoppers answered", async () => {
    const { shop, versionId, order } = await shopWithDisclosure();
    const token = await checkoutToken(shop, { sub: undefined });
    for (let index = 0; index < 600; index += 1) {
      const response = await call(consentRequest({ token, rawBody: "{}", ip: `10.${index >> 8}.${index & 255}.9` }), "203.0.113.66");
      expect(response.status).toBe(400);
    }
    expect(await prisma.rateLimitWindow.count({ where: { key: { contains: `|${shop}|` } } })).toBe(0);

    const genuine = await call(consentRequest({ token: await checkoutToken(shop), body: granted(versionId, order) }), "192.0.2.10");
    expect([genuine.status, await genuine.json()]).toEqual([200, { ok: true, status: "subscribed" }]);
  });

  it("counts the address the server saw, whatever X-Forwarded-For claims: a forged header does not buy a new budget", async () => {
    const { shop, versionId, order } = await shopWithDisclosure();
    const token = await checkoutToken(shop, { sub: undefined });
    const statuses: number[] = [];
    for (let index = 0; index <= THANK_YOU_LIMITS.perClient; index += 1) {
      const invented = { ...order, id: `gid://shopify/Order/${8_000_000 + index}` };
      const response = await call(consentRequest({ token, body: granted(versionId, invented), ip: `198.18.0.${index + 1}` }), "203.0.113.99");
      statuses.push(response.status);
    }
    expect(statuses).toEqual([...Array(THANK_YOU_LIMITS.perClient).fill(403), 429]);
    // Another client is not affected.
    const other = await call(consentRequest({ token: await checkoutToken(shop), body: granted(versionId, order) }), "203.0.113.100");
    expect(other.status).toBe(200);
  });
});
