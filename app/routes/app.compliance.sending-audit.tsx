import type { LoaderFunctionArgs } from "@remix-run/node";
import { auditMarketingTexts } from "~/compliance/sending-audit.server";
import { requireAdmin } from "~/shopify/require-admin.server";

/** The audit of the last 30 days' marketing texts against quiet hours and caps, loaded by the Compliance page after it shows. */
export async function loader({ request }: LoaderFunctionArgs) {
  const { shop } = await requireAdmin(request);
  return { audit: await auditMarketingTexts(shop, new Date()) };
}
