/**
 * The inbound SMS webhook as production serves it: server/app-server.ts hands
 * POST /webhooks/twilio/sms to `nodeRouteFor` (app/http/node-routes.server.ts)
 * on node:http before Express and Remix see the request, so the Remix-route
 * tests (app/inbound/inbound-sms.server.test.ts) do not cover the code that
 * actually answers Twilio. Here: a real HTTP server, real Twilio signatures
 * over the public URL (the app rebuilds it from SHOPIFY_APP_URL, not from the
 * 127.0.0.1 address it is called on), the real database (SQLite and
 * PostgreSQL), and the refusals the node route makes before the answer runs.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import twilio from "twilio";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import prisma from "../../app/db.server";
import { nodeRouteFor } from "../../app/http/node-routes.server";
import { composeComplianceReply } from "../../app/messaging/compose";
import { MAX_TWILIO_FORM_BYTES } from "../../app/messaging/twilio-webhook.server";
import { inboundParams, newPhone, type InboundParams as Params } from "../support/inbound-sms";
import { createTestShop } from "../support/shop-fixture";

const PATH = "/webhooks/twilio/sms";
// What Twilio calls (and signs): the app's public URL, SHOPIFY_APP_URL in tests/setup/test-env.ts.
const PUBLIC_URL = `https://sms-consent.test${PATH}`;
const EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response/>';
const FORM = "application/x-www-form-urlencoded";

type TestShop = Awaited<ReturnType<typeof createTestShop>>;

let server: http.Server;
let baseUrl: string;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const route = nodeRouteFor(req);
    if (route) route(req, res);
    else res.writeHead(404).end("not routed");
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", resolve);
  });
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

const sign = (shop: TestShop, params: Params, query = "") =>
  twilio.getExpectedTwilioSignature(shop.authToken, PUBLIC_URL + query, params);

interface PostOptions {
  /** The X-Twilio-Signature header; omitted when null. */
  signature: string | null;
  query?: string;
  contentType?: string;
  /** Sent instead of the form-encoded params. */
  body?: string | Uint8Array<ArrayBuffer>;
}

interface Reply {
  status: number;
  type: string | null;
  body: string;
}

async function post(params: Params, options: PostOptions, path = PATH): Promise<Reply> {
  const headers: Record<string, string> = { "Content-Type": options.contentType ?? FORM };
  if (options.signature !== null) headers["X-Twilio-Signature"] = options.signature;
  const response = await fetch(`${baseUrl}${path}${options.query ?? ""}`, {
    method: "POST",
    headers,
    body: options.body ?? new URLSearchParams(params).toString(),
  });
  return { status: response.status, type: response.headers.get("content-type"), body: await response.text() };
}

/** The form in 8 KiB chunks with Transfer-Encoding: chunked, so only the bytes read can tell the route the body is too large. */
function postChunked(params: Params, signature: string): Promise<Reply> {
  const form = Buffer.from(new URLSearchParams(params).toString());
  return new Promise((resolve, reject) => {
    const req = http.request(`${baseUrl}${PATH}`, { method: "POST", headers: { "Content-Type": FORM, "X-Twilio-Signature": signature } });
    req.on("response", (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () => resolve({ status: res.statusCode!, type: res.headers["content-type"] ?? null, body: Buffer.concat(chunks).toString() }));
      res.on("error", reject);
    });
    // The server answers, then drops the connection without reading the rest: an error after the answer changes nothing.
    req.on("error", reject);
    for (let offset = 0; offset < form.length; offset += 8 * 1024) req.write(form.subarray(offset, offset + 8 * 1024));
    req.end();
  });
}

/** Params correctly signed by the shop's auth token, posted as Twilio would. */
const postSigned = (shop: TestShop, params: Params, query = "") => post(params, { signature: sign(shop, params, query), query });

/** Texts `body` from `from` to the shop's number; returns the reply and the params sent. */
async function text(shop: TestShop, from: string, body: string) {
  const params = inboundParams(shop, from, body);
  return { ...(await postSigned(shop, params)), params };
}

const messagesOf = (twiml: string) => [...twiml.matchAll(/<Message>([\s\S]*?)<\/Message>/g)].map((m) => decodeXml(m[1]!));
const decodeXml = (s: string) =>
  s.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, "&");

function program(shop: TestShop) {
  const { brandName, supportContact, maxMessagesPerMonth } = shop.settings;
  return { brandName, supportContact, maxMessagesPerMonth };
}

const subscriberOf = (shop: TestShop, phone: string) =>
  prisma.subscriber.findUnique({ where: { shop_phone: { shop: shop.shop, phone } } });
const eventsOf = (shop: TestShop, phone: string) =>
  prisma.consentEvent.findMany({ where: { shop: shop.shop, phone }, orderBy: { seq: "asc" } });
const inboundOf = (shop: TestShop, phone: string) => prisma.inboundMessage.findMany({ where: { shop: shop.shop, fromPhone: phone } });

async function expectNothingWritten(params: Params) {
  expect(await prisma.inboundMessage.count({ where: { messageSid: params.MessageSid! } })).toBe(0);
  expect(await prisma.subscriber.count({ where: { phone: params.From! } })).toBe(0);
  expect(await prisma.consentEvent.count({ where: { phone: params.From! } })).toBe(0);
}

describe("inbound SMS over node:http: answers", () => {
  it("a signed STOP from a new number unsubscribes it and confirms in TwiML", async () => {
    const shop = await createTestShop();
    const phone = newPhone();

    const reply = await text(shop, phone, "STOP");

    expect(reply.status).toBe(200);
    expect(reply.type).toMatch(/^text\/xml/);
    expect(messagesOf(reply.body)).toEqual([composeComplianceReply("opt_out_confirmation", program(shop), "en")]);
    expect((await subscriberOf(shop, phone))?.status).toBe("unsubscribed");
    const events = await eventsOf(shop, phone);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ source: "keyword", toStatus: "unsubscribed" });
    const inbound = await inboundOf(shop, phone);
    expect(inbound).toHaveLength(1);
    expect(inbound[0]).toMatchObject({ messageSid: reply.params.MessageSid, intent: "opt_out", body: "STOP", replyTwiml: reply.body });
  });

  it("a signed STOP ending in a NUL byte unsubscribes the number and records the text without the NUL", async () => {
    const shop = await createTestShop();
    const phone = newPhone();

    const reply = await text(shop, phone, "STOP\u0000");

    expect(reply.status).toBe(200);
    expect(messagesOf(reply.body)).toEqual([composeComplianceReply("opt_out_confirmation", program(shop), "en")]);
    expect((await subscriberOf(shop, phone))?.status).toBe("unsubscribed");
    expect((await eventsOf(shop, phone)).map((e) => [e.kind, e.source])).toEqual([["opted_out", "keyword"]]);
    expect((await inboundOf(shop, phone)).map((m) => [m.intent, m.body])).toEqual([["opt_out", "STOP"]]);
  });

  it("five concurrent copies of one signed STOP get one answer and one record", async () => {
    const shop = await createTestShop();
    const phone = newPhone();
    const params = inboundParams(shop, phone, "STOP");

    const replies = await Promise.all(Array.from({ length: 5 }, () => postSigned(shop, params)));

    expect(replies.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
    expect(new Set(replies.map((r) => r.body)).size).toBe(1);
    expect(messagesOf(replies[0]!.body)).toEqual([composeComplianceReply("opt_out_confirmation", program(shop), "en")]);
    expect(await prisma.inboundMessage.count({ where: { messageSid: params.MessageSid! } })).toBe(1);
    expect((await eventsOf(shop, phone)).map((e) => e.kind)).toEqual(["opted_out"]);
    expect((await subscriberOf(shop, phone))?.status).toBe("unsubscribed");
  });

  it("answers HELP with the help reply, changing no consent", async () => {
    const shop = await createTestShop();
    const phone = newPhone();

    const reply = await text(shop, phone, "HELP");

    expect(reply.status).toBe(200);
    expect(reply.type).toMatch(/^text\/xml/);
    expect(messagesOf(reply.body)).toEqual([composeComplianceReply("help", program(shop), "en")]);
    expect(await subscriberOf(shop, phone)).toBeNull();
    expect(await eventsOf(shop, phone)).toHaveLength(0);
    expect((await inboundOf(shop, phone)).map((m) => m.intent)).toEqual(["help"]);
  });

  it("records a question as an inbound message and answers with empty TwiML", async () => {
    const shop = await createTestShop();
    const phone = newPhone();

    const reply = await text(shop, phone, "When does the sale end?");

    expect(reply.status).toBe(200);
    expect(reply.body).toBe(EMPTY_TWIML);
    const inbound = await inboundOf(shop, phone);
    expect(inbound).toHaveLength(1);
    expect(inbound[0]).toMatchObject({ messageSid: reply.params.MessageSid, intent: "other", body: "When does the sale end?" });
    expect(await subscriberOf(shop, phone)).toBeNull();
    expect(await eventsOf(shop, phone)).toHaveLength(0);
  });
});

describe("inbound SMS over node:http: refusals", () => {
  it("403 for a wrong signature, with nothing written", async () => {
    const shop = await createTestShop();
    const params = inboundParams(shop, newPhone(), "STOP");
    const otherToken = twilio.getExpectedTwilioSignature("someone-elses-token", PUBLIC_URL, params);

    for (const signature of ["bm90IGEgc2lnbmF0dXJl", otherToken]) {
      const reply = await post(params, { signature });
      expect(reply.status, signature).toBe(403);
      expect(reply.body, signature).toBe("Invalid X-Twilio-Signature");
    }
    await expectNothingWritten(params);
  });

  it("403 for a missing signature, with nothing written", async () => {
    const shop = await createTestShop();
    const params = inboundParams(shop, newPhone(), "STOP");

    const reply = await post(params, { signature: null });

    expect(reply.status).toBe(403);
    expect(reply.body).toBe("Missing X-Twilio-Signature");
    await expectNothingWritten(params);
  });

  it("400 for a JSON body, naming the content type, with nothing written", async () => {
    const shop = await createTestShop();
    const params = inboundParams(shop, newPhone(), "STOP");

    const reply = await post(params, { signature: sign(shop, params), contentType: "application/json", body: JSON.stringify(params) });

    expect(reply.status).toBe(400);
    expect(reply.body).toMatch(/Content-Type application\/x-www-form-urlencoded, got application\/json/);
    await expectNothingWritten(params);
  });

  it(`413 for a body larger than ${MAX_TWILIO_FORM_BYTES} bytes, with nothing written`, async () => {
    const shop = await createTestShop();
    const params = { ...inboundParams(shop, newPhone(), "STOP"), Padding: "x".repeat(MAX_TWILIO_FORM_BYTES) };

    const reply = await postSigned(shop, params);

    expect(reply.status).toBe(413);
    expect(reply.body).toBe(`Request body is larger than ${MAX_TWILIO_FORM_BYTES} bytes`);
    await expectNothingWritten(params);
  });

  it("413 for an oversized body sent in chunks without a Content-Length, with nothing written", async () => {
    const shop = await createTestShop();
    const params = { ...inboundParams(shop, newPhone(), "STOP"), Padding: "x".repeat(MAX_TWILIO_FORM_BYTES) };

    const reply = await postChunked(params, sign(shop, params));

    expect(reply.status).toBe(413);
    expect(reply.body).toBe(`Request body is larger than ${MAX_TWILIO_FORM_BYTES} bytes`);
    await expectNothingWritten(params);
  });

  it("400 for a correctly signed malformed From, with nothing written", async () => {
    const shop = await createTestShop();
    const params = inboundParams(shop, "12345", "STOP");

    const reply = await postSigned(shop, params);

    expect(reply.status).toBe(400);
    expect(reply.body).toMatch(/From must be a phone number/);
    await expectNothingWritten(params);
  });

  it("400 for a body that is not valid UTF-8, with nothing written", async () => {
    const shop = await createTestShop();
    const params = inboundParams(shop, newPhone(), "STOP");
    const form = Buffer.from(new URLSearchParams(params).toString());
    const invalid = Buffer.concat([form, Buffer.from("&Extra="), Buffer.from([0xff, 0xfe, 0xc3])]);

    const reply = await post(params, { signature: sign(shop, params), body: invalid });

    expect(reply.status).toBe(400);
    expect(reply.body).toBe("Request body is not valid UTF-8");
    await expectNothingWritten(params);
  });

  it("404 for a number no shop receives texts on, with nothing written", async () => {
    const shop = await createTestShop();
    const params = { ...inboundParams(shop, newPhone(), "STOP"), To: "+15559990000" };

    const reply = await postSigned(shop, params);

    expect(reply.status).toBe(404);
    expect(reply.body).toBe("No shop receives texts on this number");
    await expectNothingWritten(params);
  });
});

describe("inbound SMS over node:http: routing", () => {
  it("does not route a GET to the webhook path", async () => {
    const response = await fetch(`${baseUrl}${PATH}`);
    expect(response.status).toBe(404);
    expect(await response.text()).toBe("not routed");
  });

  it("does not route a POST to another Twilio webhook", async () => {
    const shop = await createTestShop();
    const params = inboundParams(shop, newPhone(), "STOP");

    const reply = await post(params, { signature: sign(shop, params) }, "/webhooks/twilio/status");

    expect(reply).toMatchObject({ status: 404, body: "not routed" });
    await expectNothingWritten(params);
  });

  it("routes a POST with a query string, signed over the public URL with that query", async () => {
    const shop = await createTestShop();
    const phone = newPhone();
    const params = inboundParams(shop, phone, "STOP");

    const withoutQuery = await post(params, { signature: sign(shop, params), query: "?x=1" });
    expect(withoutQuery.status).toBe(403); // signed without the query: not what Twilio would have called
    await expectNothingWritten(params);

    const reply = await postSigned(shop, params, "?x=1");
    expect(reply.status).toBe(200);
    expect(messagesOf(reply.body)).toEqual([composeComplianceReply("opt_out_confirmation", program(shop), "en")]);
    expect((await subscriberOf(shop, phone))?.status).toBe("unsubscribed");
    expect(await inboundOf(shop, phone)).toHaveLength(1);
  });
});
