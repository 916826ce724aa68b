import type { LoaderFunctionArgs } from "@remix-run/node";
import { requireRowId } from "~/http/route-params";
import { requireAdmin } from "~/shopify/require-admin.server";
import { getSubscriberImportReport } from "~/subscribers/import/subscriber-import.server";

/** An import's report (every row not subscribed, with the reason), as a CSV attachment; only the shop's own imports. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const { shop } = await requireAdmin(request);
  const notFound = "No such import in this shop.";
  const report = await getSubscriberImportReport(shop, requireRowId(params.id, notFound));
  if (!report) throw new Response(notFound, { status: 404, headers: { "Content-Type": "text/plain; charset=utf-8" } });
  return new Response(report.csv, {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="${report.fileName}"`,
      "Cache-Control": "no-store",
    },
  });
}
