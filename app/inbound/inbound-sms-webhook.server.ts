/**
 * POST /webhooks/twilio/sms: Twilio's "A message comes in" webhook for every
 * shop's number, whichever server received it (the Remix route, or node:http
 * directly in production: see app/http/node-routes.server.ts). Order matters:
 * nothing is written before the request is well-formed, belongs to a known
 * shop and carries that shop's valid signature. Refusals are thrown as
 * plain-text Responses.
 */
import { plainText, requireValidTwilioSignature, type SignedRequest, type TwilioParams } from "../messaging/twilio-webhook.server";
import { findInboundShops, type InboundShop } from "../shops/inbound-shop-cache.server";
import { MessageSidConflictError, receiveInboundSms } from "./inbound-sms.server";
import { parseInboundSmsParams } from "./inbound-sms-params";

// A cached shop older than this is read again once when its signature fails: the merchant may have rotated the token.
const SIGNATURE_RECHECK_AFTER_MS = 2_000;

/** The TwiML answer to one inbound text. */
export async function answerInboundSmsWebhook(request: SignedRequest, params: TwilioParams): Promise<string> {
  const parsed = parseInboundSmsParams(params);
  if (!parsed.ok) throw plainText(400, parsed.reason);
  const { sms } = parsed;

  const shop = await requireSignedShop(request, params, sms.to, sms.messagingServiceSid);
  try {
    return (await receiveInboundSms(shop, sms)).twiml;
  } catch (error) {
    if (error instanceof MessageSidConflictError) throw plainText(409, error.message);
    throw error;
  }
}

async function requireSignedShop(request: SignedRequest, params: TwilioParams, to: string, messagingServiceSid: string | null): Promise<InboundShop> {
  const candidates = await findInboundShops(to, messagingServiceSid);
  if (candidates.length === 0) throw plainText(404, "No shop receives texts on this number");
  try {
    return signedBy(request, params, candidates);
  } catch (refusal) {
    if (candidates.every((shop) => Date.now() - shop.loadedAt <= SIGNATURE_RECHECK_AFTER_MS)) throw refusal;
    const fresh = await findInboundShops(to, messagingServiceSid, 0);
    if (fresh.length === 0) throw plainText(404, "No shop receives texts on this number");
    return signedBy(request, params, fresh);
  }
}

/**
 * The candidate whose auth token verifies the signature. With two candidates
 * (the Messaging Service and the number configured in different shops), only
 * the shop of the Twilio account that sent the text can pass, so the text is
 * never handed to a shop that merely claims the number. Throws the first refusal.
 */
function signedBy(request: SignedRequest, params: TwilioParams, candidates: InboundShop[]): InboundShop {
  let firstRefusal: unknown;
  for (const shop of candidates) {
    try {
      requireValidTwilioSignature(request, params, shop.authToken);
      return shop;
    } catch (refusal) {
      firstRefusal ??= refusal;
    }
  }
  throw firstRefusal;
}
