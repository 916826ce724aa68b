/**
 * The few routes server/app-server.ts answers with node:http before Express
 * and Remix see the request: only hot paths whose handler needs nothing
 * of Remix. Each also exists as a Remix route calling the same function, so
 * `npm run dev` and any other server behave the same.
 *
 * Exported through app/entry.server.tsx, so they run inside the built app,
 * sharing its one database client and caches.
 */
import type { IncomingMessage } from "node:http";
import { answerInboundSmsWebhook } from "../inbound/inbound-sms-webhook.server";
import { SHORT_LINK_PATH_PREFIX } from "../links/short-link";
import { linkRedirectRoute } from "./link-redirect-node.server";
import { twilioWebhookRoute, type NodeRoute } from "./twilio-webhook-node.server";

const NODE_ROUTES: ReadonlyMap<string, NodeRoute> = new Map([["/webhooks/twilio/sms", twilioWebhookRoute(answerInboundSmsWebhook)]]);
/** Every method: the route itself answers 405 to anything but GET and HEAD. */
const LINK_REDIRECT = linkRedirectRoute();

export type NodeRouteFor = (req: IncomingMessage) => NodeRoute | undefined;

export const nodeRouteFor: NodeRouteFor = (req) => {
  if (!req.url) return undefined;
  if (req.url.startsWith(SHORT_LINK_PATH_PREFIX)) return LINK_REDIRECT;
  if (req.method !== "POST") return undefined;
  const query = req.url.indexOf("?");
  return NODE_ROUTES.get(query === -1 ? req.url : req.url.slice(0, query));
};
