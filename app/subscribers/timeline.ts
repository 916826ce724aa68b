/**
 * A subscriber's story in words: each consent event, text sent and text
 * received becomes one sentence a merchant (or their lawyer) can read aloud,
 * e.g. "Ticked the box at checkout, order 1043, 3 Sep 2026, 14:02 EDT, saw
 * disclosure v3". Pure: the caller passes the rows and how to write a time.
 *
 * Every source and kind the consent engine writes has its wording here, from
 * the evidence keys its writer records (checkout-consent.server.ts,
 * inbound-sms.server.ts, delivery-status.server.ts, outbox.server.ts,
 * marketing-consent-webhook.server.ts, customer-redaction.server.ts, imports,
 * staff-consent.server.ts). Anything else still reads as a sentence built
 * from its kind and source, and the raw evidence is always shown beside it.
 */
import { twilioErrorMeaning } from "../messaging/delivery-status";

export type Evidence = Record<string, unknown>;
/** A time as the database gives it, or as it arrives in the browser (JSON): both are read. */
export type Instant = Date | string;
const instant = (at: Instant): Date => (at instanceof Date ? at : new Date(at));
const whenOf = (context: { when: (at: Date) => string }, at: Instant) => context.when(instant(at));

export interface TimelineConsentEvent {
  seq: number;
  kind: string;
  source: string;
  fromStatus: string | null;
  toStatus: string;
  occurredAt: Instant;
  /** When the ledger wrote it (a late webhook records a consent given earlier). */
  recordedAt?: Instant;
  evidence: Evidence;
  hash: string;
  redactedAt: Instant | null;
}

export interface TimelineMessage {
  id: string;
  kind: string; // marketing | transactional | compliance
  status: string;
  body: string;
  bodyPurgedAt: Instant | null;
  errorCode: number | null;
  errorMessage: string | null;
  skipReason: string | null;
  campaignName: string | null;
  createdAt: Instant;
  nextAttemptAt: Instant;
  sentAt: Instant | null;
  deliveredAt: Instant | null;
}

export interface TimelineInbound {
  messageSid: string;
  body: string;
  intent: string;
  replyTwiml: string;
  receivedAt: Instant;
  bodyPurgedAt: Instant | null;
}

export interface DisclosureRef {
  id: string;
  version: number;
  locale: string;
  contentHash: string;
}

export interface TimelineContext {
  /** Writes an instant in the shop's zone, with the zone named (LocaleFormat.dateTime of app/components/locale-format.ts). */
  when: (at: Date) => string;
  /** The disclosure versions the events point at, by id (only this shop's). */
  disclosures: ReadonlyMap<string, DisclosureRef>;
  /** Days after which the shop blanks message bodies (Shop.messageRetentionDays). */
  retentionDays: number;
  /** Why a sending rule held a text back, in words (Message.skipReason → words). */
  skipReasonWords?: Readonly<Record<string, string>>;
}

export interface TimelineDetail {
  label: string;
  value: string;
}

export interface TimelineEntry {
  key: string;
  type: "consent" | "sent" | "received";
  /** ISO time the entry sorts by. */
  at: string;
  sentence: string;
  /** A quoted text body, or why it is no longer here. */
  quote: string | null;
  /** The disclosure version the person saw, when the evidence names one of this shop's. */
  disclosure: { id: string; label: string } | null;
  /** The raw record behind the sentence: evidence keys and values, and for a consent event its seq and hash. */
  details: TimelineDetail[];
  tone: "success" | "critical" | "attention" | "info" | null;
}

const MAX_QUOTE = 160;

const str = (value: unknown): string | null => (typeof value === "string" && value.trim() !== "" ? value.trim() : typeof value === "number" ? String(value) : null);
const quoted = (text: string) => `"${text.length > MAX_QUOTE ? `${text.slice(0, MAX_QUOTE - 1)}…` : text}"`;
const join = (...parts: (string | null | undefined | false)[]) => parts.filter((part): part is string => Boolean(part)).join(", ");

/** "gid://shopify/Order/5001043" → "order 5001043" (Shopify's own order name is not in the evidence). */
export function orderLabel(orderId: unknown): string | null {
  const id = str(orderId);
  if (!id) return null;
  return `order ${id.replace(/^gid:\/\/shopify\/Order\//, "")}`;
}

function disclosureOf(evidence: Evidence, context: TimelineContext): { ref: DisclosureRef | null; words: string | null } {
  const id = str(evidence.disclosureVersionId);
  const ref = id ? (context.disclosures.get(id) ?? null) : null;
  const version = ref?.version ?? (typeof evidence.disclosureVersion === "number" ? evidence.disclosureVersion : null);
  const locale = str(evidence.disclosureLocale) ?? ref?.locale ?? null;
  if (version === null) return { ref, words: id || evidence.disclosureText ? "saw the disclosure recorded in the evidence" : null };
  return { ref, words: `saw disclosure v${version}${locale && locale !== "en" ? ` (${locale})` : ""}` };
}

/** A short answer in the TwiML the app replied with, or null when it stayed silent (or the reply was blanked). */
export function replyOf(twiml: string): string | null {
  const match = /<Message[^>]*>([\s\S]*?)<\/Message>/.exec(twiml);
  if (!match) return null;
  return match[1]!
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, "&");
}

/** What happened to the reply to a text that changed consent. */
function replyWords(event: TimelineConsentEvent, inbound: TimelineInbound | undefined, confirmation: string): string | null {
  if (event.evidence.optOutType) return `Twilio sent the ${confirmation}`;
  if (!inbound || inbound.bodyPurgedAt) return null;
  // An empty answer to a text that changed consent: Twilio's own keyword handling replied (see inbound-reply-plan.ts).
  return replyOf(inbound.replyTwiml) ? `${confirmation} sent` : `${confirmation} sent by Twilio (its keyword handling)`;
}

function keywordSentence(event: TimelineConsentEvent, time: string, inbound: TimelineInbound | undefined): string {
  const body = str(event.evidence.body);
  const texted = body ? `Texted ${quoted(body)}` : "Texted the shop's number";
  const matched = str(event.evidence.matched);
  const freeText = body && matched && body.trim().toUpperCase() !== matched.toUpperCase();
  switch (event.kind) {
    case "opted_out":
      return join(
        texted,
        time,
        freeText ? `read as an opt-out (matched "${matched}")` : null,
        replyWords(event, inbound, "confirmation") ?? null,
      );
    case "opt_in_requested":
      return join(texted, time, "asked to reply Y to confirm (double opt-in)");
    case "confirmed":
      return join(body ? `Replied ${quoted(body)} to confirm` : "Replied to confirm", time, "subscribed (confirmed opt-in)");
    case "resubscribed":
      return join(texted, time, "subscribed again after opting out");
    case "opted_in":
      return join(texted, time, "subscribed");
    default:
      return fallbackSentence(event, time);
  }
}

function checkoutSentence(event: TimelineConsentEvent, time: string, disclosure: string | null): string {
  const { evidence } = event;
  const order = orderLabel(evidence.orderId);
  const where = evidence.channel === "thank_you" ? "on the Thank-you page" : "at checkout";
  switch (event.kind) {
    case "opted_in":
      return join(`Ticked the box ${where}`, order, time, disclosure);
    case "opt_in_requested":
      return join(`Ticked the box ${where}`, order, time, disclosure, "asked to reply Y to confirm (double opt-in)");
    case "resubscribed":
      return join(`Ticked the box ${where} after opting out`, order, time, disclosure, "subscribed again");
    case "opted_out": {
      const withdrawal = str(evidence.withdrawal);
      const what =
        withdrawal === "shopper gave another number for this order"
          ? `Gave another number ${where}`
          : `Unticked the box ${where}`;
      return join(what, order, time, "consent withdrawn");
    }
    default:
      return fallbackSentence(event, time);
  }
}

function adminSentence(event: TimelineConsentEvent, time: string): string {
  const { evidence } = event;
  // "Ada Lovelace <ada@…> (Shopify user 42)" reads as "Ada Lovelace <ada@…>"; the evidence keeps the whole label.
  const staff = (str(evidence.staff) ?? "a staff member").replace(/^(.+\S) \(Shopify user [^)]*\)$/, "$1");
  const reason = str(evidence.reason);
  const note = str(evidence.note);
  const reasonWords = reason ? `reason: ${reason}${note ? ` (${note})` : ""}` : null;
  const given = join(str(evidence.consentMethod), str(evidence.consentWhere), consentDate(evidence.consentGivenAt));
  const consentWords = given ? `consent given elsewhere: ${given}` : null;
  switch (event.kind) {
    case "opted_out":
      return join(`Opted out by staff (${staff})`, time, reasonWords);
    case "opted_in":
      return join(`Opted in by staff (${staff})`, time, reasonWords, consentWords);
    case "opt_in_requested":
      return join(`Added by staff (${staff}), confirmation by text requested`, time, reasonWords, consentWords);
    default:
      return join(fallbackSentence(event, time), `by staff (${staff})`, reasonWords);
  }
}

function consentDate(value: unknown): string | null {
  const text = str(value);
  return text ? `on ${text.slice(0, 10)}` : null;
}

function importSentence(event: TimelineConsentEvent, time: string): string {
  const { evidence } = event;
  const file = str(evidence.fileName) ?? str(evidence.file);
  const row = str(evidence.row);
  const staff = str(evidence.staff);
  const from = join(file ? `from ${file}` : "from a list", row ? `row ${row}` : null, staff ? `by ${staff}` : null);
  const given = join(str(evidence.consentSource), consentDate(evidence.consentAt ?? evidence.consentGivenAt));
  const consentWords = given ? `consent given ${given}` : null;
  switch (event.kind) {
    case "opted_in":
      return join(`Imported ${from}`, time, consentWords, evidence.confirmedInFile === true ? "subscribed (confirmed in the file)" : "subscribed");
    case "confirmed":
      return join(`Imported ${from}`, time, consentWords, "recorded as already confirmed");
    case "opt_in_requested":
      return join(`Imported ${from}`, time, consentWords, "asked to reply Y to confirm (double opt-in)");
    case "opted_out":
      return join(`Imported ${from} as opted out`, time);
    default:
      return join(fallbackSentence(event, time), from);
  }
}

function shopifySentence(event: TimelineConsentEvent, time: string): string {
  const collected = str(event.evidence.collectedFrom);
  const level = event.evidence.optInLevel === "confirmed_opt_in" ? "confirmed opt-in" : null;
  const detail = join(collected ? `collected from ${collected.toLowerCase().replace(/_/g, " ")}` : null, level);
  switch (event.kind) {
    case "opted_in":
    case "resubscribed":
      return join(`Marked subscribed in Shopify's customer record${detail ? ` (${detail})` : ""}`, time, "synced from Shopify");
    case "opted_out":
      return join("Marked unsubscribed in Shopify's customer record", time, "synced from Shopify");
    default:
      return join(fallbackSentence(event, time), "synced from Shopify");
  }
}

function carrierSentence(event: TimelineConsentEvent, time: string): string {
  const code = typeof event.evidence.errorCode === "number" ? event.evidence.errorCode : Number(event.evidence.errorCode) || null;
  return join(`Opted out at the carrier${code ? ` (Twilio error ${code}: ${twilioErrorMeaning(code).toLowerCase()})` : ""}`, time, "no texts go to this number");
}

function systemSentence(event: TimelineConsentEvent, time: string): string {
  const reason = str(event.evidence.reason) ?? "";
  if (event.kind === "expired") return join("No reply Y before the confirmation window closed", time, "request expired, not subscribed");
  if (event.kind === "opted_out" && (reason.includes("erasure") || event.redactedAt)) {
    return join("Erased at the customer's request", time, "opted out for good");
  }
  return join(fallbackSentence(event, time), reason || null);
}

function formSentence(event: TimelineConsentEvent, time: string, disclosure: string | null): string {
  const form = str(event.evidence.formId) ?? str(event.evidence.form);
  const what = `Signed up with a form${form ? ` (${form})` : ""}`;
  if (event.kind === "opt_in_requested") return join(what, time, disclosure, "asked to reply Y to confirm (double opt-in)");
  if (event.kind === "opted_in" || event.kind === "resubscribed") return join(what, time, disclosure, "subscribed");
  return fallbackSentence(event, time);
}

const KIND_WORDS: Readonly<Record<string, string>> = {
  opt_in_requested: "Asked to confirm by text",
  opted_in: "Subscribed",
  confirmed: "Confirmed",
  resubscribed: "Subscribed again",
  opted_out: "Opted out",
  carrier_opt_out: "Opted out at the carrier",
  expired: "Confirmation request expired",
};

const SOURCE_WORDS: Readonly<Record<string, string>> = {
  checkout: "at checkout",
  keyword: "by text",
  form: "with a form",
  import: "by an import",
  admin: "by staff",
  carrier: "by the carrier",
  shopify_sync: "from Shopify",
  system: "by the app",
};

/** Any event, from its kind and source alone. */
function fallbackSentence(event: TimelineConsentEvent, time: string): string {
  const what = KIND_WORDS[event.kind] ?? `${event.kind.replace(/_/g, " ")}`;
  const how = SOURCE_WORDS[event.source] ?? `(source: ${event.source.replace(/_/g, " ")})`;
  return join(`${what[0]!.toUpperCase()}${what.slice(1)} ${how}`, time, `now ${event.toStatus}`);
}

export function consentSentence(event: TimelineConsentEvent, context: TimelineContext, inbound?: TimelineInbound): string {
  const time = whenOf(context, event.occurredAt);
  const disclosure = disclosureOf(event.evidence, context).words;
  let sentence: string;
  switch (event.source) {
    case "checkout":
      sentence = checkoutSentence(event, time, disclosure);
      break;
    case "keyword":
      sentence = keywordSentence(event, time, inbound);
      break;
    case "admin":
      sentence = adminSentence(event, time);
      break;
    case "import":
      sentence = importSentence(event, time);
      break;
    case "shopify_sync":
      sentence = shopifySentence(event, time);
      break;
    case "carrier":
      sentence = carrierSentence(event, time);
      break;
    case "system":
      sentence = systemSentence(event, time);
      break;
    case "form":
      sentence = formSentence(event, time, disclosure);
      break;
    default:
      sentence = fallbackSentence(event, time);
  }
  if (event.redactedAt && !(event.source === "system" && event.kind === "opted_out")) {
    sentence += ` (details erased at the customer's request, ${whenOf(context, event.redactedAt)})`;
  }
  return sentence;
}

function valueWords(value: unknown): string {
  if (value === null || value === undefined) return "—";
  if (typeof value === "object") return JSON.stringify(value);
  return String(value);
}

function eventEntry(event: TimelineConsentEvent, context: TimelineContext, inbound?: TimelineInbound): TimelineEntry {
  const { ref, words } = disclosureOf(event.evidence, context);
  const recordedHash = str(event.evidence.disclosureHash);
  const details: TimelineDetail[] = [
    { label: "Ledger position (seq)", value: String(event.seq) },
    { label: "Event hash (SHA-256)", value: event.hash },
    { label: "Kind", value: event.kind },
    { label: "Source", value: event.source },
    { label: "Status", value: `${event.fromStatus ?? "new"} → ${event.toStatus}` },
    { label: "Happened", value: whenOf(context, event.occurredAt) },
    ...(event.recordedAt ? [{ label: "Recorded in the ledger", value: whenOf(context, event.recordedAt) }] : []),
    ...Object.entries(event.evidence).map(([key, value]) => ({ label: key, value: valueWords(value) })),
  ];
  if (ref && recordedHash && recordedHash !== ref.contentHash) {
    details.push({ label: "Disclosure check", value: "the hash recorded does not match the published version's hash" });
  }
  if (event.redactedAt) details.push({ label: "Evidence", value: `erased at the customer's request, ${whenOf(context, event.redactedAt)}` });
  return {
    key: `event-${event.seq}`,
    type: "consent",
    at: instant(event.occurredAt).toISOString(),
    sentence: consentSentence(event, context, inbound),
    quote: null,
    disclosure: ref && words ? { id: ref.id, label: `Disclosure v${ref.version} as shown` } : null,
    details,
    tone: event.toStatus === "subscribed" ? "success" : event.toStatus === "unsubscribed" ? "critical" : event.toStatus === "pending" ? "attention" : null,
  };
}

const MESSAGE_KIND_WORDS: Readonly<Record<string, string>> = {
  marketing: "Campaign text",
  transactional: "Order update",
  compliance: "Compliance text",
};

function messageStatusWords(message: TimelineMessage, context: TimelineContext): string {
  const skipWords = (reason: string) => context.skipReasonWords?.[reason] ?? reason.replace(/_/g, " ");
  const error = message.errorCode !== null ? `${twilioErrorMeaning(message.errorCode)} (error ${message.errorCode})` : message.errorMessage;
  switch (message.status) {
    case "queued":
      return `waiting to be sent, due ${whenOf(context, message.nextAttemptAt)}`;
    case "sending":
      return "being sent";
    case "sent":
      return "sent, delivery not yet reported";
    case "delivered":
      return "delivered";
    case "undelivered":
      return `not delivered: ${error ?? "no reason given"}`;
    case "failed":
      return `failed: ${error ?? "no reason given"}`;
    case "cancelled":
      return `cancelled before sending${message.errorMessage ? ` (${message.errorMessage})` : ""}`;
    case "suppressed":
      return `not sent: ${message.skipReason ? skipWords(message.skipReason) : "the number was not subscribed when it was due"}`;
    case "skipped":
      return `not sent: ${message.skipReason ? skipWords(message.skipReason) : "a sending rule held it back"}`;
    case "unknown":
      return "outcome unknown (the worker stopped while handing it to Twilio; never sent again)";
    default:
      return message.status;
  }
}

function bodyWords(body: string, purgedAt: Instant | null, context: TimelineContext): string {
  if (purgedAt) return `Text removed after ${context.retentionDays} days (the shop's retention setting), ${whenOf(context, purgedAt)}`;
  if (body === "") return "Text erased at the customer's request";
  return quoted(body);
}

function messageEntry(message: TimelineMessage, context: TimelineContext): TimelineEntry {
  const at = instant(message.deliveredAt ?? message.sentAt ?? (message.status === "queued" ? message.nextAttemptAt : message.createdAt));
  const what = message.kind === "marketing" && message.campaignName ? `Campaign text "${message.campaignName}"` : (MESSAGE_KIND_WORDS[message.kind] ?? "Text");
  const failedStatus = message.status === "failed" || message.status === "undelivered";
  return {
    key: `sent-${message.id}`,
    type: "sent",
    at: at.toISOString(),
    sentence: join(`${what} to them`, whenOf(context, at), messageStatusWords(message, context)),
    quote: bodyWords(message.body, message.bodyPurgedAt, context),
    disclosure: null,
    details: [
      { label: "Message id", value: message.id },
      { label: "Kind", value: message.kind },
      { label: "Status", value: message.status },
      { label: "Queued", value: whenOf(context, message.createdAt) },
      ...(message.sentAt ? [{ label: "Sent", value: whenOf(context, message.sentAt) }] : []),
      ...(message.deliveredAt ? [{ label: "Delivered", value: whenOf(context, message.deliveredAt) }] : []),
      ...(message.errorCode !== null ? [{ label: "Error code", value: `${message.errorCode}: ${twilioErrorMeaning(message.errorCode)}` }] : []),
      ...(message.errorMessage ? [{ label: "Error", value: message.errorMessage }] : []),
      ...(message.skipReason ? [{ label: "Skip reason", value: message.skipReason }] : []),
    ],
    tone: failedStatus ? "critical" : null,
  };
}

const INTENT_WORDS: Readonly<Record<string, string>> = {
  help: "asked for help",
  opt_in: "an opt-in word",
  opt_out: "an opt-out",
  ambiguous_opt_out: "maybe an opt-out: asked them to reply STOP to be sure",
  other: "no keyword: nothing changed",
};

function inboundEntry(inbound: TimelineInbound, context: TimelineContext): TimelineEntry {
  const reply = inbound.bodyPurgedAt ? null : replyOf(inbound.replyTwiml);
  return {
    key: `received-${inbound.messageSid}`,
    type: "received",
    at: instant(inbound.receivedAt).toISOString(),
    sentence: join(
      "Texted the shop",
      whenOf(context, inbound.receivedAt),
      INTENT_WORDS[inbound.intent] ?? inbound.intent.replace(/_/g, " "),
      inbound.bodyPurgedAt ? null : reply ? `replied ${quoted(reply)}` : "no reply",
    ),
    quote: bodyWords(inbound.body, inbound.bodyPurgedAt, context),
    disclosure: null,
    details: [
      { label: "MessageSid", value: inbound.messageSid },
      { label: "Read as", value: inbound.intent },
    ],
    tone: null,
  };
}

/**
 * The whole story, oldest first. A text that changed consent (a STOP, a JOIN,
 * a Y) is told once, in its consent event's sentence, and not again as a text
 * received.
 */
export function buildTimeline(
  rows: {
    events: readonly TimelineConsentEvent[];
    messages: readonly TimelineMessage[];
    inbound: readonly TimelineInbound[];
    /** Texts behind consent events that are older than the texts listed: read for their events, not listed. */
    consentTexts?: readonly TimelineInbound[];
  },
  context: TimelineContext,
): TimelineEntry[] {
  const inboundBySid = new Map([...(rows.consentTexts ?? []), ...rows.inbound].map((text) => [text.messageSid, text]));
  const told = new Set<string>();
  const entries: TimelineEntry[] = rows.events.map((event) => {
    const sid = event.source === "keyword" ? str(event.evidence.messageSid) : null;
    const inbound = sid ? inboundBySid.get(sid) : undefined;
    if (inbound) told.add(inbound.messageSid);
    const entry = eventEntry(event, context, inbound);
    if (inbound) entry.details.push({ label: "Text received", value: bodyWords(inbound.body, inbound.bodyPurgedAt, context) });
    return entry;
  });
  entries.push(...rows.messages.map((message) => messageEntry(message, context)));
  entries.push(...rows.inbound.filter((text) => !told.has(text.messageSid)).map((text) => inboundEntry(text, context)));
  const rank = { consent: 0, received: 1, sent: 2 } as const;
  return entries.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : rank[a.type] - rank[b.type]));
}
