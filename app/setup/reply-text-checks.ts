/**
 * The CTIA content rules for the three texts a merchant may word themselves
 * (docs: /work/shared/docs/sms-compliance.md, "Consent in" and "Consent out";
 * CTIA Messaging Principles and Best Practices, section 5): the HELP reply,
 * the opt-out (STOP) confirmation and the opt-in confirmation. Pure: Settings
 * runs it as the merchant types, the server runs it again on what was saved.
 *
 * The checks read the text that will actually be sent (composeComplianceReply:
 * the merchant's wording with the brand prefix, the support contact and the
 * STOP instruction added where the app adds them), so a finding is never
 * about something the app already fixes; what it adds is listed apart.
 */
import { composeComplianceReply, hasOptOutInstruction, type ProgramInfo } from "~/messaging/compose";
import { countSegments, type SegmentCount } from "~/messaging/segments";

export const REPLY_TEXT_KINDS = ["help", "opt_out_confirmation", "opt_in_confirmation"] as const;
export type ReplyTextKind = (typeof REPLY_TEXT_KINDS)[number];

export const REPLY_TEXT_LABELS: Record<ReplyTextKind, string> = {
  help: "HELP reply",
  opt_out_confirmation: "Opt-out (STOP) confirmation",
  opt_in_confirmation: "Opt-in confirmation",
};

export type ReplyRule = "brand" | "frequency" | "rates" | "help" | "stop" | "opt_out_confirmed" | "no_marketing" | "one_segment";

export interface ReplyTextFinding {
  rule: ReplyRule;
  /** "error": carriers may refuse the sender's registration or filter its texts; "warning": best practice. */
  severity: "error" | "warning";
  message: string;
  fix: string;
}

export interface ReplyTextCheck {
  kind: ReplyTextKind;
  /** The text subscribers get: the merchant's wording as the app sends it, or the app's own when the field is empty. */
  sent: string;
  usesDefault: boolean;
  segments: SegmentCount;
  /** What the app adds to the merchant's wording, in words ("the brand name at the start"…). */
  added: string[];
  findings: ReplyTextFinding[];
}

/** "Msg & data rates may apply" and its translations (the checkout disclosure accepts the same). */
const RATES = /msg\s*(?:&|and)\s*data\s+rates\s+(?:may|might|can)\s+apply|message\s+and\s+data\s+rates|tarifas|tarifs|tariffe|gebühren|frais de sms/i;
/** Message frequency: "Up to 6 msgs/month", "4 msgs/mo", "recurring", "recurrentes", "wiederkehrende"… */
const FREQUENCY = /\b\d+\s*(?:msgs?|messages?|texts?|sms|mensajes?|mensagens?|messaggi)\b|\brecurring\b|recurrent|wiederkehrend|ricorrent|\bper (?:month|week|day)\b|\/\s*(?:mo|month|mes|mois|monat|mese)\b/i;
const HELP_WORD = /(?<![\p{L}\p{N}])(?:HELP|INFO|AYUDA|AIDE|HILFE|AJUDA|AIUTO)(?![\p{L}\p{N}])/u;
const OPTED_OUT = /unsubscribed|opted out|no (?:further|more) (?:messages|msgs|texts)|will not receive|won't receive|de baja|désabonn|desabonn|abgemeldet|descadastr|disiscri/i;
const MARKETING = /https?:\/\/|www\.|\b\d{1,2}\s?% off\b|\bsale\b|\bdiscount\b|\bcoupon\b|\bpromo\b|\bshop now\b|\bdeal(?:s)?\b/i;

function fold(text: string): string {
  return text.normalize("NFKD").replace(/\p{M}/gu, "").toLowerCase();
}

function startsWithName(text: string, name: string): boolean {
  return fold(text).replace(/^[^\p{L}\p{N}]+/u, "").startsWith(fold(name).replace(/^[^\p{L}\p{N}]+/u, ""));
}

/** The checks of one reply text. `typed` is what the merchant typed (null or blank: the app's own wording). */
export function checkReplyText(kind: ReplyTextKind, typed: string | null | undefined, program: ProgramInfo): ReplyTextCheck {
  const brand = program.brandName.trim();
  const support = program.supportContact.trim();
  const custom = typed?.trim() ?? "";
  const findings: ReplyTextFinding[] = [];
  const added: string[] = [];

  if (!brand || (kind === "help" && !support)) {
    // Nothing can be composed yet: say what is missing instead.
    if (!brand) findings.push(BRAND_UNSET);
    if (kind === "help" && !support) findings.push(SUPPORT_UNSET);
    return { kind, sent: custom, usesDefault: !custom, segments: countSegments(custom), added, findings };
  }

  const sent = composeComplianceReply(kind, program, "en", custom || null);
  if (custom) {
    const filled = custom.replace(/\{\s*brand\s*\}/gi, brand).replace(/\{\s*support\s*\}/gi, support);
    if (!startsWithName(filled, brand)) added.push(`your brand name at the start ("${brand}: ")`);
    if (kind === "help" && !fold(filled).includes(fold(support))) added.push(`your support contact ("Support: ${support}.")`);
    if (kind !== "opt_out_confirmation" && !hasOptOutInstruction(filled)) added.push('how to stop ("Reply STOP to cancel.")');
  }

  const say = (rule: ReplyRule, severity: ReplyTextFinding["severity"], message: string, fix: string) => findings.push({ rule, severity, message, fix });
  if (kind === "help" || kind === "opt_in_confirmation") {
    if (!FREQUENCY.test(sent)) {
      say(
        "frequency",
        "error",
        `CTIA: the ${kind === "help" ? "HELP reply" : "opt-in confirmation"} must say what the program sends and how often.`,
        program.maxMessagesPerMonth
          ? `Add "Recurring automated marketing msgs. Up to ${program.maxMessagesPerMonth} msgs/month."`
          : 'Add "Recurring automated marketing msgs."',
      );
    }
    if (!RATES.test(sent)) say("rates", "error", 'CTIA: it must say "Msg & data rates may apply".', 'Add "Msg & data rates may apply."');
  }
  if (kind === "opt_in_confirmation" && !HELP_WORD.test(sent)) {
    say("help", "error", "CTIA: the opt-in confirmation must say how to get help.", 'Add "Reply HELP for help."');
  }
  if (kind === "help" && !fold(sent).includes(fold(support)) && !HELP_WORD.test(sent)) {
    say("help", "error", "CTIA: the HELP reply must say how to reach you.", `Add "Support: ${support}."`);
  }
  if (kind !== "opt_out_confirmation" && !hasOptOutInstruction(sent)) {
    say("stop", "error", "CTIA: it must say how to stop the texts.", 'Add "Reply STOP to cancel."');
  }
  if (kind === "opt_out_confirmation") {
    if (!OPTED_OUT.test(sent)) {
      say("opt_out_confirmed", "error", "CTIA: the opt-out confirmation must confirm that no more texts will come.", 'Say "You are unsubscribed and will receive no further messages."');
    }
    if (MARKETING.test(sent)) {
      say(
        "no_marketing",
        "error",
        "FCC and CTIA: the one confirmation after STOP may carry no marketing: no offer, no link, no discount.",
        "Remove the offer or link; only confirm the opt-out (and how to opt back in: START).",
      );
    }
  }
  const segments = countSegments(sent);
  if (segments.segments > 1) {
    say(
      "one_segment",
      "warning",
      `It takes ${segments.segments} text segments${segments.encoding === "UCS-2" ? " (a character outside the basic SMS alphabet makes every segment shorter)" : ""}: each costs you, and carriers expect these replies short.`,
      `Shorten it to ${segments.encoding === "UCS-2" ? "70" : "160"} characters or fewer.`,
    );
  }
  return { kind, sent, usesDefault: !custom, segments, added, findings };
}

const BRAND_UNSET: ReplyTextFinding = {
  rule: "brand",
  severity: "error",
  message: "CTIA: every reply must start with your brand name, and none is set.",
  fix: "Enter your brand name above.",
};
const SUPPORT_UNSET: ReplyTextFinding = {
  rule: "help",
  severity: "error",
  message: "CTIA: the HELP reply must say how to reach you, and no support contact is set.",
  fix: "Enter an e-mail address, phone number or web address as the support contact above.",
};

/** The three texts' checks, in the order Settings shows them. */
export function checkReplyTexts(typed: Partial<Record<ReplyTextKind, string | null>>, program: ProgramInfo): ReplyTextCheck[] {
  return REPLY_TEXT_KINDS.map((kind) => checkReplyText(kind, typed[kind], program));
}
