import type { LoaderFunctionArgs } from "@remix-run/node";
import { requireAdmin } from "~/shopify/require-admin.server";
import { exportSubscribers } from "~/subscribers/subscriber-export.server";
import { readSubscriberQuery } from "~/subscribers/subscriber-search";

/** The subscribers list, filtered as the page's URL says, as a CSV attachment streamed from the database. */
export async function loader({ request }: LoaderFunctionArgs) {
  const { shop } = await requireAdmin(request);
  const { query } = readSubscriberQuery(new URL(request.url).searchParams);
  const { fileName, body } = await exportSubscribers(shop, query);
  return new Response(body, {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="${fileName}"`,
      "Cache-Control": "no-store",
      "X-Content-Type-Options": "nosniff",
    },
  });
}
