/**
 * The one answer to "may I send a marketing text to this number now?". Every
 * sender asks it when queueing and again at dispatch, so an opt-out that lands
 * between the two still stops the message. It reads the live rows (no cache):
 * one lookup by the unique (shop, phone) and one of the shop's install state.
 */
import type { DbTx } from "../db.server";
import { hasLapsed } from "./consent-engine.server";

export type SuppressionReason =
  | "unknown_number"
  | "not_subscribed"
  | "unsubscribed"
  | "pending"
  | "expired"
  | "unreachable"
  | "shop_uninstalled";

export type MarketingPermission = { allowed: true } | { allowed: false; reason: SuppressionReason };

/** `db`: the client, or the caller's transaction (never a default: inside withSqlTransaction the client refuses). */
export async function mayTextMarketing(shop: string, phone: string, db: DbTx, now: Date = new Date()): Promise<MarketingPermission> {
  const [settings, subscriber] = await Promise.all([
    db.shop.findUnique({ where: { shop }, select: { uninstalledAt: true } }),
    db.subscriber.findUnique({
      where: { shop_phone: { shop, phone } },
      select: { status: true, pendingExpiresAt: true, unreachableAt: true },
    }),
  ]);
  return marketingPermissionOf(settings, subscriber, now);
}

/** The facts mayTextMarketing reads: the shop's install state and the number's subscriber row, as they are now. */
export interface ShopInstallState {
  uninstalledAt: Date | null;
}
export interface SubscriberConsentState {
  status: string;
  pendingExpiresAt: Date | null;
  unreachableAt: Date | null;
}

/**
 * The answer from rows already read (a dispatcher reads them for a whole batch
 * of texts at once): `settings` null for a shop we do not know, `subscriber`
 * null for a number that never consented.
 */
export function marketingPermissionOf(
  settings: ShopInstallState | null,
  subscriber: SubscriberConsentState | null,
  now: Date,
): MarketingPermission {
  // A shop we do not know is as good as uninstalled: nobody there can have consented to anything.
  if (!settings || settings.uninstalledAt) return { allowed: false, reason: "shop_uninstalled" };
  if (!subscriber) return { allowed: false, reason: "unknown_number" };
  switch (subscriber.status) {
    case "subscribed":
      return subscriber.unreachableAt ? { allowed: false, reason: "unreachable" } : { allowed: true };
    case "unsubscribed":
      return { allowed: false, reason: "unsubscribed" };
    case "pending":
      return { allowed: false, reason: hasLapsed(subscriber, now) ? "expired" : "pending" };
    case "expired":
      return { allowed: false, reason: "expired" };
    default:
      return { allowed: false, reason: "not_subscribed" };
  }
}
