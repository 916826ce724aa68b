/**
 * orders/create: the consent the shopper gave at the contact step arrives with
 * the order (note_attributes). Idempotent twice over, in the transaction that
 * does the work: on the delivery (X-Shopify-Webhook-Id, as Shopify retries)
 * and on the order (Shopify can deliver one order under two webhook ids).
 * Every delivery is recorded as processed, with or without consent in it; the
 * payload itself is never stored. Every order also moves its customer's
 * subscriber rows' lastOrderAt and firstName, which campaigns read (and the
 * customer's last name and e-mail, which staff search by, and the state
 * their address is in, which the sending rules and audiences read), and is
 * recorded with the campaign it is credited to (app/attribution/orders.server.ts).
 */
import { orderFactsFrom } from "../attribution/order-facts";
import { recordOrder } from "../attribution/orders.server";
import type { DbTx } from "../db.server";
import { claimKey, inIdempotentTransaction } from "../webhooks/idempotency.server";
import { recordCheckoutConsent, type CheckoutConsentResult } from "./checkout-consent.server";
import { parseOrdersCreate, type OrderFacts, type ParsedOrder } from "./order-consent";
import { orderKeyOf, ORDERS_CREATE_TOPIC } from "./processed-keys.server";

export type OrdersCreateOutcome =
  | { status: "duplicate_webhook" }
  | { status: "duplicate_order" }
  | { status: "not_an_order"; reason: string }
  | { status: "no_consent" }
  | { status: "handled"; consent: CheckoutConsentResult };

/** Consent outcomes in which this order's buyer subscribed the number (not one found subscribed or pending already). */
const NEWLY_GIVEN: ReadonlySet<string> = new Set(["subscribed", "pending", "resubscribed"]);

// Shopify waits 5 s for the answer; on SQLite a transaction may queue behind others first.
const TRANSACTION_OPTIONS = { maxWait: 5_000, timeout: 10_000 };

export async function handleOrdersCreate(
  shop: string,
  webhookId: string,
  payload: unknown,
  options: { now?: Date; log?: (line: string) => void } = {},
): Promise<OrdersCreateOutcome> {
  const now = options.now ?? new Date();
  const log = options.log ?? ((line: string) => console.warn(line));
  const parsed = parseOrdersCreate(payload);
  const orderFacts = orderFactsFrom(payload, now);

  // A concurrent duplicate fails on a key's insert and rolls back whole; once
  // more, it finds the keys the other delivery committed and stops there.
  return inIdempotentTransaction(async (tx): Promise<OrdersCreateOutcome> => {
    if (!(await claimKey(tx, { key: webhookId, shop, topic: ORDERS_CREATE_TOPIC }, now))) return { status: "duplicate_webhook" };
    if (!parsed.ok) {
      log(`orders/create ${webhookId} (shop ${shop}) ignored: ${parsed.reason}`);
      return { status: "not_an_order", reason: parsed.reason };
    }
    const outcome = await handleConsent(tx, shop, parsed, { now, log });
    const consentSubscriberId = outcome.status === "handled" && "subscriberId" in outcome.consent ? outcome.consent.subscriberId : null;
    // The buyer gave this number with this order (not one subscribed before, which anyone could type in again).
    const newlyGiven = outcome.status === "handled" && outcome.consent.ok && NEWLY_GIVEN.has(outcome.consent.status) ? consentSubscriberId : null;
    // After the consent: a buyer who subscribed with this very order is this order's subscriber.
    if (!orderFacts.ok) log(`orders/create for ${parsed.order.orderId} (shop ${shop}) not recorded for attribution: ${orderFacts.reason}`);
    const recorded = orderFacts.ok ? await recordOrder(shop, orderFacts.facts, { tx }) : null;
    await noteOrderOnSubscribers(tx, shop, parsed.order, { consentSubscriberId, newlyGiven, recordedSubscriberId: recorded?.subscriberId ?? null }, now);
    return outcome;
  }, TRANSACTION_OPTIONS);
}

async function handleConsent(
  tx: DbTx,
  shop: string,
  parsed: Extract<ParsedOrder, { ok: true }>,
  { now, log }: { now: Date; log: (line: string) => void },
): Promise<OrdersCreateOutcome> {
  if (!parsed.answer) {
    if (parsed.problem) log(`orders/create for ${parsed.order.orderId} (shop ${shop}): ${parsed.problem}`);
    return { status: "no_consent" };
  }
  const orderKey = { key: orderKeyOf(shop, parsed.order.orderId), shop, topic: ORDERS_CREATE_TOPIC };
  if (!(await claimKey(tx, orderKey, now))) return { status: "duplicate_order" };

  const { orderId, createdAt, ip, userAgent, shopifyCustomerId } = parsed.order;
  const consent = await recordCheckoutConsent(
    shop,
    { ...parsed.answer, orderId, orderCreatedAt: createdAt, ip, userAgent, shopifyCustomerId, channel: "contact_step" },
    { tx, now, log },
  );
  return { status: "handled", consent };
}

/**
 * The order's customer ordered (campaign audiences: "ordered in the last N
 * days") and has this first name ({first_name} in campaign texts). Matched by
 * Shopify customer id, by the subscriber this order's consent is about (a
 * guest checkout has no customer id), and by the one the order was recorded
 * for (found by its phone too). Only a newer order moves them, so a
 * late or repeated delivery of an older order changes nothing.
 *
 * The name (first, last) and e-mail are taken only for the customer's own subscribers and a
 * number this order's consent subscribed, never for a subscriber found by
 * the order's phone alone or one that was subscribed already: anyone can type
 * anyone's number at checkout, and the name of whatever account they order
 * from would then be written into every campaign text that number gets.
 *
 * The region (the state of the order's address, as "US-FL") goes by the same
 * rule: a stranger's address would move someone else's quiet hours. Only the
 * region is kept, never the address.
 */
async function noteOrderOnSubscribers(
  tx: DbTx,
  shop: string,
  order: OrderFacts,
  buyers: { consentSubscriberId: string | null; newlyGiven: string | null; recordedSubscriberId: string | null },
  now: Date,
): Promise<void> {
  const byCustomer = order.shopifyCustomerId ? [{ shopifyCustomerId: order.shopifyCustomerId }] : [];
  const others = [buyers.consentSubscriberId, buyers.recordedSubscriberId].filter((id): id is string => id !== null).map((id) => ({ id }));
  const placedAt = order.createdAt ?? now;
  const olderOrder = { OR: [{ lastOrderAt: null }, { lastOrderAt: { lt: placedAt } }] };
  const named = [...byCustomer, ...(buyers.newlyGiven ? [{ id: buyers.newlyGiven }] : [])];
  // The name first: the update below moves lastOrderAt, after which this order no longer reads as the newer one.
  // Last name and e-mail go with it (staff find subscribers by them), under the same rule; an absent one is kept, not blanked.
  // A newer order's address is the newer fact, so its region replaces the one we had (they moved); an order without one keeps it.
  const person = {
    ...(order.customerFirstName ? { firstName: order.customerFirstName } : {}),
    ...(order.customerLastName ? { lastName: order.customerLastName } : {}),
    ...(order.customerEmail ? { email: order.customerEmail } : {}),
    ...(order.region ? { region: order.region } : {}),
  };
  if (Object.keys(person).length > 0 && named.length > 0) {
    await tx.subscriber.updateMany({ where: { shop, OR: named, AND: [olderOrder] }, data: person });
  }
  const whose = [...named, ...others];
  if (whose.length === 0) return;
  await tx.subscriber.updateMany({ where: { shop, OR: whose, AND: [olderOrder] }, data: { lastOrderAt: placedAt } });
}
