/**
 * Consent changes staff make on a subscriber's page, through the consent
 * engine only (source "admin"), each recorded with the staff member as
 * Shopify's session names them.
 *
 * - Opt-out: a reason from a short list (plus words of their own). The engine
 *   cancels the number's queued marketing in the same transaction, and so are
 *   queued confirmations and "Reply Y" requests (an import's request may wait
 *   for the recipient's daytime). No text is sent: the person asked
 *   elsewhere, and a wrong number or a complaint should not be texted again.
 * - Opt-in: only a number that gave consent elsewhere, with a stated reason
 *   and the evidence of that consent (how and where, when, and the text the
 *   person agreed to or a reference to where it is kept). Marketing texts need
 *   prior express written consent (47 CFR 64.1200(f)(9)), so a phone call is
 *   not among the ways. Recorded as a single opt-in with the opt-in
 *   confirmation text, or, when the shop asks for double opt-in, as a request
 *   with the "Reply Y" text: the same texts checkout queues
 *   (messaging/confirmation-text.ts), queued in the same transaction.
 * - A number that opted out cannot be opted in by staff: the state machine
 *   refuses it (transitions.ts), and the refusal is said in words.
 * Bad input writes nothing.
 */
import { z } from "zod";
import prisma from "../db.server";
import { applyConsentChange } from "../consent/consent-engine.server";
import type { Evidence } from "../consent/ledger.server";
import { REDACTED_PREFIX } from "../consent/redacted-phone.server";
import { REVOKED_SINCE, type ConsentEventKind } from "../consent/transitions";
import { composeConfirmation, confirmationKindFor, confirmationLanguage, supportedLanguagesOf } from "../messaging/confirmation-text";
import type { MessageStatus } from "../messaging/message-status";
import { enqueueMessage } from "../messaging/outbox.server";
import type { StaffMember } from "../shopify/staff-member";

export const STAFF_OPT_OUT_REASONS = {
  asked_by_phone: "asked by phone",
  asked_by_email: "asked by e-mail",
  asked_in_person: "asked in person",
  complaint: "complaint",
  wrong_number: "wrong number (not the customer's)",
  other: "other",
} as const;
export type StaffOptOutReason = keyof typeof STAFF_OPT_OUT_REASONS;

/** Ways of giving written consent elsewhere. Verbal consent (a call) is not written consent, so it is not here. */
export const CONSENT_METHODS = {
  paper_form: "signed paper form",
  in_store_signup: "sign-up sheet or tablet in a store",
  web_form: "sign-up form on another website",
  other_sms_tool: "another SMS tool (keyword or form there)",
  email_reply: "written reply by e-mail",
  other_written: "other written record",
} as const;
export type ConsentMethod = keyof typeof CONSENT_METHODS;

const reasonKeys = Object.keys(STAFF_OPT_OUT_REASONS) as [StaffOptOutReason, ...StaffOptOutReason[]];
const methodKeys = Object.keys(CONSENT_METHODS) as [ConsentMethod, ...ConsentMethod[]];
const optionalText = (max: number) =>
  z
    .string()
    .trim()
    .max(max, `Keep it under ${max} characters`)
    .optional()
    .transform((value) => (value ? value : undefined));

export const staffOptOutSchema = z
  .object({
    reason: z.enum(reasonKeys, { errorMap: () => ({ message: "Choose why this number is opted out" }) }),
    note: optionalText(500),
  })
  .refine((input) => input.reason !== "other" || input.note, { message: "Say in a few words why", path: ["note"] });
export type StaffOptOutInput = z.input<typeof staffOptOutSchema>;

/** A day ("2026-09-03") or a moment ("2026-09-03T14:02"), never in the future. */
const consentDateSchema = z
  .string({ required_error: "Say when the consent was given" })
  .trim()
  .min(1, "Say when the consent was given")
  .regex(/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?)?$/, "Give the date as YYYY-MM-DD")
  .transform((value, ctx) => {
    const at = new Date(value.length === 10 ? `${value}T00:00:00Z` : value);
    if (Number.isNaN(at.getTime()) || at.toISOString().slice(0, 10) !== value.slice(0, 10)) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, message: "That date does not exist" });
      return z.NEVER;
    }
    return at;
  });

const NO_CONSENT_RECORD = "Paste the text the person agreed to, or say where the signed record is kept";

export const staffOptInSchema = z
  .object({
    reason: z.string({ required_error: "Say why staff are adding this number" }).trim().min(10, "Say why staff are adding this number (at least 10 characters)").max(500, "Keep it under 500 characters"),
    consentMethod: z.enum(methodKeys, { errorMap: () => ({ message: "Choose how the consent was given" }) }),
    consentWhere: z.string({ required_error: "Say where the consent was given" }).trim().min(3, "Say where the consent was given").max(300, "Keep it under 300 characters"),
    consentGivenAt: consentDateSchema,
    consentText: optionalText(2000),
    consentReference: optionalText(300),
  })
  .refine((input) => input.consentText || input.consentReference, { message: NO_CONSENT_RECORD, path: ["consentText"] });
export type StaffOptInInput = z.input<typeof staffOptInSchema>;

export type StaffConsentResult =
  | { ok: true; outcome: "opted_out"; cancelledMessages: number; eventSeq: number }
  | { ok: true; outcome: "subscribed" | "confirmation_requested"; eventSeq: number; messageId: string }
  | { ok: false; errors: Record<string, string> };

export type FieldErrors = Record<string, string>;

function fieldErrors(error: z.ZodError): FieldErrors {
  const errors: FieldErrors = {};
  for (const issue of error.issues) {
    const key = String(issue.path[0] ?? "form");
    errors[key] ??= issue.message;
  }
  return errors;
}

/** What the state machine's refusals mean for staff. */
export function refusalInWords(reason: string): string {
  if (reason.startsWith("opted out")) {
    return "This number opted out. Only the subscriber can opt in again: by texting START or a sign-up keyword to the shop's number, or by ticking the box at checkout.";
  }
  if (reason === REVOKED_SINCE) return "The number opted out after that consent was given, so it no longer counts.";
  if (reason === "already subscribed") return "This number is already subscribed.";
  if (reason === "already waiting for confirmation") return "This number was already asked to reply Y and has not answered yet.";
  if (reason === "already unsubscribed") return "This number is already opted out.";
  return `Nothing changed: ${reason}.`;
}

/** Null when the subscriber is not this shop's. */
export async function staffOptOut(shop: string, subscriberId: string, staff: StaffMember, input: unknown, now = new Date()): Promise<StaffConsentResult | null> {
  const subscriber = await prisma.subscriber.findFirst({ where: { id: subscriberId, shop } });
  if (!subscriber) return null;
  const parsed = staffOptOutSchema.safeParse(input);
  if (!parsed.success) return { ok: false, errors: fieldErrors(parsed.error) };
  if (subscriber.phone.startsWith(REDACTED_PREFIX)) return { ok: false, errors: { form: "This number was erased at the customer's request and is already opted out for good." } };

  const { reason, note } = parsed.data;
  const evidence: Evidence = {
    staff: staff.label,
    staffId: staff.id,
    reason: STAFF_OPT_OUT_REASONS[reason],
    reasonCode: reason,
    ...(note ? { note } : {}),
  };
  return prisma.$transaction(async (tx): Promise<StaffConsentResult> => {
    const result = await applyConsentChange({ shop, phone: subscriber.phone, action: "opt_out", source: "admin", occurredAt: now, evidence }, tx);
    if (!result.event) return { ok: false, errors: { form: refusalInWords(result.transition.changed ? "no change" : result.transition.reason) } };
    // The engine cancels queued marketing; a queued confirmation or "Reply Y" request must not reach them either.
    const { count } = await tx.message.updateMany({
      where: { shop, subscriberId: subscriber.id, kind: "compliance", status: "queued" satisfies MessageStatus },
      data: { status: "cancelled" satisfies MessageStatus, errorMessage: "opted out by staff" },
    });
    return { ok: true, outcome: "opted_out", cancelledMessages: result.cancelledMessages + count, eventSeq: result.event.seq };
  });
}

/** Null when the subscriber is not this shop's. */
export async function staffOptIn(shop: string, subscriberId: string, staff: StaffMember, input: unknown, now = new Date()): Promise<StaffConsentResult | null> {
  const subscriber = await prisma.subscriber.findFirst({ where: { id: subscriberId, shop } });
  if (!subscriber) return null;
  const parsed = staffOptInSchema.safeParse(input);
  if (!parsed.success) {
    // zod checks "the text or a reference" only once every field is valid: say it with the other errors, all at once.
    const errors = fieldErrors(parsed.error);
    const given = (key: string) => typeof (input as Record<string, unknown> | null)?.[key] === "string" && String((input as Record<string, unknown>)[key]).trim() !== "";
    if (!given("consentText") && !given("consentReference")) errors.consentText ??= NO_CONSENT_RECORD;
    return { ok: false, errors };
  }
  const consent = parsed.data;
  if (consent.consentGivenAt > now) return { ok: false, errors: { consentGivenAt: "The consent date cannot be in the future" } };
  // The engine refuses any opted-out number (below); an erased one has no number left to text at all.
  if (subscriber.phone.startsWith(REDACTED_PREFIX)) return { ok: false, errors: { form: refusalInWords("opted out: only the subscriber can opt in again") } };
  const settings = await prisma.shop.findUnique({ where: { shop } });
  if (!settings) return { ok: false, errors: { form: "Set up the shop's SMS program in Settings first." } };

  const action = settings.doubleOptIn ? "request_opt_in" : "opt_in";
  const evidence: Evidence = {
    staff: staff.label,
    staffId: staff.id,
    reason: consent.reason,
    consentMethod: CONSENT_METHODS[consent.consentMethod],
    consentWhere: consent.consentWhere,
    consentGivenAt: consent.consentGivenAt.toISOString(),
    consentText: consent.consentText ?? null,
    consentReference: consent.consentReference ?? null,
    recordedAs: settings.doubleOptIn ? "double opt-in request (the shop asks for double opt-in)" : "single opt-in",
  };
  const language = confirmationLanguage(supportedLanguagesOf(settings), subscriber.locale);

  return prisma.$transaction(async (tx): Promise<StaffConsentResult> => {
    const change = await applyConsentChange(
      { shop, phone: subscriber.phone, action, source: "admin", occurredAt: now, evidence, optInLevel: "single" },
      tx,
    );
    // Decided by the engine under its lock: a STOP that landed since the page loaded still counts.
    if (!change.event) return { ok: false, errors: { form: refusalInWords(change.transition.changed ? "no change" : change.transition.reason) } };
    const kind = confirmationKindFor(change.event.kind as ConsentEventKind);
    if (!kind) throw new Error(`A staff opt-in produced a "${change.event.kind}" event`);
    const message = await enqueueMessage(
      shop,
      { phone: change.subscriber.phone, subscriberId: change.subscriber.id, body: composeConfirmation(kind, settings, language), kind: "compliance", sendAt: now },
      tx,
    );
    return { ok: true, outcome: change.event.kind === "opt_in_requested" ? "confirmation_requested" : "subscribed", eventSeq: change.event.seq, messageId: message.id };
  });
}
