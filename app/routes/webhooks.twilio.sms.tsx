/**
 * POST /webhooks/twilio/sms, through Remix: `npm run dev`, tests, any server
 * other than server/app-server.ts (which answers this path before Remix, see
 * app/http/node-routes.server.ts). The work is in answerInboundSmsWebhook.
 */
import type { ActionFunctionArgs } from "@remix-run/node";
import { answerInboundSmsWebhook } from "~/inbound/inbound-sms-webhook.server";
import { parseTwilioForm, signedRequestOf, TWIML_HEADERS } from "~/messaging/twilio-webhook.server";

export async function action({ request }: ActionFunctionArgs) {
  const twiml = await answerInboundSmsWebhook(signedRequestOf(request), await parseTwilioForm(request));
  return new Response(twiml, { status: 200, headers: TWIML_HEADERS });
}
