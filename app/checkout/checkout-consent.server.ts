/**
 * Consent given (or taken back) at checkout, recorded with its proof and
 * answered with the one text the rules require.
 *
 * A granted answer becomes consent only when the number can receive texts
 * (app/phone/phone-number.ts: a mobile number), is of a country the shop
 * texts (its `smsCountries` setting: texts abroad cost the merchant more and
 * are where SMS pumping pays) and the disclosure version the shopper read
 * exists for this shop: otherwise nothing is written and the reason is
 * returned and logged. Then, through the consent engine (source "checkout"):
 * - double opt-in shop → request_opt_in and the "Reply Y" request;
 * - otherwise → opt_in (single) and the opt-in confirmation, or for a number
 *   that had opted out, the re-subscription notice (the ledger says
 *   "resubscribed": the person's own new act overrides their earlier STOP);
 * - a number already subscribed, or already waiting for its Y, gets neither a
 *   new event nor a text.
 * The consent change, its ledger event, its Shopify sync job and the text in
 * the outbox commit in one transaction, or none of them do.
 *
 * A withdrawn answer never subscribes anyone. From the contact step it means
 * the shopper unticked before placing the order: nothing to record. From the
 * Thank-you block it follows a grant for the same order: the consent that
 * grant recorded is withdrawn (opt-out, source "checkout") if it still stands,
 * and its text is cancelled if still queued. The same happens to a number the
 * shopper replaced with another one on that page.
 */
import type { Message, Shop, Subscriber } from "@prisma/client";
import prisma, { type DbTx } from "../db.server";
import { applyConsentChange } from "../consent/consent-engine.server";
import type { Evidence } from "../consent/ledger.server";
import { REVOKED_SINCE, type ConsentEventKind } from "../consent/transitions";
import type { MessageStatus } from "../messaging/message-status";
import { enqueueMessage } from "../messaging/outbox.server";
import { composeConfirmation, confirmationKindFor, confirmationLanguage, supportedLanguagesOf } from "../messaging/confirmation-text";
import { findDisclosureShown, type DisclosureRejection } from "./disclosure-shown.server";
import { countryListOf, toE164, type PhoneRejection } from "../phone/phone-number";
import type { CheckoutAnswer } from "./order-consent";

export type ConsentChannel = "contact_step" | "thank_you";

export interface CheckoutConsentInput extends CheckoutAnswer {
  /** "gid://shopify/Order/…" */
  orderId: string;
  channel: ConsentChannel;
  ip: string | null;
  userAgent: string | null;
  shopifyCustomerId: string | null;
  /** From the order payload (contact step); the consent time falls back to it. */
  orderCreatedAt?: Date | null;
}

export type CheckoutConsentRejection =
  | PhoneRejection
  | DisclosureRejection
  | "shop_not_set_up"
  /** The number opted out after the consent was given: a late webhook must not undo a later STOP. */
  | "revoked_since";

export type CheckoutConsentResult =
  | { ok: true; status: "subscribed" | "pending" | "resubscribed"; subscriberId: string; eventSeq: number; messageId: string }
  | { ok: true; status: "already_subscribed" | "already_pending"; subscriberId: string }
  | { ok: true; status: "withdrawn"; withdrawn: number }
  | { ok: true; status: "not_given" | "nothing_to_withdraw" }
  | { ok: false; reason: CheckoutConsentRejection };

export interface CheckoutConsentOptions {
  /** Run inside the caller's transaction (the webhook records itself as processed in the same one). */
  tx?: DbTx;
  now?: Date;
  log?: (line: string) => void;
}

/**
 * Texts triggered on the Thank-you page wait this long in the outbox: the
 * block posts as soon as the typed number looks plausible, so a shopper who
 * then corrects a typo withdraws the first number before a stranger is texted.
 */
export const THANK_YOU_SEND_DELAY_MS = 60_000;
/** How long after its order a Thank-you answer is taken, and how far back its withdrawal looks (the page is one visit). */
export const THANK_YOU_WINDOW_MS = 24 * 60 * 60 * 1000;
const HOUR_MS = 60 * 60 * 1000;
const GRANT_KINDS: ConsentEventKind[] = ["opt_in_requested", "opted_in", "resubscribed"];

export function recordCheckoutConsent(
  shop: string,
  input: CheckoutConsentInput,
  options: CheckoutConsentOptions = {},
): Promise<CheckoutConsentResult> {
  const run = (tx: DbTx) => recordWithin(tx, shop, input, options.now ?? new Date(), options.log ?? defaultLog);
  return options.tx ? run(options.tx) : prisma.$transaction(run);
}

async function recordWithin(tx: DbTx, shop: string, input: CheckoutConsentInput, now: Date, log: (line: string) => void) {
  const result = await decide(tx, shop, input, now);
  if (!result.ok) log(`checkout consent not recorded (shop ${shop}, order ${input.orderId}, ${input.channel}): ${result.reason}`);
  return result;
}

async function decide(tx: DbTx, shop: string, input: CheckoutConsentInput, now: Date): Promise<CheckoutConsentResult> {
  if (input.status === "withdrawn") {
    if (input.channel === "contact_step") return { ok: true, status: "not_given" };
    const withdrawn = await withdrawOrderConsents(tx, shop, input, now, () => true);
    return withdrawn > 0 ? { ok: true, status: "withdrawn", withdrawn } : { ok: true, status: "nothing_to_withdraw" };
  }

  const settings = await tx.shop.findUnique({ where: { shop } });
  if (!settings || settings.uninstalledAt) return { ok: false, reason: "shop_not_set_up" };
  const number = toE164(input.phone, { mustBeMobile: true, allowedCountries: countryListOf(settings.smsCountries) });
  if (!number.ok) return number;
  const disclosure = await findDisclosureShown(tx, shop, input.disclosureVersionId, input.disclosureLocale);
  if (!disclosure.ok) return disclosure;

  const consentTime = consentTimeOf(input, now);
  if (input.channel === "thank_you") {
    // A different number for the same order replaces the one given before it.
    await withdrawOrderConsents(tx, shop, input, now, (subscriber) => subscriber.phone !== number.phone);
  }

  const language = confirmationLanguage(supportedLanguagesOf(settings), input.disclosureLocale);
  const evidence: Evidence = {
    orderId: input.orderId,
    channel: input.channel,
    phone: number.phone,
    disclosureVersionId: disclosure.version.id,
    disclosureVersion: disclosure.version.version,
    disclosureHash: disclosure.version.contentHash,
    disclosureLocale: input.disclosureLocale ?? disclosure.version.locale,
    disclosureText: disclosure.version.text,
    // The token as checkout sent it ("en:…,es:…"), when it is not the bare id.
    ...(input.disclosureVersionId !== disclosure.version.id ? { disclosureVersionSent: input.disclosureVersionId } : {}),
    consentAt: input.consentAt?.toISOString() ?? null,
    orderCreatedAt: input.orderCreatedAt?.toISOString() ?? null,
    receivedAt: now.toISOString(),
    ip: input.ip,
    userAgent: input.userAgent,
    shopifyCustomerId: input.shopifyCustomerId,
  };
  const change = await applyConsentChange(
    {
      shop,
      phone: number.phone,
      action: settings.doubleOptIn ? "request_opt_in" : "opt_in",
      source: "checkout",
      occurredAt: consentTime,
      evidence,
      optInLevel: "single",
      locale: language,
      shopifyCustomerId: input.shopifyCustomerId,
      // From now, not from the consent time: a late webhook must still leave the shopper the whole window.
      pendingExpiresAt: new Date(now.getTime() + settings.pendingExpiryHours * HOUR_MS),
    },
    tx,
  );
  const { subscriber, event } = change;
  // The engine decides this under its lock, so a STOP that lands while this order is processed still counts.
  if (!change.transition.changed && change.transition.reason === REVOKED_SINCE) return { ok: false, reason: "revoked_since" };
  if (!event) return { ok: true, status: subscriber.status === "pending" ? "already_pending" : "already_subscribed", subscriberId: subscriber.id };

  const kind = confirmationKindFor(event.kind as ConsentEventKind);
  if (!kind) throw new Error(`A checkout consent produced a "${event.kind}" event`);
  const sendAt = input.channel === "thank_you" ? new Date(now.getTime() + THANK_YOU_SEND_DELAY_MS) : now;
  const message = await enqueueWithin(tx, settings, subscriber, composeConfirmation(kind, settings, language), sendAt);
  const status = event.kind === "resubscribed" ? "resubscribed" : event.kind === "opt_in_requested" ? "pending" : "subscribed";
  return { ok: true, status, subscriberId: subscriber.id, eventSeq: event.seq, messageId: message.id };
}

/**
 * The moment of consent: when the shopper ticked (browser clock, never later
 * than now), else when the order was placed. On the Thank-you page the request
 * IS the act, so it is now.
 */
function consentTimeOf(input: CheckoutConsentInput, now: Date): Date {
  if (input.channel === "thank_you") return now;
  const given = input.consentAt ?? input.orderCreatedAt ?? now;
  return given > now ? now : given;
}

/** The outbox row, written in this transaction. Dispatch is the worker's, as for every text. */
function enqueueWithin(tx: DbTx, settings: Shop, subscriber: Subscriber, body: string, sendAt: Date): Promise<Message> {
  return enqueueMessage(settings.shop, { phone: subscriber.phone, subscriberId: subscriber.id, body, kind: "compliance", sendAt }, tx);
}

/**
 * Takes back what an earlier Thank-you answer for this order recorded, where
 * it is still the subscriber's current state: an opt-out (source "checkout")
 * and the cancellation of that grant's text if it has not been sent. Consent
 * the person gave some other way is left alone.
 */
async function withdrawOrderConsents(
  tx: DbTx,
  shop: string,
  input: CheckoutConsentInput,
  now: Date,
  include: (subscriber: Subscriber) => boolean,
): Promise<number> {
  const grants = await tx.consentEvent.findMany({
    where: {
      shop,
      source: "checkout",
      kind: { in: GRANT_KINDS },
      occurredAt: { gte: new Date(now.getTime() - THANK_YOU_WINDOW_MS) },
      redactedAt: null,
      // Evidence is canonical JSON (sorted keys, JSON.stringify values), so these fragments are exact.
      AND: [
        { evidence: { contains: `"orderId":${JSON.stringify(input.orderId)}` } },
        { evidence: { contains: `"channel":"thank_you"` } },
      ],
    },
    orderBy: { seq: "desc" },
    take: 20,
    select: { id: true, seq: true, subscriberId: true, recordedAt: true },
  });

  let withdrawn = 0;
  const seen = new Set<string>();
  for (const grant of grants) {
    if (seen.has(grant.subscriberId)) continue;
    seen.add(grant.subscriberId);
    const latest = await tx.consentEvent.findFirst({
      where: { shop, subscriberId: grant.subscriberId },
      orderBy: { seq: "desc" },
      select: { id: true },
    });
    if (latest?.id !== grant.id) continue; // something happened since (a Y, a STOP, an expiry): that stands
    const subscriber = await tx.subscriber.findFirst({ where: { id: grant.subscriberId, shop } });
    if (!subscriber || !include(subscriber) || (subscriber.status !== "pending" && subscriber.status !== "subscribed")) continue;

    const { event } = await applyConsentChange(
      {
        shop,
        phone: subscriber.phone,
        action: "opt_out",
        source: "checkout",
        occurredAt: now,
        evidence: {
          orderId: input.orderId,
          channel: input.channel,
          withdrawal: input.status === "withdrawn" ? "shopper unticked the box" : "shopper gave another number for this order",
          withdrawnGrantSeq: grant.seq,
          consentAt: input.consentAt?.toISOString() ?? null,
          receivedAt: now.toISOString(),
          ip: input.ip,
          userAgent: input.userAgent,
        },
      },
      tx,
    );
    if (!event) continue;
    await tx.message.updateMany({
      where: { shop, subscriberId: subscriber.id, kind: "compliance", status: "queued" satisfies MessageStatus, createdAt: { gte: grant.recordedAt } },
      data: { status: "cancelled" satisfies MessageStatus, errorMessage: "consent withdrawn at checkout" },
    });
    withdrawn += 1;
  }
  return withdrawn;
}

function defaultLog(line: string): void {
  console.warn(line);
}
