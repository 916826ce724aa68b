import type { LoaderFunctionArgs } from "@remix-run/node";
import { getPrivacyExport } from "~/compliance/privacy-requests.server";
import { requireRowId } from "~/http/route-params";
import { requireAdmin } from "~/shopify/require-admin.server";

/** One data request's export, as a JSON attachment; only the shop's own. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const { shop } = await requireAdmin(request);
  const notFound = "No such export in this shop.";
  const found = await getPrivacyExport(shop, requireRowId(params.id, notFound));
  if (!found) throw new Response(notFound, { status: 404 });
  return new Response(found.json, {
    headers: {
      "Content-Type": "application/json; charset=utf-8",
      "Content-Disposition": `attachment; filename="${found.fileName}"`,
      "Cache-Control": "no-store",
    },
  });
}
