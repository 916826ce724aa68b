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
 * as they are from a resource route.
 */
import twilio from "twilio";
import { env } from "../env.server";

export const MAX_TWILIO_FORM_BYTES = 64 * 1024;

/** Every POST parameter as received, decoded. Twilio never repeats a name. */
export type TwilioParams = Record<string, string>;

export function publicUrlOf(request: Request, appUrl: string = env().SHOPIFY_APP_URL): string {
  // Slice the path and query off as they are, rather than re-serialising URL parts, so no byte Twilio signed changes here.
  const pathAndQuery = request.url.replace(/^[a-z][a-z0-9+.-]*:\/\/[^/?#]*/i, "").replace(/#.*$/, "");
  return appUrl.replace(/\/+$/, "") + (pathAndQuery.startsWith("/") ? pathAndQuery : `/${pathAndQuery}`);
}

export async function parseTwilioForm(request: Request, maxBytes = MAX_TWILIO_FORM_BYTES): Promise<TwilioParams> {
  const mediaType = (request.headers.get("content-type") ?? "").split(";")[0]!.trim().toLowerCase();
  if (mediaType !== "application/x-www-form-urlencoded") {
    throw plainText(400, `Expected Content-Type application/x-www-form-urlencoded, got ${mediaType || "none"}`);
  }
  const text = await readBodyText(request, maxBytes);
  const params: TwilioParams = {};
  for (const [name, value] of new URLSearchParams(text)) {
    // A repeated name would make "which value did Twilio sign?" ambiguous; Twilio never sends one.
    if (Object.hasOwn(params, name)) throw plainText(400, `Parameter ${name} appears more than once`);
    params[name] = value;
  }
  return params;
}

/** Throws 403 unless the request carries a valid Twilio signature for these params under this auth token. */
export function requireValidTwilioSignature(request: Request, params: TwilioParams, authToken: string | null): void {
  const signature = request.headers.get("x-twilio-signature");
  if (!signature) throw plainText(403, "Missing X-Twilio-Signature");
  if (!authToken) throw plainText(403, "No Twilio auth token is configured for this shop, so the request cannot be verified");
  if (!twilio.validateRequest(authToken, signature, publicUrlOf(request), params)) {
    throw plainText(403, "Invalid X-Twilio-Signature");
  }
}

export function plainText(status: number, body: string): Response {
  return new Response(body, { status, headers: { "Content-Type": "text/plain; charset=utf-8" } });
}

/** Reads at most `maxBytes` (the declared Content-Length is not trusted: it may be absent or wrong). */
async function readBodyText(request: Request, maxBytes: number): Promise<string> {
  const tooLarge = () => plainText(400, `Request body is larger than ${maxBytes} bytes`);
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
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(Buffer.concat(chunks));
  } catch {
    throw plainText(400, "Request body is not valid UTF-8");
  }
}
