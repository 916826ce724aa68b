import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import twilio from "twilio";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { describeSendFailure, RedirectingRequestClient, sendSms } from "./twilio-client.server";
import { formEncoded, LeanRequestClient } from "./twilio-http-client.server";

describe("formEncoded", () => {
  it("writes fields as the SDK's qs does: arrays repeated, null empty, undefined left out, dates in ISO", () => {
    const encoded = formEncoded({
      To: "+15551234567",
      Body: "Acme: 20% off & free shipping — reply STOP",
      MediaUrl: ["https://a.example/1.png", "https://a.example/2.png"],
      From: null,
      StatusCallback: undefined,
      SendAt: new Date("2026-11-27T17:00:00Z"),
      SmartEncoded: true,
    });
    expect([...new URLSearchParams(encoded)]).toEqual([
      ["To", "+15551234567"],
      ["Body", "Acme: 20% off & free shipping — reply STOP"],
      ["MediaUrl", "https://a.example/1.png"],
      ["MediaUrl", "https://a.example/2.png"],
      ["From", ""],
      ["SendAt", "2026-11-27T17:00:00.000Z"],
      ["SmartEncoded", "true"],
    ]);
  });
});

interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage["headers"];
  body: string;
}

describe("LeanRequestClient", () => {
  let server: Server;
  let base: string;
  const seen: Seen[] = [];
  let answer: (req: IncomingMessage, res: ServerResponse) => void = (_req, res) => res.writeHead(200).end("{}");

  beforeAll(async () => {
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (chunk: Buffer) => chunks.push(chunk));
      req.on("end", () => {
        seen.push({ method: req.method ?? "", url: req.url ?? "", headers: req.headers, body: Buffer.concat(chunks).toString("utf8") });
        answer(req, res);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it("sends Basic auth, the form, the query string and the headers it is given, and answers any status without throwing", async () => {
    answer = (_req, res) => res.writeHead(400, { "Content-Type": "application/json" }).end('{"code":21211,"message":"bad To"}');
    const client = new LeanRequestClient();
    const response = await client.request({
      method: "post",
      uri: `${base}/2010-04-01/Accounts/AC1/Messages.json?x=1`,
      username: "AC1",
      password: "secret",
      headers: { "Content-Type": "application/x-www-form-urlencoded", "User-Agent": "twilio-node/test" },
      params: { PageSize: 2 },
      data: { To: "+15551234567", Body: "hi there" },
    });
    expect(response).toMatchObject({ statusCode: 400, body: '{"code":21211,"message":"bad To"}' });
    expect(response.headers["content-type"]).toBe("application/json");
    expect(client.lastResponse?.statusCode).toBe(400);
    const request = seen.at(-1)!;
    expect(request).toMatchObject({ method: "POST", url: "/2010-04-01/Accounts/AC1/Messages.json?x=1&PageSize=2", body: "To=%2B15551234567&Body=hi+there" });
    expect(request.headers).toMatchObject({
      authorization: `Basic ${Buffer.from("AC1:secret").toString("base64")}`,
      "content-type": "application/x-www-form-urlencoded",
      "content-length": String(request.body.length),
      "user-agent": "twilio-node/test",
      connection: "keep-alive",
    });
  });

  it("gives the SDK what it needs for its errors: a RestException with the status and Twilio's code", async () => {
    answer = (_req, res) => res.writeHead(429, { "Content-Type": "application/json" }).end('{"code":20429,"message":"Too Many Requests"}');
    const client = twilio(`AC${"a".repeat(32)}`, "token", { httpClient: new RedirectingRequestClient(base) });
    const result = await sendSms(client, { to: "+15551234567", from: "+15005550006", body: "x" });
    expect(result).toEqual({ ok: false, httpStatus: 429, errorCode: 20429, message: "Too Many Requests", retryable: true });
  });

  it("gives up after the timeout with a network error that may have reached Twilio (ETIMEDOUT)", async () => {
    answer = () => {}; // never answers
    const client = new LeanRequestClient({ timeout: 50 });
    const error = await client.request({ method: "get", uri: `${base}/slow` }).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: "ETIMEDOUT" });
    expect(describeSendFailure(error)).toMatchObject({ httpStatus: null, retryable: true, message: expect.stringContaining("(ETIMEDOUT)") });
  });

  it("rejects with Node's own error when nobody listens (ECONNREFUSED)", async () => {
    const gone = createServer();
    await new Promise<void>((resolve) => gone.listen(0, "127.0.0.1", resolve));
    const port = (gone.address() as AddressInfo).port;
    await new Promise<void>((resolve) => gone.close(() => resolve()));
    const error = await new LeanRequestClient().request({ method: "get", uri: `http://127.0.0.1:${port}/` }).catch((caught: unknown) => caught);
    expect(describeSendFailure(error)).toMatchObject({ httpStatus: null, retryable: true, message: expect.stringContaining("(ECONNREFUSED)") });
  });

  it("leaves a request that follows redirects to the SDK's own client", async () => {
    answer = (req, res) => (req.url === "/from" ? res.writeHead(302, { Location: `${base}/to` }).end() : res.writeHead(200).end('{"ok":true}'));
    const response = await new LeanRequestClient().request({ method: "get", uri: `${base}/from`, allowRedirects: true });
    expect(response.statusCode).toBe(200);
    expect(seen.slice(-2).map((request) => request.url)).toEqual(["/from", "/to"]);
  });
});

