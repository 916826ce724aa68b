import prisma from "../db.server";
import type { MessageStatus } from "../messaging/message-status";
import { forgetInboundShops } from "../shops/inbound-shop-cache.server";

export type AppUninstalledOutcome =
  | { outcome: "uninstalled"; cancelledMessages: number; deletedSessions: number }
  /** The uninstall happened before the shop's current installation began (afterShopAuth sets installedAt). */
  | { outcome: "stale"; installedAt: Date };

/**
 * The merchant removed the app: stop sending at once (queued texts and
 * unfinished campaigns are cancelled, and the suppression check refuses an
 * uninstalled shop) and forget
 * the shop's access tokens. Consent records stay until Shopify's shop/redact.
 *
 * Shopify retries a delivery for up to 48 hours and does not promise order, so
 * an app/uninstalled may arrive after the merchant has installed the app
 * again. An uninstall triggered (X-Shopify-Triggered-At) before the current
 * installation began is about the previous one: it changes nothing, or it
 * would switch off the new installation and delete its session. Without a
 * trigger time (Shopify always sends one), the uninstall applies.
 */
export async function handleAppUninstalled(shop: string, options: { triggeredAt?: Date | null; now?: Date } = {}): Promise<AppUninstalledOutcome> {
  const { triggeredAt = null, now = new Date() } = options;
  const result = await prisma.$transaction(async (tx) => {
    // One conditional write, so a reinstall committing meanwhile is never overwritten.
    const current = triggeredAt ? { installedAt: { lte: triggeredAt } } : {};
    const { count } = await tx.shop.updateMany({ where: { shop, ...current }, data: { uninstalledAt: now } });
    if (count === 0 && triggeredAt) {
      const installed = await tx.shop.findUnique({ where: { shop }, select: { installedAt: true } });
      if (installed) return { outcome: "stale", installedAt: installed.installedAt } as const;
    }
    // Unfinished campaigns end here too, before their queued texts are cancelled (as cancelCampaign does, so a
    // planner's batch either committed before this, and is cancelled below, or finds its campaign cancelled and
    // writes nothing). Left scheduled or half planned, a reinstall would set them off at once, however long after
    // their send time. Drafts stay: nothing was ever going to send them.
    await tx.campaign.updateMany({
      where: { shop, status: { in: ["scheduled", "sending", "paused"] } },
      data: { status: "cancelled", cancelledAt: now },
    });
    const cancelled = await tx.message.updateMany({
      where: { shop, status: "queued" satisfies MessageStatus },
      data: { status: "cancelled" satisfies MessageStatus, errorMessage: "app uninstalled" },
    });
    const sessions = await tx.session.deleteMany({ where: { shop } });
    return { outcome: "uninstalled", cancelledMessages: cancelled.count, deletedSessions: sessions.count } as const;
  });
  // Its inbound texts now subscribe nobody (planInbound): apply that at once on this instance.
  if (result.outcome === "uninstalled") forgetInboundShops(shop);
  return result;
}

/** X-Shopify-Triggered-At as a time; null when absent or unreadable. */
export function triggeredAtOf(header: string | null | undefined): Date | null {
  if (!header) return null;
  const time = new Date(header);
  return Number.isNaN(time.getTime()) ? null : time;
}
