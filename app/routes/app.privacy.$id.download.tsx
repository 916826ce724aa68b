import type { LoaderFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { getPrivacyExport } from "~/compliance/privacy-requests.server";
import { requireAdmin } from "~/shopify/require-admin.server";

/** One data request's export, as a JSON attachment; only the shop's own. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const { shop } = await requireAdmin(request);
  const id = z.string().min(1).max(64).parse(params.id);
  const found = await getPrivacyExport(shop, id);
  if (!found) throw new Response("No such export in this shop.", { status: 404 });
  return new Response(found.json, {
    headers: {
      "Content-Type": "application/json; charset=utf-8",
      "Content-Disposition": `attachment; filename="${found.fileName}"`,
      "Cache-Control": "no-store",
    },
  });
}
