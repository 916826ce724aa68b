import type { ActionFunctionArgs } from "@remix-run/node";
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

  await applyDeliveryStatus(target.message, parsed.data);
  return new Response(null, { status: 204 });
}
