/**
 * Applies Twilio delivery status callbacks to the outbox and to the number's
 * standing: a carrier opt-out (21610) unsubscribes through the consent engine,
 * and numbers that keep failing (30003/30005/30006) become unreachable, which
 * the suppression check then refuses.
 *
 * A callback finds its message by MessageSid, or, when it beats the worker
 * that has yet to store the MessageSid Twilio returned, by the message id in
 * its URL (statusCallbackUrlFor); it then records the MessageSid itself.
 *
 * Idempotent under retries and races: a callback changes the message only by
 * a conditional update on the status it was planned from, in the same
 * transaction as its effect on the subscriber; if another callback got there
 * first, the whole transaction rolls back and the callback is planned again
 * against the new status (usually: nothing left to do). The subscriber is
 * written before the message so locks are taken in the same order as an
 * opt-out, which locks the subscriber and then cancels its queued messages.
 */
import type { Message, Subscriber } from "@prisma/client";
import { applyConsentChange } from "../consent/consent-engine.server";
import prisma, { type DbTx } from "../db.server";
import { env } from "../env.server";
import { getShopSettings, twilioAuthTokenOf } from "../shops/shop-settings.server";
import { planDeliveryUpdate, UNREACHABLE_AFTER_REPEATS, type DeliveryUpdate, type StatusCallback } from "./delivery-status";
import type { MessageStatus } from "./message-status";

export const STATUS_CALLBACK_PATH = "/webhooks/twilio/status";

/** The status callback route's public URL; Twilio's signature is checked against the URL it called. */
export function statusCallbackUrl(appUrl: string = env().SHOPIFY_APP_URL): string {
  return appUrl.replace(/\/+$/, "") + STATUS_CALLBACK_PATH;
}

/** The StatusCallback to give Twilio with one outbox row's send. */
export function statusCallbackUrlFor(messageId: string, appUrl?: string): string {
  return `${statusCallbackUrl(appUrl)}?message=${encodeURIComponent(messageId)}`;
}

export interface StatusCallbackTarget {
  message: Message;
  authToken: string | null;
}

/** Read-only: the message a callback is about, and the auth token its signature must verify under. */
export async function findStatusCallbackTarget(messageSid: string, messageId?: string | null): Promise<StatusCallbackTarget | null> {
  // By id first: looking up the MessageSid first could miss the row on both reads while the worker stores it.
  const named = messageId ? await prisma.message.findUnique({ where: { id: messageId } }) : null;
  // A row with another MessageSid is another attempt's text, so only the MessageSid can find this one's.
  const message =
    named && (named.twilioSid === null || named.twilioSid === messageSid)
      ? named
      : await prisma.message.findUnique({ where: { twilioSid: messageSid } });
  if (!message) return null;
  const settings = await getShopSettings(message.shop);
  return { message, authToken: settings ? twilioAuthTokenOf(settings) : null };
}

export type DeliveryStatusOutcome = { changed: false } | { changed: true; status: MessageStatus; effect: DeliveryUpdate["effect"]["kind"] };

class LostRace extends Error {}

export async function applyDeliveryStatus(message: Message, callback: StatusCallback, now: Date = new Date()): Promise<DeliveryStatusOutcome> {
  let current: Message | null = message;
  // Each lost race means the status moved forward, which can happen only a few times: this ends.
  while (current) {
    const planned: Message = current;
    if (planned.twilioSid !== null && planned.twilioSid !== callback.MessageSid) return { changed: false };
    const update = planDeliveryUpdate(planned, callback);
    if (!update) return { changed: false };
    try {
      await prisma.$transaction(async (tx) => {
        await applySubscriberEffect(tx, planned, callback, update, now);
        const { count } = await tx.message.updateMany({
          where: { id: planned.id, status: planned.status, twilioSid: planned.twilioSid },
          data: {
            status: update.status,
            twilioSid: callback.MessageSid,
            errorCode: update.errorCode,
            ...(update.setSentAt ? { sentAt: now } : {}),
            ...(update.setDeliveredAt ? { deliveredAt: now } : {}),
          },
        });
        if (count === 0) throw new LostRace();
      });
      return { changed: true, status: update.status, effect: update.effect.kind };
    } catch (error) {
      if (!(error instanceof LostRace)) throw error;
      current = await prisma.message.findUnique({ where: { id: planned.id } });
    }
  }
  return { changed: false };
}

async function applySubscriberEffect(tx: DbTx, message: Message, callback: StatusCallback, update: DeliveryUpdate, now: Date) {
  const { effect } = update;
  if (effect.kind === "carrier_opt_out") {
    // Twilio already blocks this number for the sender; record it so nothing else tries.
    await applyConsentChange(
      {
        shop: message.shop,
        phone: message.phone,
        action: "carrier_opt_out",
        source: "carrier",
        occurredAt: now,
        evidence: { messageSid: callback.MessageSid, errorCode: update.errorCode },
      },
      tx,
    );
    return;
  }
  if (effect.kind === "none") return;
  if (effect.kind === "undeliverable") return recordUndeliverable(tx, message, effect.permanent, now);

  const subscriber = await subscriberOf(tx, message);
  if (!subscriber) return;
  // "In a row": a delivery proves the number works, so the count of failures starts again.
  if (subscriber.undeliverableCount > 0) await tx.subscriber.update({ where: { id: subscriber.id }, data: { undeliverableCount: 0 } });
}

/**
 * A text that could not reach its number: counts the failure against the
 * subscriber, who becomes unreachable (never texted again) at once when the
 * failure is `permanent` (no such number, a landline), else after repeats.
 * Also used by the outbox for the numbers Twilio refuses outright (21211, 21614).
 */
export async function recordUndeliverable(tx: DbTx, message: Pick<Message, "shop" | "phone" | "subscriberId">, permanent: boolean, now: Date): Promise<void> {
  const subscriber = await subscriberOf(tx, message);
  if (!subscriber) return;
  const counted = await tx.subscriber.update({ where: { id: subscriber.id }, data: { undeliverableCount: { increment: 1 } } });
  if (counted.unreachableAt === null && (permanent || counted.undeliverableCount >= UNREACHABLE_AFTER_REPEATS)) {
    await tx.subscriber.update({ where: { id: subscriber.id }, data: { unreachableAt: now } });
  }
}

function subscriberOf(tx: DbTx, message: Pick<Message, "shop" | "phone" | "subscriberId">): Promise<Subscriber | null> {
  return message.subscriberId
    ? tx.subscriber.findFirst({ where: { id: message.subscriberId, shop: message.shop } })
    : tx.subscriber.findUnique({ where: { shop_phone: { shop: message.shop, phone: message.phone } } });
}
