import type { LoaderFunctionArgs } from "@remix-run/node";
import { checkLedger } from "~/compliance/ledger-check.server";
import { requireAdmin } from "~/shopify/require-admin.server";

/** Walks the shop's whole consent ledger and says what it found (the Compliance page's "Check the ledger"). */
export async function loader({ request }: LoaderFunctionArgs) {
  const { shop } = await requireAdmin(request);
  return { check: await checkLedger(shop) };
}
