/**
 * The few routes server/app-server.ts answers with node:http before Express
 * and Remix see the request: only hot webhooks whose handler needs nothing
 * of Remix. Each also exists as a Remix route calling the same function, so
 * `npm run dev` and any other server behave the same.
 *
 * Exported through app/entry.server.tsx, so they run inside the built app,
 * sharing its one database client and caches.
 */
import type { IncomingMessage } from "node:http";
import { answerInboundSmsWebhook } from "../inbound/inbound-sms-webhook.server";
import { twilioWebhookRoute, type NodeRoute } from "./twilio-webhook-node.server";

const NODE_ROUTES: ReadonlyMap<string, NodeRoute> = new Map([["/webhooks/twilio/sms", twilioWebhookRoute(answerInboundSmsWebhook)]]);

export type NodeRouteFor = (req: IncomingMessage) => NodeRoute | undefined;

export const nodeRouteFor: NodeRouteFor = (req) => {
  if (req.method !== "POST" || !req.url) return undefined;
  const query = req.url.indexOf("?");
  return NODE_ROUTES.get(query === -1 ? req.url : req.url.slice(0, query));
};
