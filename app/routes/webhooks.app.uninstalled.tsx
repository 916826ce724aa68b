import type { ActionFunctionArgs } from "@remix-run/node";
import { handleAppUninstalled, triggeredAtOf } from "~/shopify/app-uninstalled.server";
import { authenticateShopifyWebhook } from "~/shopify/authenticate-webhook.server";

export async function action({ request }: ActionFunctionArgs) {
  // Throws a 401 response on a bad HMAC before anything is read or written.
  const { shop, webhookId, triggeredAt } = await authenticateShopifyWebhook(request);
  const result = await handleAppUninstalled(shop, { triggeredAt: triggeredAtOf(triggeredAt) });
  if (result.outcome === "stale") {
    // Acknowledged so Shopify stops retrying it; the current installation stays as it is.
    console.warn(
      `app/uninstalled ${webhookId} from ${shop} was triggered at ${triggeredAt}, before the current installation began (${result.installedAt.toISOString()}): ignored`,
    );
  }
  return new Response(null, { status: 200 });
}
