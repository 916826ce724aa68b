import prisma from "../db.server";
import type { MessageStatus } from "../messaging/message-status";

/**
 * The merchant removed the app: stop sending at once (queued texts are
 * cancelled, and the suppression check refuses an uninstalled shop) and forget
 * the shop's access tokens. Consent records stay until Shopify's shop/redact.
 */
export async function handleAppUninstalled(shop: string, now = new Date()) {
  return prisma.$transaction(async (tx) => {
    await tx.shop.updateMany({ where: { shop }, data: { uninstalledAt: now } });
    const cancelled = await tx.message.updateMany({
      where: { shop, status: "queued" satisfies MessageStatus },
      data: { status: "cancelled" satisfies MessageStatus, errorMessage: "app uninstalled" },
    });
    const sessions = await tx.session.deleteMany({ where: { shop } });
    return { cancelledMessages: cancelled.count, deletedSessions: sessions.count };
  });
}
