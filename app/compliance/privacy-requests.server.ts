/** The shop's privacy requests for the admin, and the data-request exports to download. */
import prisma from "../db.server";
import { exportFileName } from "./privacy-webhooks";

export const PRIVACY_REQUESTS_SHOWN = 200;

export async function listPrivacyRequests(shop: string) {
  const rows = await prisma.privacyRequest.findMany({
    where: { shop },
    orderBy: { receivedAt: "desc" },
    take: PRIVACY_REQUESTS_SHOWN,
    select: { id: true, topic: true, shopifyCustomerId: true, shopifyRequestId: true, receivedAt: true, completedAt: true },
  });
  // Which of them have an export, without loading the exports themselves.
  const withExport = await prisma.privacyRequest.findMany({
    where: { shop, id: { in: rows.map((row) => row.id) }, export: { not: null } },
    select: { id: true },
  });
  const downloadable = new Set(withExport.map((row) => row.id));
  return rows.map((row) => ({
    ...row,
    download: downloadable.has(row.id) ? { fileName: exportFileName(row) } : null,
  }));
}

/** The export of one data request of this shop; null if there is none (another shop's, erased since, not a data request). */
export async function getPrivacyExport(shop: string, id: string): Promise<{ fileName: string; json: string } | null> {
  const row = await prisma.privacyRequest.findFirst({
    where: { id, shop, export: { not: null } },
    select: { id: true, shopifyCustomerId: true, receivedAt: true, export: true },
  });
  return row?.export ? { fileName: exportFileName(row), json: row.export } : null;
}
