/**
 * `/l/<code>`, the tracked links in campaign texts, served by node:http
 * before Express and Remix (server/app-server.ts): one lookup and, for a
 * person's click, one insert (app/links/follow-link.server.ts), then a 302.
 * A link preview or a bot is redirected too (the preview shows the shop's
 * page) but not recorded. An unknown or expired code gets a small page that
 * says so and leads to the shop when it is known; a method other than GET or
 * HEAD gets 405.
 *
 * Nothing here may be cached (Cache-Control: no-store): a browser or proxy
 * that kept the redirect would let an expired link live on, and its later
 * clicks would never reach us. Logs carry no code, URL or client detail.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { followTrackedLink, type LinkAnswer } from "../links/follow-link.server";
import { linkPageHtml, type LinkPageReason } from "../links/link-page";
import type { LinkVisit } from "../links/link-visitor";
import { shortCodeOfPath } from "../links/short-link";
import type { NodeRoute } from "./twilio-webhook-node.server";

export type FollowLink = (code: string, visit: LinkVisit) => Promise<LinkAnswer>;

const NOT_STORED = { "Cache-Control": "no-store", "X-Robots-Tag": "noindex" };

export function linkRedirectRoute(follow: FollowLink = followTrackedLink): NodeRoute {
  return (req, res) => {
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.writeHead(405, { Allow: "GET, HEAD", "Content-Type": "text/plain; charset=utf-8", ...NOT_STORED }).end("Method Not Allowed");
      return;
    }
    const code = shortCodeOfPath(req.url ?? "/") ?? "";
    const visit: LinkVisit = { method: req.method, header: (name) => headerOf(req, name) };
    follow(code, visit).then(
      (answer) => {
        if (answer.kind === "redirect") res.writeHead(302, { Location: answer.url, "Content-Length": "0", ...NOT_STORED }).end();
        else page(req, res, 404, answer.kind, answer.kind === "expired" ? answer.shop : null);
      },
      (error: unknown) => {
        // The error's own words only: no code, URL, address or user agent (they would tie a click to a person).
        console.error(`Tracked link redirect failed: ${error instanceof Error ? error.message : String(error)}`);
        page(req, res, 503, "unavailable", null);
      },
    );
  };
}

function headerOf(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value.join(", ") : value;
}

function page(req: IncomingMessage, res: ServerResponse, status: number, reason: LinkPageReason, shop: string | null): void {
  if (res.headersSent) return;
  const html = linkPageHtml(reason, shop);
  res.writeHead(status, { "Content-Type": "text/html; charset=utf-8", "Content-Length": String(Buffer.byteLength(html)), ...NOT_STORED });
  res.end(req.method === "HEAD" ? undefined : html);
}
