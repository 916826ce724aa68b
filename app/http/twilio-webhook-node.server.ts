/**
 * A Twilio webhook served by node:http directly: the same checks as the Remix
 * route (form Content-Type, size limit, strict UTF-8, one value per name; the
 * signature and everything after it are the answer function's), without the
 * Fetch Request, Express and Remix around it, which cost more than the
 * webhook's own work (see scripts/bench-inbound.ts).
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { readBody } from "./body-limit.server";
import {
  decodeBody,
  MAX_TWILIO_FORM_BYTES,
  parseTwilioFormText,
  requireFormContentType,
  TWIML_HEADERS,
  type SignedRequest,
  type TwilioParams,
} from "../messaging/twilio-webhook.server";

export type NodeRoute = (req: IncomingMessage, res: ServerResponse) => void;
export type TwimlAnswer = (request: SignedRequest, params: TwilioParams) => Promise<string>;

export function twilioWebhookRoute(answer: TwimlAnswer, maxBytes = MAX_TWILIO_FORM_BYTES): NodeRoute {
  return (req, res) => {
    try {
      requireFormContentType(req.headers["content-type"]);
    } catch (refusal) {
      return void refuse(res, refusal, { close: true });
    }
    void readBody(req, res, maxBytes).then((body) => {
      if (body === null) return; // refused as too large (413), or the client went away
      const signature = req.headers["x-twilio-signature"];
      const request: SignedRequest = { url: req.url ?? "/", signature: typeof signature === "string" ? signature : null };
      let params: TwilioParams;
      try {
        params = parseTwilioFormText(decodeBody(body));
      } catch (refusal) {
        return void refuse(res, refusal);
      }
      answer(request, params).then(
        (twiml) => res.writeHead(200, TWIML_HEADERS).end(twiml),
        (error: unknown) => refuse(res, error),
      );
    });
  };
}

/** A thrown Response is the answer (400, 403, 404…); anything else is our fault: 500, logged, and Twilio will retry. */
async function refuse(res: ServerResponse, thrown: unknown, options: { close?: boolean } = {}): Promise<void> {
  if (res.headersSent) return;
  if (!(thrown instanceof Response)) {
    console.error(thrown);
    res.writeHead(500, { "Content-Type": "text/plain; charset=utf-8" }).end("Unexpected Server Error");
    return;
  }
  const body = await thrown.text();
  const headers: Record<string, string> = Object.fromEntries(thrown.headers);
  if (options.close) headers.Connection = "close";
  res.writeHead(thrown.status, headers).end(body);
}
