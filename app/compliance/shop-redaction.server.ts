/**
 * shop/redact (Shopify sends it 48 hours after the app was uninstalled):
 * delete every row of the shop, in every table, in one transaction.
 *
 * The eraser map is typed by Prisma.ModelName, so a new model does not compile
 * until this file says how its rows of a shop are deleted. Nothing is kept,
 * not even a ProcessedWebhook row: a retry simply finds nothing left to delete.
 */
import type { Prisma } from "@prisma/client";
import prisma, { type DbTx } from "../db.server";

type Eraser = (tx: DbTx, shop: string) => Promise<number>;

const count = (result: Promise<{ count: number }>) => result.then((r) => r.count);

/** Every model, each erased by its shop column. */
const ERASERS: Record<Prisma.ModelName, Eraser> = {
  LinkClick: (tx, shop) => count(tx.linkClick.deleteMany({ where: { shop } })),
  TrackedLink: (tx, shop) => count(tx.trackedLink.deleteMany({ where: { shop } })),
  OrderRefund: (tx, shop) => count(tx.orderRefund.deleteMany({ where: { shop } })),
  Order: (tx, shop) => count(tx.order.deleteMany({ where: { shop } })),
  Message: (tx, shop) => count(tx.message.deleteMany({ where: { shop } })),
  InboundMessage: (tx, shop) => count(tx.inboundMessage.deleteMany({ where: { shop } })),
  Campaign: (tx, shop) => count(tx.campaign.deleteMany({ where: { shop } })),
  ShopifySyncJob: (tx, shop) => count(tx.shopifySyncJob.deleteMany({ where: { shop } })),
  ConsentEvent: (tx, shop) => count(tx.consentEvent.deleteMany({ where: { shop } })),
  ConsentChainHead: (tx, shop) => count(tx.consentChainHead.deleteMany({ where: { shop } })),
  Subscriber: (tx, shop) => count(tx.subscriber.deleteMany({ where: { shop } })),
  DisclosureVersion: (tx, shop) => count(tx.disclosureVersion.deleteMany({ where: { shop } })),
  SubscriberImport: (tx, shop) => count(tx.subscriberImport.deleteMany({ where: { shop } })),
  PrivacyRequest: (tx, shop) => count(tx.privacyRequest.deleteMany({ where: { shop } })),
  ProcessedWebhook: (tx, shop) => count(tx.processedWebhook.deleteMany({ where: { shop } })),
  Session: (tx, shop) => count(tx.session.deleteMany({ where: { shop } })),
  // Rate-limit keys name their shop between bars (app/security/rate-limit.server.ts), so no shop's key contains another's.
  RateLimitWindow: (tx, shop) => count(tx.rateLimitWindow.deleteMany({ where: { key: { contains: `|${shop}|` } } })),
  Shop: (tx, shop) => count(tx.shop.deleteMany({ where: { shop } })),
};

export type ShopRedactionReport = Record<Prisma.ModelName, number>;

export async function redactShop(shop: string): Promise<ShopRedactionReport> {
  return prisma.$transaction(
    async (tx) => {
      const report = {} as ShopRedactionReport;
      for (const [model, erase] of Object.entries(ERASERS) as [Prisma.ModelName, Eraser][]) {
        report[model] = await erase(tx, shop);
      }
      return report;
    },
    // A large shop takes a while; Shopify may time out and retry meanwhile, and the retry deletes whatever is left.
    { maxWait: 10_000, timeout: 5 * 60_000 },
  );
}
