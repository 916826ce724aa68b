import type { ActionFunctionArgs } from "@remix-run/node";
import { isDatabaseBusy } from "~/db/sql.server";
import { statusCallbackSchema } from "~/messaging/delivery-status";
import { applyDeliveryStatus, findStatusCallbackTarget } from "~/messaging/delivery-status.server";
import { parseTwilioForm, plainText, requireValidTwilioSignature } from "~/messaging/twilio-webhook.server";

// Twilio's delivery status callbacks for the texts we send (the StatusCallback
// URL from statusCallbackUrl()). Resource route: no UI.
export async function action({ request }: ActionFunctionArgs) {
  const params = await parseTwilioForm(request);
  const parsed = statusCallbackSchema.safeParse(params);
  if (!parsed.success) return plainText(400, parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`).join("; "));

  // The signature is keyed by the shop's auth token, so find the message (read-only) before checking it.
  // The message id in the URL (signed with it) finds a text whose MessageSid the worker has yet to store.
  const messageId = new URL(request.url).searchParams.get("message");
  const target = await findStatusCallbackTarget(parsed.data.MessageSid, messageId);
  if (!target) return plainText(404, "Unknown MessageSid");
  requireValidTwilioSignature(request, params, target.authToken);

  try {
    await applyDeliveryStatus(target.message, parsed.data);
  } catch (error) {
    if (!isDatabaseBusy(error)) throw error;
    // Twilio does not retry a status callback unless asked to (and then only on a 5xx): say "try again", never "bad request", and tell an operator.
    console.error(`Status callback ${parsed.data.MessageSid} (${parsed.data.MessageStatus}) not recorded: the database stayed busy.`, error);
    const busy = plainText(503, "The database is busy; try again");
    busy.headers.set("Retry-After", "1");
    return busy;
  }
  return new Response(null, { status: 204 });
}
