import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import twilio from "twilio";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  createTwilioClient,
  describeSendFailure,
  RedirectingRequestClient,
  rewriteTwilioUri,
  sendSms,
} from "./twilio-client.server";
import { startTwilioSandbox, type TwilioSandbox } from "./twilio-sandbox.server";

const ACCOUNT = { accountSid: `AC${"a".repeat(32)}`, authToken: "sandbox-token-a" };
const OTHER_ACCOUNT = { accountSid: `AC${"b".repeat(32)}`, authToken: "sandbox-token-b" };
const SHOP_NUMBER = "+15005550006";
const SERVICE_SID = `MG${"c".repeat(32)}`;

interface ReceivedCallback {
  url: string;
  signature: string;
  params: Record<string, string>;
}

/** A stand-in for the app's status-callback route: records what Twilio would POST. */
async function startReceiver(status = 204) {
  const received: ReceivedCallback[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      received.push({
        url: `${base}${req.url ?? ""}`,
        signature: String(req.headers["x-twilio-signature"] ?? ""),
        params: Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString("utf8"))),
      });
      res.writeHead(status).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    base,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe("rewriteTwilioUri", () => {
  const base = "http://127.0.0.1:4010";

  it("sends any twilio.com host to the base URL, keeping path and query", () => {
    expect(rewriteTwilioUri("https://api.twilio.com/2010-04-01/Accounts/AC1/Messages.json?PageSize=50&To=%2B1555", base)).toBe(
      "http://127.0.0.1:4010/2010-04-01/Accounts/AC1/Messages.json?PageSize=50&To=%2B1555",
    );
    expect(rewriteTwilioUri("https://messaging.twilio.com/v1/Services", `${base}/`)).toBe(`${base}/v1/Services`);
    expect(rewriteTwilioUri("https://api.sydney.au1.twilio.com/2010-04-01/Accounts.json", base)).toBe(
      `${base}/2010-04-01/Accounts.json`,
    );
    expect(rewriteTwilioUri("https://tls-test.twilio.com:443", base)).toBe(base);
    expect(rewriteTwilioUri("https://api.twilio.com/x", "http://localhost:9/twilio")).toBe("http://localhost:9/twilio/x");
  });

  it("leaves other hosts alone, including look-alikes", () => {
    for (const uri of [
      "https://api.twilio.com.evil.example/2010-04-01",
      "https://eviltwilio.com/2010-04-01",
      "http://api.twilio.com/2010-04-01",
      "https://example.com/?next=https://api.twilio.com/",
    ]) {
      expect(rewriteTwilioUri(uri, base)).toBe(uri);
    }
  });
});

describe("createTwilioClient", () => {
  it("uses the stock RequestClient without a base URL", () => {
    for (const apiBaseUrl of [undefined, null, "", "  "]) {
      const client = createTwilioClient(ACCOUNT, { apiBaseUrl });
      expect(client.httpClient).toBeInstanceOf(twilio.RequestClient);
      expect(client.httpClient).not.toBeInstanceOf(RedirectingRequestClient);
    }
  });

  it("redirects through a RequestClient subclass with a base URL, and rejects malformed ones", () => {
    const client = createTwilioClient(ACCOUNT, { apiBaseUrl: "http://127.0.0.1:4010" });
    expect(client.httpClient).toBeInstanceOf(RedirectingRequestClient);
    expect(() => createTwilioClient(ACCOUNT, { apiBaseUrl: "127.0.0.1:4010" })).toThrow();
    expect(() => createTwilioClient(ACCOUNT, { apiBaseUrl: "ftp://127.0.0.1" })).toThrow(/http\(s\)/);
  });
});

describe("describeSendFailure", () => {
  it.each([
    [429, 20429, true],
    [503, 20503, true],
    [500, null, true],
    [400, 21611, true],
    [401, 20003, false],
    [400, 21610, false],
    [400, 21211, false],
    [400, 21614, false],
    [400, 21408, false],
    [400, 30007, false],
    [404, 20404, false],
  ])("HTTP %s / code %s → retryable %s", (status, code, retryable) => {
    const error = Object.assign(new Error("boom"), { status, code: code ?? undefined });
    expect(describeSendFailure(error)).toEqual({
      ok: false,
      httpStatus: status,
      errorCode: code,
      message: "boom",
      retryable,
    });
  });

  it("treats errors without an HTTP answer as network errors, and other throws as permanent", () => {
    expect(describeSendFailure(Object.assign(new Error("socket hang up"), { code: "ECONNRESET" }))).toMatchObject({
      httpStatus: null,
      errorCode: null,
      retryable: true,
    });
    expect(describeSendFailure(new Error("Required parameter missing"))).toMatchObject({ retryable: false });
  });
});

describe("Twilio sandbox through the real SDK", () => {
  let sandbox: TwilioSandbox;
  let client: twilio.Twilio;
  const logged: string[] = [];

  beforeAll(async () => {
    sandbox = await startTwilioSandbox({
      accounts: [ACCOUNT, OTHER_ACCOUNT],
      statusCallbackDelayMs: 10,
      optedOutNumbers: ["+15551110000"],
      log: (line) => logged.push(line),
    });
    client = createTwilioClient(ACCOUNT, { apiBaseUrl: sandbox.url });
  });
  afterAll(() => sandbox.close());
  afterEach(() => {
    logged.length = 0;
  });

  it("accepts a send with a real-looking SID, over the SDK's own HTTP request", async () => {
    const result = await sendSms(client, { to: "+15551234567", from: SHOP_NUMBER, body: "Acme: hello" });

    expect(result).toMatchObject({ ok: true, status: "queued" });
    if (!result.ok) throw new Error("unreachable");
    expect(result.sid).toMatch(/^SM[0-9a-f]{32}$/);
    expect(sandbox.messages.find((m) => m.sid === result.sid)).toMatchObject({
      accountSid: ACCOUNT.accountSid,
      to: "+15551234567",
      from: SHOP_NUMBER,
      messagingServiceSid: null,
      body: "Acme: hello",
      statusCallback: null,
      numSegments: 1,
    });
    const request = sandbox.requests.findLast((r) => r.method === "POST");
    expect(request?.userAgent).toMatch(/^twilio-node\/6\.\d+\.\d+ /);
    expect(request?.contentType).toBe("application/x-www-form-urlencoded");
  });

  it("parses into a full MessageInstance, and fetch() follows the status", async () => {
    const created = await client.messages.create({ to: "+15557654321", from: SHOP_NUMBER, body: "Ünïcode ✓ " + "x".repeat(70) });
    expect(created).toMatchObject({
      accountSid: ACCOUNT.accountSid,
      direction: "outbound-api",
      numMedia: "0",
      numSegments: "2",
      apiVersion: "2010-04-01",
      price: null,
      errorCode: null,
      uri: `/2010-04-01/Accounts/${ACCOUNT.accountSid}/Messages/${created.sid}.json`,
    });
    expect(created.dateCreated).toBeInstanceOf(Date);
    expect(Math.abs(created.dateCreated.getTime() - Date.now())).toBeLessThan(5_000);

    await expect.poll(async () => (await client.messages(created.sid).fetch()).status, { timeout: 2_000 }).toBe("delivered");
    const fetched = await client.messages(created.sid).fetch();
    expect(fetched.dateSent).toBeInstanceOf(Date);
  });

  it("starts Messaging Service sends as accepted and assigns the sender later", async () => {
    const result = await sendSms(client, { to: "+15551230001", messagingServiceSid: SERVICE_SID, body: "Acme: hi" });
    expect(result).toMatchObject({ ok: true, status: "accepted" });
    if (!result.ok) throw new Error("unreachable");
    await expect.poll(async () => (await client.messages(result.sid).fetch()).from, { timeout: 2_000 }).toBe(SHOP_NUMBER);
  });

  it("answers 404 with Twilio's error JSON for an unknown SID", async () => {
    await expect(client.messages(`SM${"0".repeat(32)}`).fetch()).rejects.toMatchObject({ status: 404, code: 20404 });
  });

  it("maps a wrong auth token to 20003, not retryable, and records nothing", async () => {
    const before = sandbox.messages.length + sandbox.rejected.length;
    const intruder = createTwilioClient({ ...ACCOUNT, authToken: "wrong" }, { apiBaseUrl: sandbox.url });
    const result = await sendSms(intruder, { to: "+15551234567", from: SHOP_NUMBER, body: "x" });
    expect(result).toEqual({ ok: false, errorCode: 20003, httpStatus: 401, message: "Authenticate", retryable: false });
    expect(sandbox.messages.length + sandbox.rejected.length).toBe(before);
  });

  it("refuses valid credentials used on another account's path", async () => {
    const other = client.api.v2010.accounts(OTHER_ACCOUNT.accountSid).messages;
    await expect(other.create({ to: "+15551234567", from: SHOP_NUMBER, body: "x" })).rejects.toMatchObject({
      status: 401,
      code: 20003,
    });
  });

  it.each([
    ["+15005550001", 21211],
    ["+15005550009", 21614],
    ["+15005550004", 21610],
    ["+15005550003", 21408],
    ["+15551110000", 21610], // optedOutNumbers
    ["555-1234", 21211],
  ])("maps To %s to a permanent %s and records the attempt", async (to, code) => {
    const result = await sendSms(client, { to, from: SHOP_NUMBER, body: "Acme: hi" });
    expect(result).toMatchObject({ ok: false, errorCode: code, httpStatus: 400, retryable: false });
    expect(sandbox.rejected.at(-1)).toMatchObject({ errorCode: code, params: { To: to } });
    expect(sandbox.messages.some((m) => m.to === to)).toBe(false);
  });

  it("blocks numbers opted out at runtime until they opt back in", async () => {
    sandbox.optOut("+15552220000");
    expect(await sendSms(client, { to: "+15552220000", from: SHOP_NUMBER, body: "x" })).toMatchObject({ errorCode: 21610 });
    sandbox.optIn("+15552220000");
    expect(await sendSms(client, { to: "+15552220000", from: SHOP_NUMBER, body: "x" })).toMatchObject({ ok: true });
  });

  it("validates required parameters with Twilio's codes", async () => {
    expect(await sendSms(client, { to: "", from: SHOP_NUMBER, body: "x" })).toMatchObject({ errorCode: 21604 });
    expect(await sendSms(client, { to: "+15551234567", body: "x", from: null })).toMatchObject({ errorCode: 21603 });
    expect(await sendSms(client, { to: "+15551234567", from: SHOP_NUMBER, body: "" })).toMatchObject({ errorCode: 21602 });
  });

  it("maps rate limiting and server errors to retryable", async () => {
    sandbox.failNextSend({ httpStatus: 429, errorCode: 20429, message: "Too Many Requests" });
    expect(await sendSms(client, { to: "+15551234567", from: SHOP_NUMBER, body: "x" })).toEqual({
      ok: false,
      errorCode: 20429,
      httpStatus: 429,
      message: "Too Many Requests",
      retryable: true,
    });
    sandbox.failNextSend({ httpStatus: 503, errorCode: 20503 });
    expect(await sendSms(client, { to: "+15551234567", from: SHOP_NUMBER, body: "x" })).toMatchObject({
      httpStatus: 503,
      retryable: true,
    });
  });

  it("maps a connection failure to a retryable network error", async () => {
    const gone = await startTwilioSandbox({ accounts: [ACCOUNT] });
    const deadUrl = gone.url;
    await gone.close();
    const result = await sendSms(createTwilioClient(ACCOUNT, { apiBaseUrl: deadUrl }), {
      to: "+15551234567",
      from: SHOP_NUMBER,
      body: "x",
    });
    expect(result).toMatchObject({ ok: false, httpStatus: null, errorCode: null, retryable: true });
    if (result.ok) throw new Error("unreachable");
    expect(result.message).toMatch(/ECONNREFUSED/);
  });

  describe("status callbacks", () => {
    it("POSTs sent then delivered, signed with the real algorithm", async () => {
      const receiver = await startReceiver();
      try {
        const callbackUrl = `${receiver.base}/webhooks/twilio/status?shop=demo.myshopify.com`;
        const start = sandbox.callbacks.length;
        const result = await sendSms(client, {
          to: "+15551234567",
          from: SHOP_NUMBER,
          body: "Acme: hi",
          statusCallback: callbackUrl,
        });
        if (!result.ok) throw new Error(result.message);
        await sandbox.waitForCallbacks(start + 2);

        const mine = receiver.received.filter((r) => r.params.MessageSid === result.sid);
        expect(mine.map((r) => r.params.MessageStatus)).toEqual(["sent", "delivered"]);
        for (const callback of mine) {
          expect(callback.url).toBe(callbackUrl);
          expect(callback.params).toMatchObject({
            MessageSid: result.sid,
            SmsSid: result.sid,
            AccountSid: ACCOUNT.accountSid,
            From: SHOP_NUMBER,
            To: "+15551234567",
            SmsStatus: callback.params.MessageStatus,
            ApiVersion: "2010-04-01",
          });
          expect(callback.params.ErrorCode).toBeUndefined();
          expect(twilio.validateRequest(ACCOUNT.authToken, callback.signature, callback.url, callback.params)).toBe(true);
          expect(twilio.validateRequest("wrong-token", callback.signature, callback.url, callback.params)).toBe(false);
        }
        expect(mine[1]?.params.RawDlrDoneDate).toMatch(/^\d{10}$/);
        expect(sandbox.callbacks.slice(start).map((c) => [c.responseStatus, c.attempts])).toEqual([
          [204, 1],
          [204, 1],
        ]);
      } finally {
        await receiver.close();
      }
    });

    it("reports undelivered 30003 with the Messaging Service SID", async () => {
      const receiver = await startReceiver(200);
      try {
        const start = sandbox.callbacks.length;
        const result = await sendSms(client, {
          to: "+15551230003",
          messagingServiceSid: SERVICE_SID,
          body: "Acme: hi",
          statusCallback: `${receiver.base}/status`,
        });
        if (!result.ok) throw new Error(result.message);
        await sandbox.waitForCallbacks(start + 2);

        const mine = receiver.received.filter((r) => r.params.MessageSid === result.sid);
        expect(mine.map((r) => [r.params.MessageStatus, r.params.ErrorCode])).toEqual([
          ["sent", undefined],
          ["undelivered", "30003"],
        ]);
        expect(mine[1]?.params.MessagingServiceSid).toBe(SERVICE_SID);
        expect(twilio.validateRequest(ACCOUNT.authToken, mine[1]?.signature ?? "", mine[1]?.url ?? "", mine[1]?.params ?? {})).toBe(true);

        const fetched = await client.messages(result.sid).fetch();
        expect(fetched).toMatchObject({ status: "undelivered", errorCode: 30003, from: SHOP_NUMBER });
      } finally {
        await receiver.close();
      }
    });

    it("accepts a Messaging Service send to an opted-out number, then reports failed 21610 by callback", async () => {
      const receiver = await startReceiver();
      try {
        sandbox.optOut("+15552223333");
        const start = sandbox.callbacks.length;
        const result = await sendSms(client, {
          to: "+15552223333",
          messagingServiceSid: SERVICE_SID,
          body: "Acme: hi",
          statusCallback: `${receiver.base}/status`,
        });
        expect(result).toMatchObject({ ok: true, status: "accepted" });
        if (!result.ok) throw new Error(result.message);
        await sandbox.waitForCallbacks(start + 1);

        const mine = receiver.received.filter((r) => r.params.MessageSid === result.sid);
        expect(mine.map((r) => [r.params.MessageStatus, r.params.ErrorCode])).toEqual([["failed", "21610"]]);
        expect(twilio.validateRequest(ACCOUNT.authToken, mine[0]?.signature ?? "", mine[0]?.url ?? "", mine[0]?.params ?? {})).toBe(true);
        expect(await client.messages(result.sid).fetch()).toMatchObject({ status: "failed", errorCode: 21610 });
      } finally {
        sandbox.optIn("+15552223333");
        await receiver.close();
      }
    });

    it("delivers to the shop's own magic number +15005550006 (no 30006 there)", async () => {
      const result = await sendSms(client, { to: SHOP_NUMBER, from: "+15005550005", body: "x" });
      if (!result.ok) throw new Error(result.message);
      await expect.poll(async () => (await client.messages(result.sid).fetch()).status, { timeout: 2_000 }).toBe("delivered");
    });

    it("survives an unreachable callback URL: retries once, records null, keeps serving", async () => {
      const receiver = await startReceiver();
      const deadUrl = `${receiver.base}/status`;
      await receiver.close();

      const start = sandbox.callbacks.length;
      const result = await sendSms(client, { to: "+15551234567", from: SHOP_NUMBER, body: "x", statusCallback: deadUrl });
      expect(result.ok).toBe(true);
      await sandbox.waitForCallbacks(start + 2);
      expect(sandbox.callbacks.slice(start).map((c) => [c.params.MessageStatus, c.responseStatus, c.attempts])).toEqual([
        ["sent", null, 2],
        ["delivered", null, 2],
      ]);
      expect(logged.some((line) => line.includes("ECONNREFUSED"))).toBe(true);
      expect(await sendSms(client, { to: "+15551234567", from: SHOP_NUMBER, body: "still up" })).toMatchObject({ ok: true });
    });
  });

  it("answers unknown routes and methods with Twilio-style JSON", async () => {
    const auth = `Basic ${Buffer.from(`${ACCOUNT.accountSid}:${ACCOUNT.authToken}`).toString("base64")}`;
    const unknown = await fetch(`${sandbox.url}/2010-04-01/Calls.json`, { headers: { authorization: auth } });
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ code: 20404, status: 404 });

    const wrongMethod = await fetch(`${sandbox.url}/2010-04-01/Accounts/${ACCOUNT.accountSid}/Messages/SMx.json`, {
      method: "DELETE",
      headers: { authorization: auth },
    });
    expect(wrongMethod.status).toBe(405);
  });
});

describe("sandbox lifecycle", () => {
  it("close() cancels pending status work and rejects waiters", async () => {
    const receiver = await startReceiver();
    const sandbox = await startTwilioSandbox({ accounts: [ACCOUNT], statusCallbackDelayMs: 10_000 });
    try {
      const client = createTwilioClient(ACCOUNT, { apiBaseUrl: sandbox.url });
      await sendSms(client, { to: "+15551234567", from: SHOP_NUMBER, body: "x", statusCallback: `${receiver.base}/s` });
      const waiting = sandbox.waitForCallbacks(1, 60_000);
      const started = Date.now();
      await sandbox.close();
      await expect(waiting).rejects.toThrow(/closed/);
      expect(Date.now() - started).toBeLessThan(1_000);
      expect(receiver.received).toEqual([]);
      expect(sandbox.callbacks).toEqual([]);
    } finally {
      await receiver.close();
    }
  });

  it("waitForCallbacks times out with a useful message", async () => {
    const sandbox = await startTwilioSandbox({ accounts: [ACCOUNT] });
    try {
      await expect(sandbox.waitForCallbacks(1, 20)).rejects.toThrow("Expected 1 status callbacks within 20 ms, got 0");
    } finally {
      await sandbox.close();
    }
  });
});

describe("sandbox latency, fault injection and per-second counts", () => {
  let sandbox: TwilioSandbox;
  let client: twilio.Twilio;
  beforeAll(async () => {
    sandbox = await startTwilioSandbox({ accounts: [ACCOUNT], statusCallbackDelayMs: 60_000, responseDelayMs: 40 });
    client = createTwilioClient(ACCOUNT, { apiBaseUrl: sandbox.url });
  });
  afterAll(async () => {
    await sandbox.close();
  });

  it("answers each send after the configured delay", async () => {
    const started = Date.now();
    expect(await sendSms(client, { to: "+15553330001", from: SHOP_NUMBER, body: "x" })).toMatchObject({ ok: true });
    expect(Date.now() - started).toBeGreaterThanOrEqual(39);
    // A delay far above any machine's jitter, then none: the difference shows however busy the machine is.
    sandbox.setResponseDelay(2_000);
    const slow = Date.now();
    await sendSms(client, { to: "+15553330001", from: SHOP_NUMBER, body: "x" });
    expect(Date.now() - slow).toBeGreaterThanOrEqual(1_999);
    sandbox.setResponseDelay(0);
    const quick = Date.now();
    await sendSms(client, { to: "+15553330001", from: SHOP_NUMBER, body: "x" });
    expect(Date.now() - quick).toBeLessThan(1_500);
  });

  it("fails the next N sends, and sends to one recipient a given number of times", async () => {
    sandbox.failNextSends(2, { httpStatus: 500, errorCode: 20500 });
    expect(await sendSms(client, { to: "+15553330002", from: SHOP_NUMBER, body: "x" })).toMatchObject({ httpStatus: 500, retryable: true });
    expect(await sendSms(client, { to: "+15553330003", from: SHOP_NUMBER, body: "x" })).toMatchObject({ httpStatus: 500 });
    expect(await sendSms(client, { to: "+15553330003", from: SHOP_NUMBER, body: "x" })).toMatchObject({ ok: true });

    sandbox.failSendsTo("+15553330004", { httpStatus: 429, errorCode: 20429 }, 2);
    expect(await sendSms(client, { to: "+15553330005", from: SHOP_NUMBER, body: "x" })).toMatchObject({ ok: true });
    expect(await sendSms(client, { to: "+15553330004", from: SHOP_NUMBER, body: "x" })).toMatchObject({ errorCode: 20429 });
    expect(await sendSms(client, { to: "+15553330004", from: SHOP_NUMBER, body: "x" })).toMatchObject({ errorCode: 20429 });
    expect(await sendSms(client, { to: "+15553330004", from: SHOP_NUMBER, body: "x" })).toMatchObject({ ok: true });

    sandbox.failSendsTo("+15553330006", { httpStatus: 503, errorCode: 20503 });
    for (let i = 0; i < 3; i += 1) {
      expect(await sendSms(client, { to: "+15553330006", from: SHOP_NUMBER, body: "x" })).toMatchObject({ errorCode: 20503 });
    }
    sandbox.clearFaults();
    expect(await sendSms(client, { to: "+15553330006", from: SHOP_NUMBER, body: "x" })).toMatchObject({ ok: true });
  });

  it("counts each sender's accepted sends and segments per second of arrival", async () => {
    const sender = "+15005550010";
    const long = "x".repeat(200); // 2 GSM-7 segments
    await Promise.all([
      sendSms(client, { to: "+15553330007", from: sender, body: "x" }),
      sendSms(client, { to: "+15553330008", from: sender, body: long }),
      sendSms(client, { to: "+15553330009", messagingServiceSid: SERVICE_SID, body: "x" }),
    ]);
    sandbox.failNextSend({ httpStatus: 429, errorCode: 20429 });
    await sendSms(client, { to: "+15553330010", from: sender, body: "x" }); // refused: not counted
    const seconds = sandbox.acceptedPerSecond(sender);
    expect(seconds.reduce((sum, s) => sum + s.messages, 0)).toBe(2);
    expect(seconds.reduce((sum, s) => sum + s.segments, 0)).toBe(3);
    for (const entry of seconds) expect(entry.second).toBe(Math.floor(entry.second));
    expect(sandbox.acceptedPerSecond(SERVICE_SID).reduce((sum, s) => sum + s.messages, 0)).toBe(1);
    expect(sandbox.acceptedPerSecond("+15009999999")).toEqual([]);
  });
});
