import twilio from "twilio";
import type RequestClient from "twilio/lib/base/RequestClient";
import { LeanRequestClient } from "./twilio-http-client.server";

/**
 * The Twilio gateway: one way to build an SDK client, and one narrow `sendSms`
 * that turns every SDK outcome into a plain result the outbox can store.
 *
 * Local development, tests and the demo point the *real* SDK at a
 * Twilio-compatible server (`twilio-sandbox.server.ts`) by rewriting request
 * URIs at the HTTP client, so Basic auth, form encoding, the User-Agent and
 * response parsing are all the SDK's own. Its HTTP client is LeanRequestClient
 * (twilio-http-client.server.ts): node:http instead of axios, same contract.
 */

export interface TwilioCredentials {
  accountSid: string;
  authToken: string;
}

export interface CreateTwilioClientOptions {
  /** e.g. "http://127.0.0.1:4010"; the app passes `process.env.TWILIO_API_BASE_URL`. */
  apiBaseUrl?: string | null;
}

// `https://` + any host under twilio.com (api., messaging., api.sydney.au1. …) + optional port.
// Anchored on a path/query/fragment boundary so "api.twilio.com.evil.example" never matches.
const TWILIO_ORIGIN = /^https:\/\/(?:[a-z0-9-]+\.)*twilio\.com(?::\d+)?(?=[/?#]|$)/i;

/** Rewrite `https://<anything>.twilio.com/...` to `apiBaseUrl/...`, keeping path and query byte for byte. */
export function rewriteTwilioUri(uri: string, apiBaseUrl: string): string {
  const origin = TWILIO_ORIGIN.exec(uri);
  if (!origin) return uri;
  return apiBaseUrl.replace(/\/+$/, "") + uri.slice(origin[0].length);
}

/** The SDK's HTTP client, with every Twilio URI redirected to `apiBaseUrl`. */
export class RedirectingRequestClient extends LeanRequestClient {
  readonly apiBaseUrl: string;

  constructor(apiBaseUrl: string, options?: RequestClient.RequestClientOptions) {
    super(options);
    this.apiBaseUrl = apiBaseUrl;
  }

  override request<TData>(opts: RequestClient.RequestOptions<TData>) {
    return super.request<TData>({ ...opts, uri: rewriteTwilioUri(opts.uri, this.apiBaseUrl) });
  }
}

export function createTwilioClient(
  creds: TwilioCredentials,
  options: CreateTwilioClientOptions = {},
): twilio.Twilio {
  const apiBaseUrl = options.apiBaseUrl?.trim();
  // A campaign sends thousands of texts: reuse connections to Twilio rather than a TLS handshake per text.
  if (!apiBaseUrl) return twilio(creds.accountSid, creds.authToken, { httpClient: new LeanRequestClient({ keepAlive: true }) });

  const { protocol } = new URL(apiBaseUrl); // throws on a malformed TWILIO_API_BASE_URL: fail at boot, not per send
  if (protocol !== "http:" && protocol !== "https:") {
    throw new Error(`TWILIO_API_BASE_URL must be an http(s) URL, got ${apiBaseUrl}`);
  }
  return twilio(creds.accountSid, creds.authToken, {
    httpClient: new RedirectingRequestClient(apiBaseUrl, { keepAlive: true }),
  });
}

/** The SDK loads each API's modules when first used: load the Messages API's now (no request is made). */
export function loadTwilioMessagesApi(): void {
  void twilio(`AC${"0".repeat(32)}`, "not-a-token").messages;
}

export interface SendSmsInput {
  to: string;
  body: string;
  from?: string | null;
  messagingServiceSid?: string | null;
  statusCallback?: string | null;
}

export type SendSmsFailure = {
  ok: false;
  errorCode: number | null;
  httpStatus: number | null;
  message: string;
  retryable: boolean;
};

export type SendSmsResult = { ok: true; sid: string; status: string } | SendSmsFailure;

export async function sendSms(client: twilio.Twilio, input: SendSmsInput): Promise<SendSmsResult> {
  try {
    const message = await client.messages.create({
      to: input.to,
      body: input.body,
      // The SDK sends any key that is not `undefined`; a null would go out as an empty `From=`.
      ...(input.from ? { from: input.from } : {}),
      ...(input.messagingServiceSid ? { messagingServiceSid: input.messagingServiceSid } : {}),
      ...(input.statusCallback ? { statusCallback: input.statusCallback } : {}),
    });
    return { ok: true, sid: message.sid, status: message.status };
  } catch (error) {
    return describeSendFailure(error);
  }
}

/**
 * Whether a failed send may be tried again later. Codes first, then HTTP status.
 *
 * | code / status                  | meaning                                   | retry |
 * | ------------------------------ | ----------------------------------------- | ----- |
 * | HTTP 429, 20429                | rate limited, never processed             | yes   |
 * | HTTP 5xx (20500, 20503…)       | Twilio-side failure                       | yes   |
 * | no HTTP response               | network error / timeout (see note)        | yes   |
 * | 21611                          | sender's queue full (10 h of segments)    | yes   |
 * | 20003                          | bad credentials: configuration, not luck  | no    |
 * | 21610                          | recipient opted out at Twilio (STOP)      | no    |
 * | 21211, 21614, 21612            | invalid / not mobile / unroutable number  | no    |
 * | 21408                          | region not enabled on the account         | no    |
 * | 21602/21603/21604/21606/21212… | malformed request or sender               | no    |
 * | 30xxx                          | delivery errors (usually via callbacks)   | no    |
 * | any other 4xx                  | request problem                           | no    |
 *
 * Note: a timeout or reset after the request was written may mean Twilio *did*
 * accept the message; a retry can then send it twice. The outbox should keep
 * such retries few and late.
 */
const RETRYABLE_CODES = new Set([20429, 21611]);

export function isRetryableTwilioError(httpStatus: number | null, errorCode: number | null): boolean {
  if (errorCode !== null) {
    if (RETRYABLE_CODES.has(errorCode)) return true;
    if (errorCode >= 30000 && errorCode < 40000) return false;
    if (errorCode >= 21000 && errorCode < 22000) return false;
  }
  if (httpStatus === null) return true; // never got an HTTP answer
  return httpStatus === 429 || httpStatus >= 500;
}

export function describeSendFailure(error: unknown): SendSmsFailure {
  const fields = (typeof error === "object" && error !== null ? error : {}) as Record<string, unknown>;
  const message = error instanceof Error ? error.message : String(error);

  // RestException (and the SDK's newer TwilioServiceException) carry the HTTP status and Twilio code.
  if (typeof fields.status === "number") {
    const httpStatus = fields.status;
    const errorCode = typeof fields.code === "number" ? fields.code : null;
    return { ok: false, httpStatus, errorCode, message, retryable: isRetryableTwilioError(httpStatus, errorCode) };
  }

  // No response at all: axios errors (ECONNREFUSED, ECONNRESET, ETIMEDOUT, ECONNABORTED…).
  const networkCode = typeof fields.code === "string" ? fields.code : null;
  if (fields.isAxiosError === true || (networkCode !== null && /^E[A-Z_]+$/.test(networkCode))) {
    return {
      ok: false,
      httpStatus: null,
      errorCode: null,
      message: `Network error calling Twilio${networkCode ? ` (${networkCode})` : ""}: ${message}`,
      retryable: true,
    };
  }

  // Anything else is a programming or configuration error (e.g. "accountSid must start with AC").
  return { ok: false, httpStatus: null, errorCode: null, message, retryable: false };
}
