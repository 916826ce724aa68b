/**
 * Message composition, pure: the compliance replies (CTIA forms, see
 * docs/compliance.md#replies) in six languages, the brand prefix and opt-out
 * footer every marketing message needs. Segments are counted in segments.ts.
 *
 * Translations keep STOP / START / HELP / Y as the literal keywords the app
 * understands (plus the local opt-out word where it is the custom: BAJA, ARRET,
 * SAIR) and avoid characters outside GSM-7 (á í ó ú ã õ ç ê â), which would
 * switch a reply to UCS-2 and more than double its segments.
 */
import type { Language } from "~/language/languages";

export interface ProgramInfo {
  brandName: string;
  /** e.g. "support@acme.com" or "+1 555…" */
  supportContact: string;
  /** null → no number is promised; "recurring automated marketing msgs" is the frequency disclosure. */
  maxMessagesPerMonth: number | null;
}

export type ComplianceReplyKind =
  | "opt_out_confirmation"
  | "help"
  | "opt_in_confirmation"
  | "double_opt_in_request"
  | "clarify_opt_out"
  | "resubscribed";

interface Wording {
  /** Placeholders: {brand}, {support}, {frequency} (with its trailing space, or empty), {fromBrand}. */
  readonly replies: Readonly<Record<ComplianceReplyKind, string>>;
  readonly frequency: (max: number) => string;
  /** "from Acme", "d'Acme", "von Acme"… */
  readonly fromBrand: (brand: string) => string;
  /** Appended to a merchant's text that lacks opt-out wording. */
  readonly stopInstruction: string;
  /** Appended to a merchant's double opt-in request that never asks for a Y. */
  readonly confirmInstruction: string;
  /** Appended to a merchant's help text that lacks the support contact. */
  readonly supportLine: string;
  readonly footer: string;
}

const WORDING: Readonly<Record<Language, Wording>> = {
  en: {
    replies: {
      opt_out_confirmation: "{brand}: You are unsubscribed and will receive no further messages. Reply START to resubscribe, HELP for help.",
      help: "{brand}: Recurring automated marketing msgs. {frequency}Msg & data rates may apply. Support: {support}. Reply STOP to cancel.",
      opt_in_confirmation: "{brand}: Thanks for subscribing to recurring automated marketing texts. {frequency}Msg & data rates may apply. Reply HELP for help, STOP to cancel.",
      double_opt_in_request: "{brand}: Reply Y to subscribe to recurring automated marketing msgs. {frequency}Msg & data rates may apply. Reply STOP to cancel, HELP for help.",
      clarify_opt_out: "{brand}: Reply STOP to stop receiving texts {fromBrand}.",
      resubscribed: "{brand}: You are resubscribed to recurring automated marketing texts. {frequency}Msg & data rates may apply. Reply HELP for help, STOP to cancel.",
    },
    frequency: (max) => `Up to ${max} ${max === 1 ? "msg" : "msgs"}/month. `,
    fromBrand: (brand) => `from ${brand}`,
    stopInstruction: "Reply STOP to cancel.",
    confirmInstruction: "Reply Y to confirm.",
    supportLine: "Support: {support}.",
    footer: "Reply STOP to opt out",
  },
  es: {
    replies: {
      opt_out_confirmation: "{brand}: Te has dado de baja y no te enviaremos otros mensajes. Responde START para volver a suscribirte, HELP para ayuda.",
      help: "{brand}: Mensajes de marketing automatizados recurrentes. {frequency}Pueden aplicarse tarifas de mensajes y datos. Ayuda: {support}. Responde STOP o BAJA para cancelar.",
      opt_in_confirmation: "{brand}: Gracias por suscribirte a mensajes de marketing automatizados recurrentes. {frequency}Pueden aplicarse tarifas de mensajes y datos. Responde HELP para ayuda, STOP para cancelar.",
      double_opt_in_request: "{brand}: Responde Y o SI para suscribirte a mensajes de marketing automatizados recurrentes. {frequency}Pueden aplicarse tarifas de mensajes y datos. Responde STOP para cancelar, HELP para ayuda.",
      clarify_opt_out: "{brand}: Responde STOP o BAJA para dejar de recibir mensajes {fromBrand}.",
      resubscribed: "{brand}: Te has vuelto a suscribir a mensajes de marketing automatizados recurrentes. {frequency}Pueden aplicarse tarifas de mensajes y datos. Responde HELP para ayuda, STOP para cancelar.",
    },
    frequency: (max) => `Hasta ${max} ${max === 1 ? "mensaje" : "mensajes"} al mes. `,
    fromBrand: (brand) => `de ${brand}`,
    stopInstruction: "Responde STOP para cancelar.",
    confirmInstruction: "Responde Y para confirmar.",
    supportLine: "Ayuda: {support}.",
    footer: "Responde STOP para darte de baja",
  },
  fr: {
    replies: {
      opt_out_confirmation: "{brand}: Votre désabonnement est confirmé, vous ne recevrez plus de messages. Répondez START pour vous réabonner, HELP pour de l'aide.",
      help: "{brand}: Messages marketing automatisés récurrents. {frequency}Des frais de SMS et de données peuvent s'appliquer. Assistance: {support}. Répondez STOP ou ARRET pour vous désabonner.",
      opt_in_confirmation: "{brand}: Merci de votre abonnement aux messages marketing automatisés récurrents. {frequency}Des frais de SMS et de données peuvent s'appliquer. Répondez HELP pour de l'aide, STOP pour vous désabonner.",
      double_opt_in_request: "{brand}: Répondez Y ou OUI pour vous abonner aux messages marketing automatisés récurrents. {frequency}Des frais de SMS et de données peuvent s'appliquer. Répondez STOP pour annuler, HELP pour de l'aide.",
      clarify_opt_out: "{brand}: Répondez STOP ou ARRET pour ne plus recevoir de SMS {fromBrand}.",
      resubscribed: "{brand}: Votre réabonnement aux messages marketing automatisés récurrents est confirmé. {frequency}Des frais de SMS et de données peuvent s'appliquer. Répondez HELP pour de l'aide, STOP pour vous désabonner.",
    },
    frequency: (max) => `Jusqu'à ${max} msg/mois. `,
    // Elision before a vowel: "d'Acme", but "de Zara".
    fromBrand: (brand) => (/^[aeiouy]/i.test(brand.normalize("NFKD")) ? `d'${brand}` : `de ${brand}`),
    stopInstruction: "Répondez STOP pour vous désabonner.",
    confirmInstruction: "Répondez Y pour confirmer.",
    supportLine: "Assistance: {support}.",
    footer: "Répondez STOP pour vous désabonner",
  },
  de: {
    replies: {
      opt_out_confirmation: "{brand}: Sie wurden abgemeldet und erhalten keine weiteren Nachrichten. Antworten Sie START zum erneuten Anmelden, HELP für Hilfe.",
      help: "{brand}: Wiederkehrende automatisierte Marketing-SMS. {frequency}Es können Gebühren für SMS und Daten anfallen. Support: {support}. Antworten Sie STOP zum Abmelden.",
      opt_in_confirmation: "{brand}: Danke für Ihre Anmeldung zu wiederkehrenden automatisierten Marketing-SMS. {frequency}Es können Gebühren für SMS und Daten anfallen. Antworten Sie HELP für Hilfe, STOP zum Abmelden.",
      double_opt_in_request: "{brand}: Antworten Sie Y oder JA, um wiederkehrende automatisierte Marketing-SMS zu abonnieren. {frequency}Es können Gebühren für SMS und Daten anfallen. Antworten Sie STOP zum Abbrechen, HELP für Hilfe.",
      clarify_opt_out: "{brand}: Antworten Sie STOP, um keine SMS mehr {fromBrand} zu erhalten.",
      resubscribed: "{brand}: Sie sind wieder für wiederkehrende automatisierte Marketing-SMS angemeldet. {frequency}Es können Gebühren für SMS und Daten anfallen. Antworten Sie HELP für Hilfe, STOP zum Abmelden.",
    },
    frequency: (max) => `Bis zu ${max} SMS/Monat. `,
    fromBrand: (brand) => `von ${brand}`,
    stopInstruction: "Antworten Sie STOP zum Abmelden.",
    confirmInstruction: "Antworten Sie Y zum Bestätigen.",
    supportLine: "Support: {support}.",
    footer: "Antworten Sie STOP zum Abmelden",
  },
  pt: {
    replies: {
      opt_out_confirmation: "{brand}: Descadastro confirmado. Deixaremos de enviar mensagens. Responda START para se inscrever de novo, HELP para ajuda.",
      help: "{brand}: Mensagens automatizadas de marketing recorrentes. {frequency}Podem ser cobradas tarifas de mensagens e dados. Suporte: {support}. Responda STOP ou SAIR para cancelar.",
      opt_in_confirmation: "{brand}: Obrigado por se inscrever nas mensagens automatizadas de marketing recorrentes. {frequency}Podem ser cobradas tarifas de mensagens e dados. Responda HELP para ajuda, STOP para cancelar.",
      double_opt_in_request: "{brand}: Responda Y ou SIM para receber mensagens automatizadas de marketing recorrentes. {frequency}Podem ser cobradas tarifas de mensagens e dados. Responda STOP para cancelar, HELP para ajuda.",
      clarify_opt_out: "{brand}: Responda STOP ou SAIR para deixar de receber mensagens {fromBrand}.",
      resubscribed: "{brand}: Cadastro reativado nas mensagens automatizadas de marketing recorrentes. {frequency}Podem ser cobradas tarifas de mensagens e dados. Responda HELP para ajuda, STOP para cancelar.",
    },
    // "Até" is GSM-7 (é); "por mês" would not be (ê).
    frequency: (max) => `Até ${max} ${max === 1 ? "mensagem mensal" : "mensagens mensais"}. `,
    fromBrand: (brand) => `de ${brand}`,
    stopInstruction: "Responda STOP para cancelar.",
    confirmInstruction: "Responda Y para confirmar.",
    supportLine: "Suporte: {support}.",
    footer: "Responda STOP para sair",
  },
  it: {
    replies: {
      opt_out_confirmation: "{brand}: Disiscrizione completata, non riceverai più messaggi. Rispondi START per iscriverti di nuovo, HELP per assistenza.",
      help: "{brand}: Messaggi di marketing automatici ricorrenti. {frequency}Possono essere applicati costi per messaggi e dati. Assistenza: {support}. Rispondi STOP per annullare.",
      opt_in_confirmation: "{brand}: Grazie per l'iscrizione ai messaggi di marketing automatici ricorrenti. {frequency}Possono essere applicati costi per messaggi e dati. Rispondi HELP per assistenza, STOP per annullare.",
      double_opt_in_request: "{brand}: Rispondi Y o SI per iscriverti ai messaggi di marketing automatici ricorrenti. {frequency}Possono essere applicati costi per messaggi e dati. Rispondi STOP per annullare, HELP per assistenza.",
      clarify_opt_out: "{brand}: Rispondi STOP per non ricevere più messaggi {fromBrand}.",
      resubscribed: "{brand}: Iscrizione riattivata ai messaggi di marketing automatici ricorrenti. {frequency}Possono essere applicati costi per messaggi e dati. Rispondi HELP per assistenza, STOP per annullare.",
    },
    frequency: (max) => `Fino a ${max} msg/mese. `,
    fromBrand: (brand) => `da ${brand}`,
    stopInstruction: "Rispondi STOP per annullare.",
    confirmInstruction: "Rispondi Y per confermare.",
    supportLine: "Assistenza: {support}.",
    footer: "Rispondi STOP per annullare",
  },
};

/** Replies that must tell the subscriber how to stop, whatever the merchant wrote. */
const NEEDS_STOP_WORDING: ReadonlySet<ComplianceReplyKind> = new Set([
  "help",
  "opt_in_confirmation",
  "double_opt_in_request",
  "resubscribed",
  "clarify_opt_out",
]);

/** Replies that disclose the message frequency. */
const DISCLOSES_FREQUENCY: ReadonlySet<ComplianceReplyKind> = new Set([
  "help",
  "opt_in_confirmation",
  "double_opt_in_request",
  "resubscribed",
]);

/**
 * The reply for `kind` in `language` (English when null or unsupported). A
 * merchant `override` replaces the template (`{brand}` and `{support}` are
 * filled in), but still gets the brand prefix, and, where the kind requires
 * them, the STOP instruction, the support contact (help) and a Y prompt
 * (double opt-in) appended when missing.
 */
export function composeComplianceReply(
  kind: ComplianceReplyKind,
  program: ProgramInfo,
  language?: Language | null,
  override?: string | null,
): string {
  const wording = wordingFor(language);
  const brand = requireBrand(program.brandName);
  const support = program.supportContact.trim();
  if (kind === "help" && !support) throw new RangeError("A help reply needs the program's support contact");
  const frequency = DISCLOSES_FREQUENCY.has(kind) ? frequencyDisclosure(wording, program.maxMessagesPerMonth) : "";
  const values: Record<string, string> = { brand, support, frequency, fromBrand: wording.fromBrand(brand) };

  const custom = override?.trim();
  if (!custom) return tidy(fill(wording.replies[kind], values));

  let text = ensureBrandPrefix(brand, fill(custom, { brand, support }));
  if (kind === "help" && !fold(text).includes(fold(support))) text = joinSentence(text, fill(wording.supportLine, values));
  if (kind === "double_opt_in_request" && !ASKS_FOR_YES.test(text)) text = joinSentence(text, wording.confirmInstruction);
  if (NEEDS_STOP_WORDING.has(kind) && !hasOptOutInstruction(text)) text = joinSentence(text, wording.stopInstruction);
  return tidy(text);
}

/** Marketing messages must start with the brand name; adds "<Brand>: " unless the body already does. */
export function ensureBrandPrefix(brandName: string, body: string): string {
  const brand = requireBrand(brandName);
  const text = body.trim();
  if (!text) return brand;
  return startsWithBrand(text, brand) ? text : `${brand}: ${text}`;
}

/** Adds the (localised) "Reply STOP to opt out" line unless the body already says how to opt out. */
export function appendOptOutFooter(body: string, language?: Language | null): string {
  if (hasOptOutInstruction(body)) return body;
  const head = body.trimEnd();
  const { footer } = wordingFor(language);
  return head ? `${head}\n${footer}` : footer;
}

// ───────────────────────────── helpers ─────────────────────────────

function wordingFor(language: Language | null | undefined): Wording {
  return language && Object.hasOwn(WORDING, language) ? WORDING[language] : WORDING.en;
}

function requireBrand(brandName: string): string {
  const brand = brandName.trim();
  if (!brand) throw new RangeError("The brand name is required: every message must start with it");
  return brand;
}

function frequencyDisclosure(wording: Wording, max: number | null): string {
  if (max === null) return "";
  if (!Number.isInteger(max) || max < 1) throw new RangeError(`maxMessagesPerMonth must be a positive integer or null, got ${max}`);
  return wording.frequency(max);
}

/** Fills {name} placeholders (any case) in one pass, so a brand containing "{support}" stays literal. */
function fill(template: string, values: Readonly<Record<string, string>>): string {
  const byName = new Map(Object.entries(values).map(([name, value]) => [name.toLowerCase(), value]));
  return template.replace(/\{\s*(\w+)\s*\}/g, (placeholder, name: string) => byName.get(name.toLowerCase()) ?? placeholder);
}

function fold(text: string): string {
  return text.normalize("NFKD").replace(/\p{M}/gu, "").toLowerCase();
}

/** Leading emoji, quotes or brackets do not hide the brand: "[Acme] …", "🎉 Acme: …". */
function startsWithBrand(text: string, brand: string): boolean {
  const trimLead = (value: string) => fold(value).replace(/^[^\p{L}\p{N}]+/u, "");
  const name = trimLead(brand);
  if (!name) return fold(text).startsWith(fold(brand)); // a brand of symbols only: compare as is
  const head = trimLead(text);
  return head.startsWith(name) && !/^[\p{L}\p{N}]/u.test(head.slice(name.length));
}

const OPT_OUT_VERBS =
  "reply|text|txt|send|respond|responde|responda|repondez|reponds|antworte|antworten|sende|senden|schreibe|rispondi|invia|envia|envie|manda";
const OPT_OUT_KEYWORDS = "stop|stopp|arret|baja|parar|sair|basta|annulla|unsubscribe|end|cancel|quit";
/** "Reply STOP", "Text 'STOP' to 12345", "Antworten Sie STOP", "Responde STOP o BAJA". */
const REPLY_WITH_KEYWORD = new RegExp(
  `(?<![\\p{L}\\p{N}])(?:${OPT_OUT_VERBS})(?:\\s+(?:with|sie|con|avec|mit|com))?[\\s:"'“”‘’«»]+(?:${OPT_OUT_KEYWORDS})(?![\\p{L}\\p{N}])`,
  "u",
);
/** "…, STOP to cancel", "STOP para cancelar": the keyword in capitals, so "don't stop to think" is not one. */
const KEYWORD_TO_ACT = /(?<![\p{L}\p{N}])STOP\s+(?:to|for|para|pour|per|zum|um)(?![\p{L}\p{N}])/u;
const ASKS_FOR_YES = /(?<![\p{L}\p{N}])(?:Y|YES|SI|SÍ|SÌ|OUI|JA|SIM|START)(?![\p{L}\p{N}])/u;

export function hasOptOutInstruction(text: string): boolean {
  return REPLY_WITH_KEYWORD.test(fold(text)) || KEYWORD_TO_ACT.test(text);
}

/** "Hello" + "Reply STOP…" → "Hello. Reply STOP…"; after punctuation or an emoji just a space. */
function joinSentence(text: string, sentence: string): string {
  const head = text.trimEnd();
  return /[\p{L}\p{N}]$/u.test(head) ? `${head}. ${sentence}` : `${head} ${sentence}`;
}

/** NFC (fewer UCS-2 surprises from decomposed accents), single spaces, no stray edges. */
function tidy(text: string): string {
  return text.normalize("NFC").replace(/[ \t]{2,}/g, " ").trim();
}
