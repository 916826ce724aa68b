/**
 * Request bodies are capped per route in the HTTP server, before any handler
 * (node route, Express, Remix) reads a byte: Remix would otherwise read a whole
 * body into memory before the route could check a signature, so one unsigned
 * 100 MB POST cost the process 360 MB.
 *
 * A declared Content-Length over the cap is refused before the body is read; a
 * body that grows past it (chunked, or a Content-Length that lies) is refused
 * as soon as it does, and nothing more of it reaches the handler. Either way
 * the answer is 413 with `Connection: close`: the unread rest of the body would
 * otherwise be taken for the next request on a keep-alive connection, so the
 * connection ends after the answer (and a short, bounded drain) and the
 * client's next request opens a new one.
 *
 * A route may also answer without reading the body at all (a redirect to log
 * in, a 401, a 404). Node pulls such a body off the wire itself only when
 * nothing ever listened to it, and the cap's counter did, so the client's
 * upload would stall until the keep-alive timeout. So once the answer is
 * sent, the rest of an unread body is read and dropped (never held), for at
 * most the same short drain: a body that ends within it leaves the
 * connection usable; one that does not ends the connection.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { MAX_TWILIO_FORM_BYTES } from "../messaging/twilio-webhook.server";
import { MAX_IMPORT_BYTES } from "../subscribers/import/import-limits";

/**
 * Shopify's largest webhook payloads (an order with hundreds of lines) stay
 * under 1 MB; 5 MB leaves room for that to grow while keeping what one
 * unauthenticated request can make the server hold small.
 */
export const MAX_SHOPIFY_WEBHOOK_BYTES = 5 * 1024 * 1024;
/** The list import's upload (app.subscribers.import.tsx): the file and its form fields; the route says "too large" in words first. */
export const MAX_IMPORT_UPLOAD_BYTES = MAX_IMPORT_BYTES + 1024 * 1024;
/** Everything else: the admin's forms and the checkout consent API send a few KB. */
export const MAX_OTHER_BODY_BYTES = 64 * 1024;

/** The cap for a request's path: Twilio's form webhooks, Shopify's JSON webhooks, or anything else. */
export function bodyLimitFor(url: string | undefined): number {
  const path = pathOf(url ?? "/");
  if (path.startsWith("/webhooks/twilio/")) return MAX_TWILIO_FORM_BYTES;
  if (path.startsWith("/webhooks/")) return MAX_SHOPIFY_WEBHOOK_BYTES;
  if (path === "/app/subscribers/import") return MAX_IMPORT_UPLOAD_BYTES;
  return MAX_OTHER_BODY_BYTES;
}

/**
 * Holds `req`'s body to `maxBytes` for whichever handler reads it, without
 * reading it here. Returns false when the request was refused at once (its
 * declared length is over the cap): the caller must not handle it.
 */
export function limitRequestBody(req: IncomingMessage, res: ServerResponse, maxBytes: number): boolean {
  if (declaredLength(req) > maxBytes) {
    refuseTooLarge(req, res, maxBytes);
    return false;
  }
  let received = 0;
  const count = (chunk: Buffer) => {
    received += chunk.length;
    if (received > maxBytes) refuseTooLarge(req, res, maxBytes);
  };
  // Registered first, so it sees each chunk before the handler's own listener does.
  req.on("data", count);
  // Listening must not start the flow: the body moves when the handler reads it.
  req.pause();
  res.once("finish", () => {
    if (req.complete || wasRefusedAsTooLarge(req)) return;
    req.removeAllListeners("data"); // nobody reads this body any more: its bytes are dropped, not counted or kept
    dropRestOfBody(req, (ended) => {
      if (!ended) req.socket.destroy();
    });
  });
  return true;
}

/** Reads `req`'s whole body, at most `maxBytes` of it, for a handler that needs it in one piece (the node:http routes). */
export function readBody(req: IncomingMessage, res: ServerResponse, maxBytes: number): Promise<Buffer | null> {
  return new Promise((resolve) => {
    if (!limitRequestBody(req, res, maxBytes)) return resolve(null);
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.once("end", () => resolve(Buffer.concat(chunks)));
    // Refused (the connection is ended after the 413) or the client went away: there is no body to act on.
    req.once("error", () => resolve(null));
    req.once("close", () => resolve(null));
    req.resume();
  });
}

export function tooLargeMessage(maxBytes: number): string {
  return `Request body is larger than ${maxBytes} bytes`;
}

// Marks a refused request. A registry symbol rather than a WeakSet: server/app-server.ts and the built app
// (whose node:http routes read through this module too) each load their own copy of it.
const REFUSED = Symbol.for("sms-consent.body-refused-as-too-large");
type Markable = IncomingMessage & { [REFUSED]?: true };

/** True for a request answered 413 here: whatever its handler does next has nobody left to answer. */
export function wasRefusedAsTooLarge(req: IncomingMessage): boolean {
  return (req as Markable)[REFUSED] === true;
}

// After the 413, the rest of the body is read and dropped for a moment before the connection ends: closing a
// socket with unread data sends a reset, which can make the client lose the 413 it has not read yet.
const LINGER_MS = 1_000;
const LINGER_BYTES = 8 * 1024 * 1024;

function refuseTooLarge(req: IncomingMessage, res: ServerResponse, maxBytes: number): void {
  if (wasRefusedAsTooLarge(req)) return;
  (req as Markable)[REFUSED] = true;
  const message = tooLargeMessage(maxBytes);
  // The handler must never take a body that stops short for a whole one: it gets no more data, and its read
  // fails with this 413 (a Remix action rethrows it). A clean early end would hand it a truncated body.
  req.removeAllListeners("data");
  req.on("error", () => {}); // nothing else may turn this into an uncaught error
  req.emit("error", new Response(message, { status: 413 }));

  if (res.headersSent) return void req.destroy();
  const body = Buffer.from(message);
  res.writeHead(413, { "Content-Type": "text/plain; charset=utf-8", "Content-Length": body.length, Connection: "close" });
  res.write(body); // the whole answer, by its Content-Length; ending it would close the connection at once
  dropRestOfBody(req, () => {
    if (!res.writableEnded) res.end(); // Connection: close: Node ends the connection once this is sent
  });
}

/** Reads and drops the rest of `req`'s body for at most LINGER_MS and LINGER_BYTES; `done(true)` if it ended by then. */
function dropRestOfBody(req: IncomingMessage, done: (ended: boolean) => void): void {
  let dropped = 0;
  let settled = false;
  const finish = (ended: boolean) => {
    if (settled) return;
    settled = true;
    clearTimeout(timer);
    req.removeListener("data", drop);
    done(ended);
  };
  const drop = (chunk: Buffer) => {
    dropped += chunk.length;
    if (dropped > LINGER_BYTES) finish(false);
  };
  const timer = setTimeout(() => finish(false), LINGER_MS);
  req.on("data", drop);
  req.once("end", () => finish(true));
  req.once("close", () => finish(req.complete));
  req.resume();
}

function declaredLength(req: IncomingMessage): number {
  const header = req.headers["content-length"];
  return header === undefined ? 0 : Number(header);
}

function pathOf(url: string): string {
  try {
    return new URL(url, "http://server.invalid").pathname;
  } catch {
    return "/";
  }
}
