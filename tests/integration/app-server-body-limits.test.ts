/**
 * Request-body caps as production serves them: server/app-server.ts on a free
 * port, the real Remix app behind it, real signatures, the real database. A
 * body over its route's cap is refused with 413 before any handler reads it
 * (declared Content-Length) or as soon as it grows past the cap (chunked), the
 * server stops reading it, nothing is written, and the client's next request
 * on a keep-alive agent works.
 */
import { createHmac, randomUUID } from "node:crypto";
import http from "node:http";
import twilio from "twilio";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import prisma from "../../app/db.server";
import { MAX_OTHER_BODY_BYTES, MAX_SHOPIFY_WEBHOOK_BYTES } from "../../app/http/body-limit.server";
import { MAX_TWILIO_FORM_BYTES } from "../../app/messaging/twilio-webhook.server";
import type { AppServer } from "../../server/app-server";
import { startTestAppServer } from "../support/app-server";
import { inboundParams, newPhone } from "../support/inbound-sms";
import { createTestShop } from "../support/shop-fixture";
import { TEST_ENV } from "../setup/test-env";

let server: AppServer;

beforeAll(async () => {
  server = await startTestAppServer();
}, 120_000);

afterAll(async () => {
  await server?.close();
});

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
  /** Body bytes the client had written when the answer arrived. */
  sentBeforeAnswer: number;
}

/**
 * POSTs `body` (or `totalBytes` of "x") in 64 KiB writes, declared up front (Content-Length)
 * or chunked, and stops writing as soon as the server answers, as curl does.
 */
function postLarge(
  path: string,
  options: { declared: boolean; body?: string; totalBytes?: number; headers?: Record<string, string>; agent?: http.Agent },
): Promise<Answer> {
  const { declared } = options;
  const body = options.body === undefined ? null : Buffer.from(options.body);
  const totalBytes = body?.length ?? options.totalBytes!;
  const filler = Buffer.alloc(64 * 1024, "x");
  return new Promise((resolve, reject) => {
    const req = http.request(`${server.url}${path}`, {
      method: "POST",
      agent: options.agent,
      headers: { ...options.headers, ...(declared ? { "Content-Length": String(totalBytes) } : { "Transfer-Encoding": "chunked" }) },
    });
    let sent = 0;
    let answered = false;
    const pump = () => {
      while (!answered && sent < totalBytes) {
        const size = Math.min(filler.length, totalBytes - sent);
        const piece = body ? body.subarray(sent, sent + size) : filler.subarray(0, size);
        sent += piece.length;
        if (!req.write(piece)) return void req.once("drain", pump);
      }
      if (!answered) req.end();
    };
    req.on("response", (res) => {
      answered = true;
      const sentBeforeAnswer = sent;
      const chunks: Buffer[] = [];
      res.on("data", (data: Buffer) => chunks.push(data));
      res.on("end", () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks).toString(), sentBeforeAnswer }));
      res.on("error", reject);
    });
    // Once answered, the server ends the connection under the unsent rest: an EPIPE or reset then is expected.
    req.on("error", (error) => {
      if (!answered) reject(error);
    });
    pump();
  });
}

function post(path: string, body: string, headers: Record<string, string>, agent?: http.Agent): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request(`${server.url}${path}`, { method: "POST", agent, headers: { ...headers, "Content-Length": String(Buffer.byteLength(body)) } });
    req.on("response", (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (data: Buffer) => chunks.push(data));
      res.on("end", () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks).toString(), sentBeforeAnswer: Buffer.byteLength(body) }));
    });
    req.on("error", reject);
    req.setTimeout(10_000, () => req.destroy(new Error(`no answer from ${path} within 10 s`)));
    req.end(body);
  });
}

const FORM = { "Content-Type": "application/x-www-form-urlencoded" };
/** Far more than the loopback socket buffers hold, so an answer before the end means the server stopped reading. */
const LARGE = 32 * 1024 * 1024;
const tooLarge = (maxBytes: number) => `Request body is larger than ${maxBytes} bytes`;

function shopifyHeaders(body: string, webhookId: string, shop: string, topic: string): Record<string, string> {
  return {
    "Content-Type": "application/json",
    "X-Shopify-Topic": topic,
    "X-Shopify-Shop-Domain": shop,
    "X-Shopify-API-Version": "2026-07",
    "X-Shopify-Webhook-Id": webhookId,
    "X-Shopify-Hmac-Sha256": createHmac("sha256", TEST_ENV.SHOPIFY_API_SECRET).update(body).digest("base64"),
  };
}

describe("Shopify webhook routes: capped at 5 MB", () => {
  it("413 before reading a validly signed body that declares more than the cap, with nothing written", async () => {
    const shop = `cap-${randomUUID().slice(0, 8)}.myshopify.com`;
    const webhookId = randomUUID();
    const padding = "x".repeat(MAX_SHOPIFY_WEBHOOK_BYTES);
    const body = JSON.stringify({ id: 1, note: padding });

    const answer = await postLarge("/webhooks/orders/create", {
      body,
      declared: true,
      headers: shopifyHeaders(body, webhookId, shop, "orders/create"),
    });

    expect(answer.status).toBe(413);
    expect(answer.body).toBe(tooLarge(MAX_SHOPIFY_WEBHOOK_BYTES));
    expect(answer.headers.connection).toBe("close");
    expect(answer.sentBeforeAnswer).toBeLessThan(Buffer.byteLength(body));
    expect(await prisma.processedWebhook.count({ where: { webhookId } })).toBe(0);
  });

  it("413 for an unsigned chunked body once it passes the cap, and the server stops reading it", async () => {
    const totalBytes = 100 * 1024 * 1024;

    const answer = await postLarge("/webhooks/orders/create", { totalBytes, declared: false, headers: { "Content-Type": "application/json" } });

    expect(answer.status).toBe(413);
    expect(answer.body).toBe(tooLarge(MAX_SHOPIFY_WEBHOOK_BYTES));
    expect(answer.headers.connection).toBe("close");
    // Answered once the cap was passed, long before the 100 MB were sent.
    expect(answer.sentBeforeAnswer).toBeGreaterThan(MAX_SHOPIFY_WEBHOOK_BYTES);
    expect(answer.sentBeforeAnswer).toBeLessThan(totalBytes / 4);
  });

  it("lets a signed delivery of a few hundred KB through to its route", async () => {
    const shop = `cap-${randomUUID().slice(0, 8)}.myshopify.com`;
    const body = JSON.stringify({ id: 1, name: shop, padding: "x".repeat(900 * 1024) });

    const answer = await post("/webhooks/app/uninstalled", body, shopifyHeaders(body, randomUUID(), shop, "app/uninstalled"));

    expect(answer.status).toBe(200);
  });
});

describe("Twilio routes: capped at 64 KB", () => {
  it("413 for an oversized status callback (a Remix route), then the next request on the same keep-alive agent is answered", async () => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    try {
      for (const declared of [true, false]) {
        const answer = await postLarge("/webhooks/twilio/status", { totalBytes: LARGE, declared, headers: FORM, agent });
        expect([answer.status, answer.body], `declared: ${declared}`).toEqual([413, tooLarge(MAX_TWILIO_FORM_BYTES)]);
        expect(answer.sentBeforeAnswer).toBeLessThan(LARGE);

        const params = { MessageSid: `SM${"0".repeat(32)}`, MessageStatus: "delivered", AccountSid: `AC${"1".repeat(32)}` };
        const next = await post("/webhooks/twilio/status", new URLSearchParams(params).toString(), FORM, agent);
        expect([next.status, next.body], `declared: ${declared}`).toEqual([404, "Unknown MessageSid"]);
      }
    } finally {
      agent.destroy();
    }
  });

  it("413 for an oversized inbound text (the node:http route), with nothing written", async () => {
    const shop = await createTestShop();
    const params: Record<string, string> = { ...inboundParams(shop, newPhone(), "STOP"), Padding: "x".repeat(MAX_TWILIO_FORM_BYTES) };
    const body = new URLSearchParams(params).toString();
    const signature = twilio.getExpectedTwilioSignature(shop.authToken, `${TEST_ENV.SHOPIFY_APP_URL}/webhooks/twilio/sms`, params);

    for (const declared of [true, false]) {
      const answer = await postLarge("/webhooks/twilio/sms", { body, declared, headers: { ...FORM, "X-Twilio-Signature": signature } });
      expect([answer.status, answer.body], `declared: ${declared}`).toEqual([413, tooLarge(MAX_TWILIO_FORM_BYTES)]);
    }
    expect(await prisma.inboundMessage.count({ where: { messageSid: params.MessageSid! } })).toBe(0);
    expect(await prisma.subscriber.count({ where: { phone: params.From! } })).toBe(0);
  });
});

/** Sends only the headers, with Expect: 100-continue, and the body only if the server says to go on. */
function postAskingFirst(path: string, body: string, headers: Record<string, string>): Promise<{ status: number; body: string; continued: boolean }> {
  return new Promise((resolve, reject) => {
    const req = http.request(`${server.url}${path}`, {
      method: "POST",
      agent: false,
      headers: { ...headers, "Content-Length": String(Buffer.byteLength(body)), Expect: "100-continue" },
    });
    let continued = false;
    req.on("continue", () => {
      continued = true;
      req.end(body);
    });
    req.on("response", (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (data: Buffer) => chunks.push(data));
      res.on("end", () => resolve({ status: res.statusCode!, body: Buffer.concat(chunks).toString(), continued }));
    });
    req.on("error", (error) => (continued ? reject(error) : undefined));
    req.flushHeaders();
  });
}

describe("a client that asks before sending (Expect: 100-continue)", () => {
  it("is refused before it sends a body over the cap, and told to go on with one under it", async () => {
    const tooLargeAnswer = await postAskingFirst("/webhooks/orders/create", "x".repeat(MAX_SHOPIFY_WEBHOOK_BYTES + 1), { "Content-Type": "application/json" });
    expect(tooLargeAnswer).toEqual({ status: 413, body: tooLarge(MAX_SHOPIFY_WEBHOOK_BYTES), continued: false });

    const params = { MessageSid: `SM${"1".repeat(32)}`, MessageStatus: "delivered", AccountSid: `AC${"1".repeat(32)}` };
    const smallAnswer = await postAskingFirst("/webhooks/twilio/status", new URLSearchParams(params).toString(), FORM);
    expect(smallAnswer).toEqual({ status: 404, body: "Unknown MessageSid", continued: true });
  });
});

describe("every other route: capped at 64 KB", () => {
  it("413 before reading a body that declares more than the cap, to the checkout consent API and to an admin page", async () => {
    for (const path of ["/api/checkout-consent", "/app/settings"]) {
      const answer = await postLarge(path, { totalBytes: LARGE, declared: true, headers: { "Content-Type": "application/json" } });
      expect([answer.status, answer.body], path).toEqual([413, tooLarge(MAX_OTHER_BODY_BYTES)]);
      expect(answer.sentBeforeAnswer).toBeLessThan(LARGE);
    }
  });

  it("a chunked body is answered long before its end: 413, or the route's own refusal when it authenticates before reading", async () => {
    for (const path of ["/api/checkout-consent", "/app/settings"]) {
      const answer = await postLarge(path, { totalBytes: LARGE, declared: false, headers: { "Content-Type": "application/json" } });
      // The checkout API answers 401 without a session token and the admin redirects (302) to log in: both read nothing first.
      expect([302, 401, 413], `${path}: ${answer.status} ${answer.body}`).toContain(answer.status);
      expect(answer.sentBeforeAnswer).toBeLessThan(LARGE);
    }
  });
});

/**
 * POSTs all of `totalBytes` chunked, whatever the server answers meanwhile (a client that does not stop at
 * an early answer), and resolves once the upload is sent and the answer read; fails if that takes 10 s.
 */
function uploadWhole(path: string, totalBytes: number, agent: http.Agent): Promise<{ status: number; uploaded: boolean }> {
  return new Promise((resolve, reject) => {
    const req = http.request(`${server.url}${path}`, { method: "POST", agent, headers: { "Content-Type": "application/json", "Transfer-Encoding": "chunked" } });
    let status: number | null = null;
    let uploaded = false;
    const settle = () => {
      if (status !== null && uploaded) resolve({ status, uploaded });
    };
    req.on("response", (res) => {
      res.resume();
      res.on("end", () => {
        status = res.statusCode!;
        settle();
      });
    });
    req.on("finish", () => {
      uploaded = true;
      settle();
    });
    req.on("error", reject);
    req.setTimeout(10_000, () => req.destroy(new Error(`${path}: the upload hung (no end within 10 s)`)));
    const piece = Buffer.alloc(16 * 1024, "x");
    let sent = 0;
    const pump = () => {
      while (sent < totalBytes) {
        sent += piece.length;
        if (!req.write(piece)) return void req.once("drain", pump);
      }
      req.end();
    };
    pump();
  });
}

describe("a route that answers without reading the body", () => {
  it("lets a 200 KB chunked upload end at once, and the same keep-alive connection serves the next request", async () => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const statusParams = new URLSearchParams({ MessageSid: `SM${"2".repeat(32)}`, MessageStatus: "delivered", AccountSid: `AC${"1".repeat(32)}` }).toString();
    try {
      for (const path of ["/app/settings", "/api/checkout-consent", "/", "/nope/unknown", "/webhooks/unknown"]) {
        const answer = await uploadWhole(path, 200 * 1024, agent);
        // Each answers without reading: the admin redirects to log in, the API wants a token, the rest are no route.
        expect([302, 401, 404, 405], `${path}: ${answer.status}`).toContain(answer.status);

        const next = await post("/webhooks/twilio/status", statusParams, FORM, agent);
        expect([next.status, next.body], path).toEqual([404, "Unknown MessageSid"]);
      }
    } finally {
      agent.destroy();
    }
  });
});
