import type { LoaderFunctionArgs } from "@remix-run/node";
import { consentRecordsCsv } from "~/compliance/consent-records.server";
import { parseRecordsRange, recordsFileName } from "~/compliance/records-range";
import { getShopSettings } from "~/shops/shop-settings.server";
import { requireAdmin } from "~/shopify/require-admin.server";

/**
 * The shop's consent records for a date range (`?from=2026-11-01&to=2026-11-30`, days in the shop's time zone), as a
 * streamed CSV attachment. A bad range is a 400 with the reason in words.
 */
export async function loader({ request }: LoaderFunctionArgs) {
  const { shop } = await requireAdmin(request);
  const timezone = (await getShopSettings(shop))?.timezone ?? "UTC";
  const parsed = parseRecordsRange(new URL(request.url).searchParams, timezone);
  if (!parsed.ok) throw new Response(parsed.error, { status: 400, headers: { "Content-Type": "text/plain; charset=utf-8" } });
  return new Response(consentRecordsCsv(shop, parsed.range, timezone) as unknown as ReadableStream<Uint8Array>, {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="${recordsFileName(shop, parsed.range)}"`,
      "Cache-Control": "no-store",
    },
  });
}
