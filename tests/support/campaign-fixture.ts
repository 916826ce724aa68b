/**
 * Subscribers in every state a campaign audience must tell apart, made through
 * the real consent engine (so their consent events, sources and timestamps are
 * what production writes), plus the few columns only other paths set.
 */
import type { Subscriber } from "@prisma/client";
import prisma from "../../app/db.server";
import { applyConsentChange } from "../../app/consent/consent-engine.server";
import type { ConsentSource } from "../../app/consent/transitions";

let nextNumber = 0;

/** A fresh NANP number: area code `areaCode` (default 212, New York), unique within the test file. */
export function testPhone(areaCode = "212"): string {
  nextNumber += 1;
  return `+1${areaCode}555${String(nextNumber).padStart(4, "0")}`;
}

export interface SubscriberSetup {
  phone?: string;
  source?: ConsentSource;
  subscribedAt?: Date;
  locale?: string | null;
  /** Columns other paths set (orders/create, addresses, delivery failures). */
  columns?: Partial<Pick<Subscriber, "firstName" | "lastOrderAt" | "region" | "timezone" | "unreachableAt">>;
}

/** Subscribed now, through the consent engine (single opt-in). */
export async function subscribe(shop: string, setup: SubscriberSetup = {}): Promise<Subscriber> {
  const { subscriber } = await applyConsentChange({
    shop,
    phone: setup.phone ?? testPhone(),
    action: "opt_in",
    source: setup.source ?? "keyword",
    evidence: { test: "campaign audience" },
    ...(setup.subscribedAt ? { occurredAt: setup.subscribedAt } : {}),
    ...(setup.locale !== undefined ? { locale: setup.locale } : {}),
  });
  if (!setup.columns) return subscriber;
  return prisma.subscriber.update({ where: { id: subscriber.id }, data: setup.columns });
}

/** One subscriber in each state that must never be in an audience: pending, expired, unsubscribed, unreachable. */
export async function nonAudience(shop: string): Promise<Subscriber[]> {
  const pending = (await applyConsentChange({ shop, phone: testPhone(), action: "request_opt_in", source: "checkout", evidence: { test: "pending" } })).subscriber;
  const expiring = (await applyConsentChange({ shop, phone: testPhone(), action: "request_opt_in", source: "checkout", evidence: { test: "expired" } })).subscriber;
  const expired = (await applyConsentChange({ shop, phone: expiring.phone, action: "expire", source: "system", evidence: { test: "expired" } })).subscriber!;
  const stopped = await subscribe(shop);
  const unsubscribed = (await applyConsentChange({ shop, phone: stopped.phone, action: "opt_out", source: "keyword", evidence: { body: "STOP" } })).subscriber;
  const unreachable = await subscribe(shop, { columns: { unreachableAt: new Date() } });
  return [pending, expired, unsubscribed, unreachable];
}
