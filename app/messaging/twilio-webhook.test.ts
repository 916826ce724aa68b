import twilio from "twilio";
import { describe, expect, it } from "vitest";
import { MAX_TWILIO_FORM_BYTES, parseTwilioForm, publicUrlOf, requireValidTwilioSignature } from "./twilio-webhook.server";

const TOKEN = "test-twilio-auth-token";
const FORM = "application/x-www-form-urlencoded";

const post = (url: string, body: BodyInit, headers: Record<string, string> = { "Content-Type": FORM }) =>
  new Request(url, { method: "POST", headers, body, ...(body instanceof ReadableStream ? { duplex: "half" } : {}) } as RequestInit);

async function refusal(promise: Promise<unknown> | (() => unknown)) {
  try {
    await (typeof promise === "function" ? promise() : promise);
  } catch (thrown) {
    if (thrown instanceof Response) return [thrown.status, await thrown.text()];
    throw thrown;
  }
  throw new Error("expected a refusal");
}

describe("publicUrlOf", () => {
  it("puts the request's path and query, untouched, on the configured public URL", () => {
    const request = new Request("http://10.0.0.7:3000/webhooks/twilio/sms?shop=a%20b&rc=5");
    expect(publicUrlOf(request)).toBe("https://sms-consent.test/webhooks/twilio/sms?shop=a%20b&rc=5");
    expect(publicUrlOf(request, "https://abc.trycloudflare.com/")).toBe("https://abc.trycloudflare.com/webhooks/twilio/sms?shop=a%20b&rc=5");
    expect(publicUrlOf(new Request("http://localhost/webhooks/twilio/status"))).toBe("https://sms-consent.test/webhooks/twilio/status");
  });
});

describe("parseTwilioForm", () => {
  it("decodes every parameter, whatever the charset parameter says", async () => {
    const body = new URLSearchParams({ Body: "Stop, s'il vous plaît ✋", From: "+15551234567", NumMedia: "0" }).toString();
    const params = await parseTwilioForm(post("https://x.test/", body, { "Content-Type": `${FORM}; charset=UTF-8` }));
    expect(params).toEqual({ Body: "Stop, s'il vous plaît ✋", From: "+15551234567", NumMedia: "0" });
  });

  it("refuses other content types, repeated names, bad UTF-8 and oversized bodies", async () => {
    expect(await refusal(parseTwilioForm(post("https://x.test/", "{}", { "Content-Type": "application/json" })))).toEqual([
      400,
      "Expected Content-Type application/x-www-form-urlencoded, got application/json",
    ]);
    expect(await refusal(parseTwilioForm(post("https://x.test/", "{}", {})))).toEqual([400, "Expected Content-Type application/x-www-form-urlencoded, got text/plain"]);
    expect(await refusal(parseTwilioForm(post("https://x.test/", "A=1&A=2")))).toEqual([400, "Parameter A appears more than once"]);
    expect(await refusal(parseTwilioForm(post("https://x.test/", new Uint8Array([0x41, 0x3d, 0xff]))))).toEqual([400, "Request body is not valid UTF-8"]);

    const tooLarge = [413, `Request body is larger than ${MAX_TWILIO_FORM_BYTES} bytes`];
    expect(await refusal(parseTwilioForm(post("https://x.test/", `Body=${"x".repeat(MAX_TWILIO_FORM_BYTES)}`)))).toEqual(tooLarge);
    // Chunked, with no Content-Length to go by: counted while reading.
    const chunk = new TextEncoder().encode("x".repeat(16 * 1024));
    let sent = 0;
    const endless = new ReadableStream<Uint8Array>({
      pull(controller) {
        sent += 1;
        controller.enqueue(chunk);
      },
    });
    expect(await refusal(parseTwilioForm(post("https://x.test/", endless)))).toEqual(tooLarge);
    expect(sent).toBeLessThan(10);
  });

  it("accepts a body of exactly the limit", async () => {
    const body = `Body=${"x".repeat(MAX_TWILIO_FORM_BYTES - 5)}`;
    expect((await parseTwilioForm(post("https://x.test/", body))).Body).toHaveLength(MAX_TWILIO_FORM_BYTES - 5);
  });
});

describe("requireValidTwilioSignature", () => {
  const params = { MessageSid: `SM${"b".repeat(32)}`, Body: "STOP", From: "+15551234567" };
  const publicUrl = "https://sms-consent.test/webhooks/twilio/sms?x=1";
  const request = (signature: string | null) =>
    new Request("http://127.0.0.1:3000/webhooks/twilio/sms?x=1", { method: "POST", headers: signature ? { "X-Twilio-Signature": signature } : {} });

  it("accepts Twilio's signature over the public URL and all parameters", () => {
    expect(() => requireValidTwilioSignature(request(twilio.getExpectedTwilioSignature(TOKEN, publicUrl, params)), params, TOKEN)).not.toThrow();
  });

  it("refuses with 403 a missing, wrong or unverifiable signature", async () => {
    const good = twilio.getExpectedTwilioSignature(TOKEN, publicUrl, params);
    expect(await refusal(() => requireValidTwilioSignature(request(null), params, TOKEN))).toEqual([403, "Missing X-Twilio-Signature"]);
    expect(await refusal(() => requireValidTwilioSignature(request(good), { ...params, Body: "START" }, TOKEN))).toEqual([403, "Invalid X-Twilio-Signature"]);
    expect(await refusal(() => requireValidTwilioSignature(request(good), params, "another-token"))).toEqual([403, "Invalid X-Twilio-Signature"]);
    expect((await refusal(() => requireValidTwilioSignature(request(good), params, null)))[0]).toBe(403);
  });
});
