import { createHash, randomBytes } from "node:crypto";
import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from "node:http";
import { request as httpsRequest } from "node:https";
import type { AddressInfo } from "node:net";
import twilio from "twilio";

import { countSegments } from "./segments";

/**
 * A local, Twilio-compatible Messages API (2010-04-01) for tests, dev and the
 * demo. Point the real SDK at it with
 * `createTwilioClient(creds, { apiBaseUrl: sandbox.url })`.
 *
 * Recipients (To) that behave specially:
 * | To                               | result                                       |
 * | -------------------------------- | -------------------------------------------- |
 * | +15005550001                     | 400 21211 invalid number                     |
 * | +15005550002                     | 400 21612 cannot route                       |
 * | +15005550003                     | 400 21408 region not enabled                 |
 * | +15005550004, optOut()/options   | 400 21610 unsubscribed recipient             |
 * | optOut()/options, sent through a | 201 accepted, then failed 21610 (a Messaging |
 * |   Messaging Service (no From)    | Service reports the block by callback)       |
 * | +15005550009                     | 400 21614 not a mobile number                |
 * | …0003 (not +1500555…)            | 201, then sent → undelivered 30003           |
 * | …0005 (not +1500555…)            | 201, then sent → undelivered 30005           |
 * | …0006 (not +1500555…)            | 201, then sent → undelivered 30006           |
 * | anything else in E.164           | 201, then sent → delivered                   |
 * Senders (From): +15005550001 → 21212, +15005550007 → 21606, +15005550008 → 21611.
 *
 * For the set-up checks (app/setup/test-text.server.ts) it also answers
 * GET Accounts/{Sid}.json (status, type), Accounts/{Sid}/IncomingPhoneNumbers.json
 * (?PhoneNumber=; the account's `phoneNumbers`, by default +15005550006) and the
 * Messaging API's GET /v1/Services/{Sid} (the account's `messagingServiceSids`).
 *
 * Accepted messages are in `messages`; refused attempts (after authentication)
 * are in `rejected`, so tests can assert that a send was tried.
 *
 * For dispatch tests and the benchmark: `responseDelayMs` answers every send
 * after a delay (Twilio's own latency), `failNextSends` / `failSendsTo` inject
 * 429s and 5xx for the next N sends or for one recipient, and
 * `acceptedPerSecond(sender)` counts the accepted sends (and their segments)
 * of one sender in each wall-clock second they arrived, so a test can assert
 * that a throughput limit held in every second.
 */

export interface SandboxAccount {
  accountSid: string;
  authToken: string;
  /** The account's own numbers (IncomingPhoneNumbers). Default: the Messaging Service number (+15005550006). */
  phoneNumbers?: string[];
  /** The account's Messaging Services (GET /v1/Services/{Sid}). Default: none. */
  messagingServiceSids?: string[];
  /** "Full" (default) or "Trial", as GET /Accounts/{Sid}.json reports it. */
  type?: "Full" | "Trial";
}

export interface SandboxOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  accounts: SandboxAccount[];
  /** Delay before each status step (queued → sent → final). Default 50 ms. */
  statusCallbackDelayMs?: number;
  optedOutNumbers?: Iterable<string>;
  /** The number a Messaging Service "picks" for sends without From. Default +15005550006. */
  messagingServiceFrom?: string;
  /** Where failed callbacks are reported. Default console.warn. */
  log?: (line: string) => void;
  /** How long each message create waits before it is answered (Twilio's latency). Default 0. */
  responseDelayMs?: number;
}

export interface SandboxMessage {
  sid: string;
  accountSid: string;
  to: string;
  from: string | null;
  messagingServiceSid: string | null;
  body: string;
  status: string;
  errorCode: number | null;
  statusCallback: string | null;
  createdAt: Date;
  updatedAt: Date;
  sentAt: Date | null;
  numSegments: number;
  /** When the create request arrived (before `responseDelayMs`): what per-second counts go by. */
  receivedAt: Date;
}

export interface SandboxRejection {
  accountSid: string;
  params: Record<string, string>;
  httpStatus: number;
  errorCode: number;
  message: string;
  at: Date;
}

export interface SandboxCallback {
  url: string;
  params: Record<string, string>;
  /** HTTP status of the last attempt; null when it never got an answer. */
  responseStatus: number | null;
  /** 2 when the first attempt failed (network error or 5xx) and was retried once. */
  attempts: number;
}

export interface SandboxRequest {
  method: string;
  path: string;
  userAgent: string | null;
  contentType: string | null;
  status: number;
}

export interface SandboxFault {
  httpStatus: number;
  errorCode: number;
  message?: string;
}

/** Accepted sends of one sender that arrived in one wall-clock second. */
export interface SandboxSecond {
  /** Epoch second (Math.floor(ms / 1000)). */
  second: number;
  messages: number;
  segments: number;
}

export interface TwilioSandbox {
  url: string;
  port: number;
  messages: SandboxMessage[];
  rejected: SandboxRejection[];
  callbacks: SandboxCallback[];
  /** Every API request served, in order (debugging aid; no bodies, no credentials). */
  requests: SandboxRequest[];
  optOut(number: string): void;
  optIn(number: string): void;
  /** Answer the next authenticated message create with this error (e.g. 429/20429, 503/20503). */
  failNextSend(fault: SandboxFault): void;
  /** Answer the next `count` authenticated message creates with this error. */
  failNextSends(count: number, fault: SandboxFault): void;
  /** Answer sends to this recipient with this error, `times` times (default: until `clearFaults`). */
  failSendsTo(to: string, fault: SandboxFault, times?: number): void;
  /** Forgets every injected fault. */
  clearFaults(): void;
  /** Changes `responseDelayMs` from now on. */
  setResponseDelay(ms: number): void;
  /** The sender's (From, or MessagingServiceSid) accepted sends per second of arrival, oldest first. */
  acceptedPerSecond(sender: string): SandboxSecond[];
  waitForCallbacks(count: number, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

const API_VERSION = "2010-04-01";
const MAX_BODY_BYTES = 64 * 1024;
const CALLBACK_TIMEOUT_MS = 15_000; // what Twilio waits for a webhook
const CALLBACK_RETRY_DELAY_MS = 250;
const E164 = /^\+[1-9]\d{6,14}$/;
const ALPHANUMERIC_SENDER = /^(?=.*[A-Za-z])[A-Za-z0-9 ]{1,11}$/;
const MESSAGING_SERVICE_SID = /^MG[0-9a-f]{32}$/;

const REJECTED_RECIPIENTS: Record<string, [number, string]> = {
  "+15005550001": [21211, "The 'To' number +15005550001 is not a valid phone number."],
  "+15005550002": [21612, "The 'To' phone number is not currently reachable via SMS."],
  "+15005550003": [21408, "Permission to send an SMS has not been enabled for the region indicated by the 'To' number: +15005550003."],
  "+15005550004": [21610, "Attempt to send to unsubscribed recipient"],
  "+15005550009": [21614, "'To' number is not a valid mobile number"],
};
const REJECTED_SENDERS: Record<string, [number, string]> = {
  "+15005550001": [21212, "The 'From' number +15005550001 is not a valid phone number, shortcode, or alphanumeric sender ID."],
  "+15005550007": [21606, "The 'From' phone number provided is not a valid message-capable Twilio phone number for this destination."],
  "+15005550008": [21611, "This 'From' number has exceeded the maximum number of queued messages"],
};
const UNDELIVERED_SUFFIXES: Record<string, [number, string]> = {
  "0003": [30003, "Unreachable destination handset"],
  "0005": [30005, "Unknown destination handset"],
  "0006": [30006, "Landline or unreachable carrier"],
};

class TwilioApiError extends Error {
  constructor(
    readonly httpStatus: number,
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

export async function startTwilioSandbox(options: SandboxOptions): Promise<TwilioSandbox> {
  const host = options.host ?? "127.0.0.1";
  const stepDelayMs = options.statusCallbackDelayMs ?? 50;
  const serviceFrom = options.messagingServiceFrom ?? "+15005550006";
  const log = options.log ?? ((line: string) => console.warn(line));
  const accounts = new Map(options.accounts.map((a) => [a.accountSid, a.authToken]));
  const accountDetails = new Map(options.accounts.map((a) => [a.accountSid, a]));
  const optedOut = new Set(options.optedOutNumbers ?? []);
  const faults: SandboxFault[] = [];
  const recipientFaults = new Map<string, { fault: SandboxFault; remaining: number }>();
  let responseDelayMs = options.responseDelayMs ?? 0;

  const messages: SandboxMessage[] = [];
  const rejected: SandboxRejection[] = [];
  const callbacks: SandboxCallback[] = [];
  const requests: SandboxRequest[] = [];
  const waiters = new Set<{ count: number; resolve: () => void; reject: (e: Error) => void }>();

  // Everything asynchronous hangs off this: close() aborts timers and in-flight callbacks.
  const lifecycle = new AbortController();
  const timers = new Map<NodeJS.Timeout, (completed: boolean) => void>();
  const running = new Set<Promise<void>>();

  function sleep(ms: number): Promise<boolean> {
    return new Promise((resolve) => {
      if (lifecycle.signal.aborted) return resolve(false);
      const timer = setTimeout(() => {
        timers.delete(timer);
        resolve(true);
      }, ms);
      timers.set(timer, resolve);
    });
  }

  function recordCallback(entry: SandboxCallback) {
    callbacks.push(entry);
    for (const waiter of waiters) {
      if (callbacks.length >= waiter.count) waiter.resolve();
    }
  }

  // ---- HTTP API --------------------------------------------------------------

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!(error instanceof TwilioApiError)) log(`[twilio-sandbox] ${req.method} ${req.url} failed: ${String(error)}`);
      if (res.headersSent) return;
      res.setHeader("Connection", "close"); // the request body may not have been read
      sendError(res, error instanceof TwilioApiError ? error : new TwilioApiError(500, 20500, "Internal Server Error"));
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const path = (req.url ?? "/").split("?")[0] ?? "/";
    res.on("finish", () =>
      requests.push({
        method: req.method ?? "",
        path,
        userAgent: req.headers["user-agent"] ?? null,
        contentType: req.headers["content-type"] ?? null,
        status: res.statusCode,
      }),
    );

    // Set-up checks (app/setup/test-text.server.ts): the account, its numbers, a Messaging Service.
    const lookedUp = await lookUpAccountResource(req, path);
    if (lookedUp) return sendJson(res, 200, lookedUp);

    const list = /^\/2010-04-01\/Accounts\/([^/]+)\/Messages\.json$/.exec(path);
    const single = /^\/2010-04-01\/Accounts\/([^/]+)\/Messages\/([^/]+)\.json$/.exec(path);
    const accountSid = decodeURIComponent((list ?? single)?.[1] ?? "");
    if (!accountSid) {
      req.resume();
      return sendError(res, new TwilioApiError(404, 20404, `The requested resource ${path} was not found`));
    }
    if (!isAuthorized(req, accountSid)) {
      req.resume();
      res.setHeader("WWW-Authenticate", 'Basic realm="Twilio API"');
      return sendError(res, new TwilioApiError(401, 20003, "Authenticate"));
    }

    if (list && req.method === "POST") {
      const receivedAt = new Date();
      const params = await readForm(req);
      if (responseDelayMs > 0) await sleep(responseDelayMs);
      try {
        const message = createMessage(accountSid, params, receivedAt);
        return sendJson(res, 201, toResource(message));
      } catch (error) {
        if (!(error instanceof TwilioApiError)) throw error;
        rejected.push({
          accountSid,
          params,
          httpStatus: error.httpStatus,
          errorCode: error.code,
          message: error.message,
          at: new Date(),
        });
        return sendError(res, error);
      }
    }

    req.resume();
    if (single && req.method === "GET") {
      const sid = decodeURIComponent(single[2] ?? "");
      const message = messages.find((m) => m.sid === sid && m.accountSid === accountSid);
      if (message) return sendJson(res, 200, toResource(message));
      return sendError(res, new TwilioApiError(404, 20404, `The requested resource ${path} was not found`));
    }
    return sendError(res, new TwilioApiError(405, 20004, "Method not allowed"));
  }

  /** GET Accounts/{Sid}.json, Accounts/{Sid}/IncomingPhoneNumbers.json?PhoneNumber=, v1/Services/{Sid}; null for other paths. */
  async function lookUpAccountResource(req: IncomingMessage, path: string): Promise<unknown> {
    const account = /^\/2010-04-01\/Accounts\/([^/]+)\.json$/.exec(path);
    const numbers = /^\/2010-04-01\/Accounts\/([^/]+)\/IncomingPhoneNumbers\.json$/.exec(path);
    const service = /^\/v1\/Services\/([^/]+)$/.exec(path);
    if (!account && !numbers && !service) return null;
    req.resume();
    const header = req.headers.authorization ?? "";
    const username = Buffer.from(header.replace(/^Basic /, ""), "base64").toString("utf8").split(":")[0] ?? "";
    const accountSid = account || numbers ? decodeURIComponent((account ?? numbers)![1]!) : username;
    if (!isAuthorized(req, accountSid)) throw new TwilioApiError(401, 20003, "Authenticate");
    const details = accountDetails.get(accountSid)!;
    if (account) {
      return { sid: accountSid, friendly_name: `Sandbox ${accountSid.slice(-4)}`, status: "active", type: details.type ?? "Full", date_created: rfc2822(new Date(0)), date_updated: rfc2822(new Date(0)), uri: `${path}` };
    }
    if (numbers) {
      const wanted = new URL(req.url ?? "/", "http://sandbox").searchParams.get("PhoneNumber");
      const owned = (details.phoneNumbers ?? [serviceFrom]).filter((number) => !wanted || number === wanted);
      return {
        incoming_phone_numbers: owned.map((number) => ({
          sid: `PN${createHash("sha256").update(number).digest("hex").slice(0, 32)}`,
          account_sid: accountSid,
          phone_number: number,
          friendly_name: number,
          capabilities: { sms: true, mms: true, voice: true, fax: false },
          sms_url: "",
          status: "in-use",
        })),
        first_page_uri: path, next_page_uri: null, previous_page_uri: null, page: 0, page_size: 50, start: 0, end: owned.length, uri: path,
      };
    }
    const sid = decodeURIComponent(service![1]!);
    if (!(details.messagingServiceSids ?? []).includes(sid)) throw new TwilioApiError(404, 20404, `The requested resource /Services/${sid} was not found`);
    return { sid, account_sid: accountSid, friendly_name: `Sandbox service ${sid.slice(-4)}`, inbound_request_url: null, use_inbound_webhook_on_number: true, usecase: "marketing", us_app_to_person_registered: true, url: `https://messaging.twilio.com/v1/Services/${sid}` };
  }

  function isAuthorized(req: IncomingMessage, accountSid: string): boolean {
    const header = req.headers.authorization ?? "";
    if (!header.startsWith("Basic ")) return false;
    const decoded = Buffer.from(header.slice(6), "base64").toString("utf8");
    const colon = decoded.indexOf(":");
    if (colon < 0) return false;
    const username = decoded.slice(0, colon);
    const password = decoded.slice(colon + 1);
    return username === accountSid && accounts.get(username) === password;
  }

  function createMessage(accountSid: string, params: Record<string, string>, receivedAt: Date): SandboxMessage {
    const to = params.To?.trim() ?? "";
    const forRecipient = recipientFaults.get(to);
    if (forRecipient && forRecipient.remaining <= 0) recipientFaults.delete(to);
    const fault = faults.shift() ?? (forRecipient && forRecipient.remaining > 0 ? forRecipient.fault : undefined);
    if (fault && forRecipient?.fault === fault) forRecipient.remaining -= 1;
    if (fault) {
      throw new TwilioApiError(fault.httpStatus, fault.errorCode, fault.message ?? `Simulated error ${fault.errorCode}`);
    }
    const from = params.From?.trim() || null;
    const messagingServiceSid = params.MessagingServiceSid?.trim() || null;
    const body = params.Body ?? "";
    const statusCallback = params.StatusCallback?.trim() || null;

    if (!to) throw new TwilioApiError(400, 21604, "A 'To' phone number is required.");
    if (!from && !messagingServiceSid) {
      throw new TwilioApiError(400, 21603, "A 'From' or 'MessagingServiceSid' parameter is required to send a message.");
    }
    if (!body) throw new TwilioApiError(400, 21602, "Message body is required.");
    if (body.length > 1600) {
      throw new TwilioApiError(400, 21617, "The concatenated message body exceeds the 1600 character limit.");
    }
    if (!E164.test(to)) throw new TwilioApiError(400, 21211, `The 'To' number ${to} is not a valid phone number.`);
    if (from && !E164.test(from) && !ALPHANUMERIC_SENDER.test(from)) {
      throw new TwilioApiError(400, 21212, `The 'From' number ${from} is not a valid phone number, shortcode, or alphanumeric sender ID.`);
    }
    if (messagingServiceSid && !MESSAGING_SERVICE_SID.test(messagingServiceSid)) {
      throw new TwilioApiError(400, 21701, `The Messaging Service Sid ${messagingServiceSid} is invalid.`);
    }
    if (statusCallback && !/^https?:\/\/[^/?#]+/i.test(statusCallback)) {
      throw new TwilioApiError(400, 21609, "The StatusCallback URL is not a valid URL.");
    }
    const senderError = from ? REJECTED_SENDERS[from] : undefined;
    if (senderError) throw new TwilioApiError(400, ...senderError);
    if (from && from === to) throw new TwilioApiError(400, 21266, "'To' and 'From' numbers cannot be the same");
    const recipientError = REJECTED_RECIPIENTS[to];
    if (recipientError) throw new TwilioApiError(400, ...recipientError);
    // A Messaging Service accepts first and reports the block by callback; a plain sender refuses at once.
    const blocked = optedOut.has(to);
    if (blocked && !messagingServiceSid) throw new TwilioApiError(400, 21610, "Attempt to send to unsubscribed recipient");

    const now = new Date();
    const message: SandboxMessage = {
      sid: `SM${randomBytes(16).toString("hex")}`,
      accountSid,
      to,
      from,
      messagingServiceSid,
      body,
      // A Messaging Service picks the sender later: such messages start "accepted".
      status: from ? "queued" : "accepted",
      errorCode: null,
      statusCallback,
      createdAt: now,
      updatedAt: now,
      sentAt: null,
      // The app's one segment counter, so what the sandbox bills is what the outbox recorded.
      numSegments: countSegments(body).segments,
      receivedAt,
    };
    messages.push(message);
    const progress = (blocked ? failBlocked(message) : deliver(message))
      .catch((error: unknown) => log(`[twilio-sandbox] delivering ${message.sid} failed: ${String(error)}`))
      .finally(() => running.delete(progress));
    running.add(progress);
    return message;
  }

  // ---- delivery lifecycle and status callbacks ------------------------------

  async function deliver(message: SandboxMessage) {
    if (!(await sleep(stepDelayMs))) return;
    message.from ??= serviceFrom;
    message.status = "sent";
    message.sentAt = message.updatedAt = new Date();
    await notify(message);

    if (!(await sleep(stepDelayMs))) return;
    const failure = message.to.startsWith("+1500555") ? undefined : UNDELIVERED_SUFFIXES[message.to.slice(-4)];
    message.status = failure ? "undelivered" : "delivered";
    message.errorCode = failure?.[0] ?? null;
    message.updatedAt = new Date();
    await notify(message);
  }

  async function failBlocked(message: SandboxMessage) {
    if (!(await sleep(stepDelayMs))) return;
    message.status = "failed";
    message.errorCode = 21610;
    message.updatedAt = new Date();
    await notify(message);
  }

  async function notify(message: SandboxMessage) {
    const url = message.statusCallback;
    const authToken = accounts.get(message.accountSid);
    if (!url || authToken === undefined) return;

    const params: Record<string, string> = {
      AccountSid: message.accountSid,
      ApiVersion: API_VERSION,
      From: message.from ?? serviceFrom,
      MessageSid: message.sid,
      MessageStatus: message.status,
      SmsSid: message.sid,
      SmsStatus: message.status,
      To: message.to,
    };
    if (message.messagingServiceSid) params.MessagingServiceSid = message.messagingServiceSid;
    if (message.errorCode !== null) params.ErrorCode = String(message.errorCode);
    if (message.status === "delivered" || message.status === "undelivered") {
      params.RawDlrDoneDate = rawDlrDate(message.updatedAt);
    }
    const signature = twilio.getExpectedTwilioSignature(authToken, url, params);

    let attempts = 0;
    let responseStatus: number | null = null;
    while (attempts < 2) {
      attempts += 1;
      try {
        responseStatus = await postForm(url, params, signature);
        if (responseStatus < 500) break;
        log(`[twilio-sandbox] status callback ${url} answered ${responseStatus} (attempt ${attempts})`);
      } catch (error) {
        if (lifecycle.signal.aborted) return;
        responseStatus = null;
        log(`[twilio-sandbox] status callback ${url} failed (attempt ${attempts}): ${String(error)}`);
      }
      if (attempts < 2 && !(await sleep(CALLBACK_RETRY_DELAY_MS))) return;
    }
    recordCallback({ url, params, responseStatus, attempts });
  }

  function postForm(url: string, params: Record<string, string>, signature: string): Promise<number> {
    const payload = new URLSearchParams(params).toString();
    const send = url.startsWith("https:") ? httpsRequest : httpRequest;
    return new Promise((resolve, reject) => {
      const req = send(
        url,
        {
          method: "POST",
          agent: false, // no pooled keep-alive sockets to outlive close()
          signal: lifecycle.signal,
          timeout: CALLBACK_TIMEOUT_MS,
          headers: {
            "Content-Type": "application/x-www-form-urlencoded; charset=utf-8",
            "Content-Length": Buffer.byteLength(payload),
            "User-Agent": "TwilioProxy/1.1",
            "X-Twilio-Signature": signature,
            "I-Twilio-Idempotency-Token": randomBytes(16).toString("hex"),
            Connection: "close",
          },
        },
        (res) => {
          res.resume();
          res.on("end", () => resolve(res.statusCode ?? 0));
          res.on("error", reject);
        },
      );
      req.on("timeout", () => req.destroy(new Error(`timed out after ${CALLBACK_TIMEOUT_MS} ms`)));
      req.on("error", reject);
      req.end(payload);
    });
  }

  // ---- start / stop -----------------------------------------------------------

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://${host.includes(":") ? `[${host}]` : host}:${port}`;

  return {
    url,
    port,
    messages,
    rejected,
    callbacks,
    requests,
    optOut: (number) => void optedOut.add(number),
    optIn: (number) => void optedOut.delete(number),
    failNextSend: (fault) => void faults.push(fault),
    failNextSends(count, fault) {
      for (let i = 0; i < count; i += 1) faults.push(fault);
    },
    failSendsTo: (to, fault, times = Number.POSITIVE_INFINITY) => void recipientFaults.set(to, { fault, remaining: times }),
    clearFaults() {
      faults.length = 0;
      recipientFaults.clear();
    },
    setResponseDelay: (ms) => void (responseDelayMs = ms),
    acceptedPerSecond(sender) {
      const seconds = new Map<number, SandboxSecond>();
      for (const message of messages) {
        if ((message.messagingServiceSid ?? message.from) !== sender) continue;
        const second = Math.floor(message.receivedAt.getTime() / 1000);
        const entry = seconds.get(second) ?? { second, messages: 0, segments: 0 };
        entry.messages += 1;
        entry.segments += message.numSegments;
        seconds.set(second, entry);
      }
      return [...seconds.values()].sort((a, b) => a.second - b.second);
    },
    waitForCallbacks(count, timeoutMs = 5_000) {
      if (callbacks.length >= count) return Promise.resolve();
      return new Promise<void>((resolve, reject) => {
        const waiter = {
          count,
          resolve: () => settle(resolve),
          reject: (error: Error) => settle(() => reject(error)),
        };
        const timer = setTimeout(
          () =>
            waiter.reject(
              new Error(`Expected ${count} status callbacks within ${timeoutMs} ms, got ${callbacks.length}`),
            ),
          timeoutMs,
        );
        function settle(done: () => void) {
          clearTimeout(timer);
          waiters.delete(waiter);
          done();
        }
        waiters.add(waiter);
      });
    },
    async close() {
      if (lifecycle.signal.aborted) return;
      lifecycle.abort();
      for (const [timer, resolve] of timers) {
        clearTimeout(timer);
        resolve(false);
      }
      timers.clear();
      for (const waiter of waiters) waiter.reject(new Error("Twilio sandbox closed"));
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await Promise.all([closed, ...running]);
    },
  };
}

// ---- representation helpers ---------------------------------------------------

function toResource(message: SandboxMessage) {
  const uri = `/${API_VERSION}/Accounts/${message.accountSid}/Messages/${message.sid}.json`;
  const final = message.status === "delivered" || message.status === "undelivered";
  return {
    account_sid: message.accountSid,
    api_version: API_VERSION,
    body: message.body,
    date_created: rfc2822(message.createdAt),
    date_sent: message.sentAt ? rfc2822(message.sentAt) : null,
    date_updated: rfc2822(message.updatedAt),
    direction: "outbound-api",
    error_code: message.errorCode,
    error_message: message.errorCode === null ? null : errorMessageFor(message.errorCode),
    from: message.from,
    messaging_service_sid: message.messagingServiceSid,
    num_media: "0",
    // Twilio reports 0 segments until a Messaging Service has picked a sender.
    num_segments: String(message.status === "accepted" ? 0 : message.numSegments),
    price: final ? (-0.0079 * message.numSegments).toFixed(5) : null,
    price_unit: "USD",
    sid: message.sid,
    status: message.status,
    subresource_uris: {
      media: `/${API_VERSION}/Accounts/${message.accountSid}/Messages/${message.sid}/Media.json`,
      feedback: `/${API_VERSION}/Accounts/${message.accountSid}/Messages/${message.sid}/Feedback.json`,
    },
    to: message.to,
    uri,
  };
}

function errorMessageFor(code: number): string | null {
  if (code === 21610) return REJECTED_RECIPIENTS["+15005550004"]![1];
  return Object.values(UNDELIVERED_SUFFIXES).find(([c]) => c === code)?.[1] ?? null;
}

function sendJson(res: ServerResponse, status: number, body: unknown) {
  const payload = JSON.stringify(body);
  res.writeHead(status, {
    "Content-Type": "application/json; charset=utf-8",
    "Content-Length": Buffer.byteLength(payload),
    "Twilio-Request-Id": `RQ${randomBytes(16).toString("hex")}`,
  });
  res.end(payload);
}

function sendError(res: ServerResponse, error: TwilioApiError) {
  sendJson(res, error.httpStatus, {
    code: error.code,
    message: error.message,
    more_info: `https://www.twilio.com/docs/errors/${error.code}`,
    status: error.httpStatus,
  });
}

async function readForm(req: IncomingMessage): Promise<Record<string, string>> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new TwilioApiError(413, 20413, "Request body too large");
    chunks.push(chunk);
  }
  const type = req.headers["content-type"] ?? "";
  if (!type.startsWith("application/x-www-form-urlencoded")) return {}; // Twilio ignores JSON bodies too
  return Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString("utf8")));
}

/** "Thu, 24 Aug 2023 05:01:45 +0000", the format the SDK's deserializer expects. */
function rfc2822(date: Date): string {
  return date.toUTCString().replace(/GMT$/, "+0000");
}

/** YYMMDDhhmm in UTC, as carriers report it in RawDlrDoneDate. */
function rawDlrDate(date: Date): string {
  return date.toISOString().replace(/\D/g, "").slice(2, 12);
}
