/**
 * One inbound text, understood, acted on and answered: the InboundMessage row
 * (with the exact TwiML reply) and any consent change commit in one
 * transaction, so a text is either fully handled or not at all.
 *
 * Idempotency rests on InboundMessage's primary key (Twilio's MessageSid),
 * written last in the transaction: a retry or a concurrent duplicate fails
 * that insert, its whole transaction (consent change included) rolls back, and
 * it answers with the reply stored by the first. No read before the write:
 * retries are rare, and the insert settles races that a read could not.
 *
 * Speed (this runs for every text, see scripts/bench-inbound.ts): the whole
 * transaction is plain SQL through withSqlTransaction (on SQLite, prepared
 * statements on the app's own connection), replies are rendered and short
 * texts classified once per cached shop.
 */
import type { Subscriber } from "@prisma/client";
import twilio from "twilio";
import { withSqlTransaction, type SqlTransactionOptions } from "../db.server";
import { isUniqueViolation, type Sql } from "../db/sql.server";
import { composeComplianceReply, type ComplianceReplyKind } from "../messaging/compose";
import type { InboundShop } from "../shops/inbound-shop-cache.server";
import { applyConsentChange, hasLapsed, prepareConsentBatch } from "../consent/consent-engine.server";
import { findSubscriber } from "../consent/subscriber-sql.server";
import type { BatchHint } from "../db/group-commit";
import { intentOf, planInbound, twilioAnswered, type EffectiveStatus, type InboundAction } from "./inbound-reply-plan";
import type { InboundSms } from "./inbound-sms-params";
import { classifyInbound, type Classification, type InboundIntent } from "../consent/keywords";
import { type Language } from "../language/languages";
import type { SubscriberStatus } from "../consent/transitions";

const HOUR_MS = 60 * 60 * 1000;
/** The intents planInbound can act on (inbound-reply-plan.ts). Another would still be correct, only queued less well. */
const MAY_CHANGE_CONSENT: ReadonlySet<InboundIntent> = new Set(["opt_out", "opt_in"]);

export interface InboundResult {
  twiml: string;
  intent: string;
  /** True when this MessageSid had been answered before and its stored reply was returned. */
  replayed: boolean;
}

/** The MessageSid belongs to another shop's text: never answered with (or overwritten by) this one. */
export class MessageSidConflictError extends Error {
  constructor(messageSid: string) {
    super(`MessageSid ${messageSid} was already received for another shop`);
    this.name = "MessageSidConflictError";
  }
}

export async function receiveInboundSms(shop: InboundShop, sms: InboundSms, now: Date = new Date()): Promise<InboundResult> {
  const classification = classificationOf(shop, sms.body);
  const intent = intentOf(classification.intent, sms.optOutType);
  // A text that may change consent queues with the shop's other consent changes; the rest never wait behind them.
  const mayChangeConsent = MAY_CHANGE_CONSENT.has(intent);
  const transaction = { mayLockChainOf: mayChangeConsent ? shop.shop : undefined };
  // On PostgreSQL, texts that arrive together run as one batch (db/group-commit.ts): a shop's consent changes, or the rest.
  const batch = mayChangeConsent ? consentBatch(shop.shop, sms.from) : OTHER_TEXTS_BATCH;
  // A unique violation on another table (two first texts from one number racing
  // to create its subscriber) is retried once: the second attempt sees the row.
  for (let attempt = 1; ; attempt++) {
    try {
      // The first attempt only: a retry after a unique violation runs alone, as an ordinary unit.
      const options = attempt === 1 ? { ...transaction, batch } : transaction;
      return await withSqlTransaction((sql) => handle(sql, shop, sms, classification, intent, now), options);
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      const stored = await storedAnswer(sms.messageSid, transaction);
      if (stored && stored.shop !== shop.shop) throw new MessageSidConflictError(sms.messageSid);
      if (stored) return { twiml: stored.replyTwiml, intent: stored.intent, replayed: true };
      if (attempt >= 2) throw error;
    }
  }
}

// Most texts are a handful of keywords (STOP, HELP, YES…), each classified once per cached shop (its own keywords
// count): a classification is a pure function of the two, made of strings. Long free text is not kept.
const classifications = new WeakMap<InboundShop, Map<string, Classification>>();
const MAX_CLASSIFIED_LENGTH = 40;
const MAX_CLASSIFIED_BODIES = 1_000;

function classificationOf(shop: InboundShop, body: string): Classification {
  if (body.length > MAX_CLASSIFIED_LENGTH) return classifyInbound(body, { extraOptInKeywords: shop.extraOptInKeywords });
  let known = classifications.get(shop);
  if (!known) classifications.set(shop, (known = new Map()));
  let classification = known.get(body);
  if (classification === undefined) {
    if (known.size >= MAX_CLASSIFIED_BODIES) known.clear();
    classification = Object.freeze(classifyInbound(body, { extraOptInKeywords: shop.extraOptInKeywords }));
    known.set(body, classification);
  }
  return classification;
}

/**
 * One text's place in a batch of its shop's consent changes. `handle` writes
 * only subscribers (through subscriber-sql, which keeps Sql.known), ledger
 * events, sync jobs, cancelled messages and its InboundMessage row, and has
 * no effect outside the transaction: it may run in a batch (BatchHint).
 * The batch first takes the shop's chain lock, then reads every number's
 * subscriber and erasure record in one query.
 */
function consentBatch(shop: string, phone: string): BatchHint<string> {
  return { key: `inbound-consent\u0000${shop}`, data: phone, prepare: (sql, phones) => prepareConsentBatch(sql, shop, phones) };
}

/**
 * Texts that change no consent (HELP, questions) write only their
 * InboundMessage row: any number of them can share a batch, with nothing to
 * prepare. (Should planInbound ever act on one, its reads would simply miss
 * Sql.known and go to the database: slower, still correct.)
 */
const OTHER_TEXTS_BATCH: BatchHint<null> = { key: "inbound", data: null, prepare: async () => {} };

/**
 * The answer stored for a MessageSid. Read through withSqlTransaction, not the
 * Prisma client: a concurrent copy's row may belong to a group that has not
 * committed yet, and this read (queued behind it, or in the same group) then
 * answers only once that row is committed, or fails with it. Same queue as
 * the text's own transaction: the copy it races is in it.
 */
async function storedAnswer(
  messageSid: string,
  transaction: SqlTransactionOptions,
): Promise<{ shop: string; intent: string; replyTwiml: string } | null> {
  const [row] = await withSqlTransaction(
    (sql) => sql.all(`SELECT "shop", "intent", "replyTwiml" FROM "InboundMessage" WHERE "messageSid" = ?`, [messageSid]),
    transaction,
  );
  return row ? { shop: String(row.shop), intent: String(row.intent), replyTwiml: String(row.replyTwiml) } : null;
}

type SubscriberSnapshot = Pick<Subscriber, "id" | "status" | "pendingExpiresAt" | "locale">;

async function handle(
  sql: Sql,
  shop: InboundShop,
  sms: InboundSms,
  classification: Classification,
  intent: InboundIntent,
  now: Date,
): Promise<InboundResult> {
  // Only an opt-in depends on where the number stands; nothing else needs the read.
  const current = intent === "opt_in" ? await findSubscriber(sql, shop.shop, sms.from) : null;
  const plan = planInbound({
    intent,
    matched: classification.matched,
    status: statusOf(current, now),
    shopKeywords: shop.extraOptInKeywords,
    doubleOptIn: shop.settings.doubleOptIn,
    twilioAnswered: twilioAnswered(shop.settings.keywordMode, classification.twilioKeyword, sms.optOutType, intent),
    shopInstalled: shop.settings.uninstalledAt === null,
  });

  const subscriber = plan.action ? await applyPlan(sql, shop, sms, classification, plan.action, now) : current;
  const twiml = plan.reply
    ? replyTwiml(shop, plan.reply, replyLanguage(shop.supportedLanguages, classification, subscriber?.locale ?? null))
    : EMPTY_TWIML;

  // Written last and deferred: it goes with this text's other writes, and a duplicate MessageSid fails them all.
  await sql.defer(
    `INSERT INTO "InboundMessage" ("messageSid", "shop", "fromPhone", "toPhone", "body", "intent", "subscriberId", "replyTwiml", "receivedAt")
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    [sms.messageSid, shop.shop, sms.from, sms.to, sms.body, intent, subscriber?.id ?? null, twiml, now],
  );
  return { twiml, intent, replayed: false };
}

function statusOf(subscriber: SubscriberSnapshot | null, now: Date): EffectiveStatus {
  if (!subscriber) return "none";
  return hasLapsed(subscriber, now) ? "expired" : (subscriber.status as SubscriberStatus);
}

async function applyPlan(
  sql: Sql,
  shop: InboundShop,
  sms: InboundSms,
  classification: Classification,
  action: InboundAction,
  now: Date,
): Promise<SubscriberSnapshot | null> {
  const { subscriber } = await applyConsentChange(
    {
      shop: shop.shop,
      phone: sms.from,
      action,
      source: "keyword",
      occurredAt: now,
      evidence: {
        messageSid: sms.messageSid,
        body: sms.body,
        from: sms.from,
        to: sms.to,
        matched: classification.matched,
        language: classification.language,
        optOutType: sms.optOutType,
      },
      // The language of a worded opt-in is the best guess at the person's; universal START/YES says nothing.
      ...(action !== "opt_out" && classification.twilioKeyword === null ? { locale: classification.language } : {}),
      ...(action === "request_opt_in"
        ? { pendingExpiresAt: new Date(now.getTime() + shop.settings.pendingExpiryHours * HOUR_MS) }
        : {}),
    },
    sql,
  );
  return subscriber;
}

/**
 * The reply's language: a message worded in a language the shop supports is
 * answered in it. The universal keywords (STOP, HELP, START…) are typed by
 * speakers of every language, so for those the subscriber's known language
 * comes first. Otherwise the shop's first language.
 */
export function replyLanguage(
  supported: readonly Language[],
  message: Pick<Classification, "language" | "twilioKeyword">,
  subscriberLocale: string | null,
): Language {
  const fromMessage = message.language && supported.includes(message.language) ? message.language : null;
  if (fromMessage && message.twilioKeyword === null) return fromMessage;
  const known = supported.find((language) => language === subscriberLocale?.split(/[-_]/)[0]?.toLowerCase());
  return known ?? fromMessage ?? supported[0] ?? "en";
}

export const EMPTY_TWIML = renderTwiml(null);

export function renderTwiml(text: string | null): string {
  const response = new twilio.twiml.MessagingResponse();
  if (text) response.message(text);
  return response.toString();
}

// Rendered replies live as long as the cached shop they were made from, so a settings change is picked up with it.
const renderedReplies = new WeakMap<InboundShop, Map<string, string>>();

function replyTwiml(shop: InboundShop, kind: ComplianceReplyKind, language: Language): string {
  let rendered = renderedReplies.get(shop);
  if (!rendered) renderedReplies.set(shop, (rendered = new Map()));
  const key = `${kind}:${language}`;
  let twiml = rendered.get(key);
  if (twiml === undefined) rendered.set(key, (twiml = renderTwiml(replyText(shop, kind, language))));
  return twiml;
}

/** The merchant's own wording replaces ours only in the shop's first language: it is written in that one. */
function replyText(shop: InboundShop, kind: ComplianceReplyKind, language: Language): string {
  const { settings } = shop;
  const ownWording: Partial<Record<ComplianceReplyKind, string | null>> = {
    help: settings.helpText,
    opt_out_confirmation: settings.optOutText,
    opt_in_confirmation: settings.optInText,
  };
  const override = language === (shop.supportedLanguages[0] ?? "en") ? (ownWording[kind] ?? null) : null;
  return composeComplianceReply(
    kind,
    { brandName: settings.brandName, supportContact: settings.supportContact, maxMessagesPerMonth: settings.maxMessagesPerMonth },
    language,
    override,
  );
}
