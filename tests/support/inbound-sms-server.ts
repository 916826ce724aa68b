/**
 * The inbound SMS webhook as production serves it (node:http, app/http/node-routes.server.ts)
 * on a free loopback port, and a client that signs each text the way Twilio does:
 * over the public URL (SHOPIFY_APP_URL in tests/setup/test-env.ts), keyed with an auth token.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import twilio from "twilio";
import { nodeRouteFor } from "../../app/http/node-routes.server";
import { TEST_ENV } from "../setup/test-env";
import type { InboundParams } from "./inbound-sms";

const PATH = "/webhooks/twilio/sms";

export interface InboundSmsServer {
  /** Posts the params signed with `authToken`, as the Twilio account owning that token would. */
  postSigned(params: InboundParams, authToken: string): Promise<{ status: number; body: string }>;
  close(): Promise<void>;
}

export async function startInboundSmsServer(): Promise<InboundSmsServer> {
  const server = http.createServer((req, res) => {
    const route = nodeRouteFor(req);
    if (route) route(req, res);
    else res.writeHead(404).end("not routed");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const publicUrl = new URL(PATH, TEST_ENV.SHOPIFY_APP_URL).toString();

  return {
    async postSigned(params, authToken) {
      const response = await fetch(`${baseUrl}${PATH}`, {
        method: "POST",
        headers: { "Content-Type": "application/x-www-form-urlencoded", "X-Twilio-Signature": twilio.getExpectedTwilioSignature(authToken, publicUrl, params) },
        body: new URLSearchParams(params).toString(),
      });
      return { status: response.status, body: await response.text() };
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
