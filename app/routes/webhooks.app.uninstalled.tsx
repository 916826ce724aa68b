import type { ActionFunctionArgs } from "@remix-run/node";
import { handleAppUninstalled } from "~/shopify/app-uninstalled.server";
import { authenticateShopifyWebhook } from "~/shopify/authenticate-webhook.server";

export async function action({ request }: ActionFunctionArgs) {
  // Throws a 401 response on a bad HMAC before anything is read or written.
  const { shop } = await authenticateShopifyWebhook(request);
  await handleAppUninstalled(shop);
  return new Response(null, { status: 200 });
}
