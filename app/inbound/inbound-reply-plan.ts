/**
 * What to do with one inbound text, as a pure decision: which consent change
 * (if any) and which single reply (if any). The I/O lives in inbound-sms.server.ts.
 *
 * Choices made here, each because of a rule in docs/compliance.md (Revocation,
 * Keywords and languages, Replies):
 * - Every opt-out request gets its one confirmation, also from a number that is
 *   already unsubscribed: each STOP is a new request (FCC 47 CFR 64.1200(a)(12)
 *   allows one confirmation per request), the text carries no marketing, and a
 *   person who texts STOP again is usually unsure the first one worked.
 * - START/UNSTOP/YES (any opt-in word but the shop's sign-up keywords) from an
 *   opted-out number is an explicit re-consent by the handset owner: it
 *   re-subscribes at once (no double opt-in round trip).
 *   The shop's own keywords (JOIN…) are a new sign-up and follow the shop's
 *   double opt-in setting, as they do for unknown and expired numbers.
 * - A pending subscriber confirms with any opt-in word except the shop keyword
 *   it already sent; that keyword again just repeats the question.
 * - A subscribed number texting an opt-in word gets the opt-in confirmation
 *   again (program, frequency, rates, HELP/STOP): informative, never marketing.
 * - Where Twilio answered the keyword itself (see `twilioAnswered`), the app
 *   records the change and stays silent, because a second text would duplicate
 *   Twilio's or hit a blocked number. One exception: a double opt-in request.
 *   Twilio's generic START reply does not ask for confirmation, so without ours
 *   the new pending subscriber could never confirm.
 * - While the shop is uninstalled (until a reinstall, or shop/redact deletes
 *   it), its number is still its own: opt-outs are recorded and confirmed,
 *   HELP and unclear texts answered, because an opt-out must never be lost and
 *   a TwiML reply is the answer to the person's own text (the merchant pays
 *   Twilio for it as for any reply, nothing more; no campaign or queued text
 *   goes out). Opt-in words change nothing and get no reply: nobody joins a
 *   program the merchant has switched off, and after a reinstall they text again.
 */
import type { ComplianceReplyKind } from "../messaging/compose";
import type { Classification, InboundIntent } from "../consent/keywords";
import type { ConsentAction, SubscriberStatus } from "../consent/transitions";

/** The subscriber's status as the consent rules see it: a lapsed pending request counts as expired. */
export type EffectiveStatus = SubscriberStatus | "none";

export type InboundAction = Extract<ConsentAction, "request_opt_in" | "opt_in" | "confirm" | "opt_out">;

export interface InboundPlan {
  action: InboundAction | null;
  /** null: answer with an empty <Response/>. */
  reply: ComplianceReplyKind | null;
}

export type TwilioOptOutType = "STOP" | "START" | "HELP";

/**
 * With Advanced Opt-Out, Twilio tells us what it matched (OptOutType), possibly
 * a merchant-configured keyword our classifier reads differently: Twilio has
 * already acted on it (blocked or unblocked the number), so its reading wins,
 * except that a revocation we recognise is never downgraded to help or opt-in.
 */
export function intentOf(classified: InboundIntent, optOutType: TwilioOptOutType | null): InboundIntent {
  if (optOutType === "STOP" || classified === "opt_out") return "opt_out";
  if (optOutType === "START") return "opt_in";
  if (optOutType === "HELP") return "help";
  return classified;
}

const INTENT_TWILIO_ANSWERS: Record<TwilioOptOutType, InboundIntent> = { STOP: "opt_out", START: "opt_in", HELP: "help" };

/**
 * Whether Twilio has already replied to this text, for this intent. OptOutType
 * proves a reply in any mode; otherwise Twilio replies exactly when the shop
 * leaves its keyword handling on and the body is one of Twilio's exact
 * keywords. If Twilio answered something else (its HELP to what we read as a
 * revocation), its reply does not cover ours.
 */
export function twilioAnswered(
  keywordMode: string,
  twilioKeyword: Classification["twilioKeyword"],
  optOutType: TwilioOptOutType | null,
  intent: InboundIntent,
): boolean {
  const handled = optOutType ?? (keywordMode === "app" ? null : twilioKeyword);
  return handled !== null && INTENT_TWILIO_ANSWERS[handled] === intent;
}

export interface PlanInput {
  intent: InboundIntent;
  /** The keyword the classifier matched, upper case (e.g. "JOIN", "YES"); null for free text. */
  matched: string | null;
  /** Effective status; only consulted for opt-in (opt-out and help do not depend on it). */
  status: EffectiveStatus;
  shopKeywords: readonly string[];
  doubleOptIn: boolean;
  twilioAnswered: boolean;
  /** False between app/uninstalled and a reinstall. */
  shopInstalled: boolean;
}

const NOTHING: InboundPlan = { action: null, reply: null };

export function planInbound(input: PlanInput): InboundPlan {
  // An uninstalled shop subscribes nobody (see above); every other intent is handled as usual.
  if (!input.shopInstalled && input.intent === "opt_in") return NOTHING;
  const plan = planAppReply(input);
  if (!input.twilioAnswered || plan.reply === "double_opt_in_request") return plan;
  return { action: plan.action, reply: null };
}

function planAppReply(input: PlanInput): InboundPlan {
  switch (input.intent) {
    case "opt_out":
      return { action: "opt_out", reply: "opt_out_confirmation" };
    case "help":
      return { action: null, reply: "help" };
    case "ambiguous_opt_out":
      return { action: null, reply: "clarify_opt_out" };
    case "other":
      return { action: null, reply: null };
    case "opt_in":
      return planOptIn(input);
  }
}

function planOptIn({ matched, status, shopKeywords, doubleOptIn }: PlanInput): InboundPlan {
  const word = matched?.toUpperCase() ?? null;
  const isShopKeyword = word !== null && shopKeywords.includes(word);
  switch (status) {
    case "subscribed":
      return { action: null, reply: "opt_in_confirmation" };
    case "pending":
      return isShopKeyword
        ? { action: null, reply: "double_opt_in_request" }
        : { action: "confirm", reply: "opt_in_confirmation" };
    case "unsubscribed":
      return isShopKeyword ? newSignUp(doubleOptIn) : { action: "opt_in", reply: "resubscribed" };
    case "expired":
    case "none":
      return newSignUp(doubleOptIn);
  }
}

function newSignUp(doubleOptIn: boolean): InboundPlan {
  return doubleOptIn
    ? { action: "request_opt_in", reply: "double_opt_in_request" }
    : { action: "opt_in", reply: "opt_in_confirmation" };
}
