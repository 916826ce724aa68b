import prisma from "../db.server";
import { DEMO_SHOP } from "./demo-mode.server";

/**
 * Production must not serve a database `npm run demo` seeded: its demo shop
 * answers inbound texts signed with the published demo Twilio token, and its
 * stored session belongs to no real store. Null when there is none.
 */
export async function demoDataRefusal(): Promise<string | null> {
  const demoShops = await prisma.shop.findMany({ where: { OR: [{ demo: true }, { shop: DEMO_SHOP }] }, select: { shop: true } });
  if (demoShops.length === 0) return null;
  return [
    "Refusing to start with NODE_ENV=production: the database holds the demo shop",
    `(${demoShops.map(({ shop }) => shop).join(", ")}), seeded by \`npm run demo\` with a published Twilio auth token.`,
    "Point DATABASE_URL at a database of its own for production.",
  ].join(" ");
}
