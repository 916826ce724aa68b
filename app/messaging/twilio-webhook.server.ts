/**
 * What every Twilio webhook route needs before it may trust a request: the
 * form body, read with a size limit, and a valid `X-Twilio-Signature`.
 *
 * Twilio signs the exact URL it called plus every POST parameter, keyed by the
 * account's auth token. Behind a proxy or tunnel `request.url` is the internal
 * address, so the URL is rebuilt from the app's configured public URL
 * (SHOPIFY_APP_URL) and the request's own path and query, byte for byte.
 * Forwarded headers are not consulted: the configured URL is the one we gave
 * Twilio, and a client cannot change it.
 *
 * Failures are thrown as plain-text Responses (400 / 403), which Remix returns
 * as they are from a resource route (and app/http/twilio-webhook-node.server.ts writes
 * out for the routes served by node:http directly).
 */
import twilio from "twilio";
import { env } from "../env.server";

export const MAX_TWILIO_FORM_BYTES = 64 * 1024;
export const TWIML_HEADERS = { "Content-Type": "text/xml; charset=utf-8" } as const;

/** Every POST parameter as received, decoded. Twilio never repeats a name. */
export type TwilioParams = Record<string, string>;

/** What the signature check needs of a request, whichever server received it. */
export interface SignedRequest {
  /** The URL as received: absolute (a Fetch Request) or path and query (node:http). */
  url: string;
  /** The X-Twilio-Signature header, if any. */
  signature: string | null;
}

export function signedRequestOf(request: Request): SignedRequest {
  return { url: request.url, signature: request.headers.get("x-twilio-signature") };
}

export function publicUrlOf(request: Pick<SignedRequest, "url">, appUrl: string = env().SHOPIFY_APP_URL): string {
  // Slice the path and query off as they are, rather than re-serialising URL parts, so no byte Twilio signed changes here.
  const pathAndQuery = request.url.replace(/^[a-z][a-z0-9+.-]*:\/\/[^/?#]*/i, "").replace(/#.*$/, "");
  return appUrl.replace(/\/+$/, "") + (pathAndQuery.startsWith("/") ? pathAndQuery : `/${pathAndQuery}`);
}

export async function parseTwilioForm(request: Request, maxBytes = MAX_TWILIO_FORM_BYTES): Promise<TwilioParams> {
  requireFormContentType(request.headers.get("content-type"));
  return parseTwilioFormText(await readBodyText(request, maxBytes));
}

/** Throws 400 unless the Content-Type is a form's: Twilio always posts application/x-www-form-urlencoded. */
export function requireFormContentType(contentType: string | null | undefined): void {
  const mediaType = (contentType ?? "").split(";")[0]!.trim().toLowerCase();
  if (mediaType !== "application/x-www-form-urlencoded") {
    throw plainText(400, `Expected Content-Type application/x-www-form-urlencoded, got ${mediaType || "none"}`);
  }
}

/** The decoded form body (UTF-8 already checked) as parameters; throws 400 on a repeated name. */
export function parseTwilioFormText(text: string): TwilioParams {
  const params: TwilioParams = {};
  for (const [name, value] of new URLSearchParams(text)) {
    // A repeated name would make "which value did Twilio sign?" ambiguous; Twilio never sends one.
    if (Object.hasOwn(params, name)) throw plainText(400, `Parameter ${name} appears more than once`);
    params[name] = value;
  }
  return params;
}

/** Throws 403 unless the request carries a valid Twilio signature for these params under this auth token. */
export function requireValidTwilioSignature(request: Request | SignedRequest, params: TwilioParams, authToken: string | null): void {
  if (request instanceof Request) request = signedRequestOf(request);
  const { signature } = request;
  if (!signature) throw plainText(403, "Missing X-Twilio-Signature");
  if (!authToken) throw plainText(403, "No Twilio auth token is configured for this shop, so the request cannot be verified");
  if (!twilio.validateRequest(authToken, signature, publicUrlOf(request), params)) {
    throw plainText(403, "Invalid X-Twilio-Signature");
  }
}

export function plainText(status: number, body: string): Response {
  return new Response(body, { status, headers: { "Content-Type": "text/plain; charset=utf-8" } });
}

export const bodyTooLarge = (maxBytes: number) => plainText(413, `Request body is larger than ${maxBytes} bytes`);

/** Strict UTF-8: a body that is not is refused rather than read with replacement characters. */
export function decodeBody(bytes: Uint8Array): string {
  try {
    return utf8.decode(bytes);
  } catch {
    throw plainText(400, "Request body is not valid UTF-8");
  }
}

const utf8 = new TextDecoder("utf-8", { fatal: true });

/** Reads at most `maxBytes` (the declared Content-Length is not trusted: it may be absent or wrong). */
async function readBodyText(request: Request, maxBytes: number): Promise<string> {
  const tooLarge = () => bodyTooLarge(maxBytes);
  const declared = Number(request.headers.get("content-length"));
  if (Number.isFinite(declared) && declared > maxBytes) throw tooLarge();
  if (!request.body) return "";

  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel();
      throw tooLarge();
    }
    chunks.push(value);
  }
  return decodeBody(Buffer.concat(chunks));
}
