/**
 * GET /l/<code>, through Remix: `npm run dev`, tests, any server other than
 * server/app-server.ts (which answers this path before Remix, see
 * app/http/link-redirect-node.server.ts, with the same answers). The work is
 * in followTrackedLink.
 */
import type { LoaderFunctionArgs } from "@remix-run/node";
import { followTrackedLink } from "~/links/follow-link.server";
import { linkPageHtml } from "~/links/link-page";

const NOT_STORED = { "Cache-Control": "no-store", "X-Robots-Tag": "noindex" };

export async function loader({ request, params }: LoaderFunctionArgs) {
  const answer = await followTrackedLink(params.code ?? "", {
    method: request.method,
    header: (name) => request.headers.get(name) ?? undefined,
  });
  if (answer.kind === "redirect") return new Response(null, { status: 302, headers: { Location: answer.url, ...NOT_STORED } });
  return new Response(linkPageHtml(answer.kind, answer.kind === "expired" ? answer.shop : null), {
    status: 404,
    headers: { "Content-Type": "text/html; charset=utf-8", ...NOT_STORED },
  });
}

export function action() {
  return new Response("Method Not Allowed", { status: 405, headers: { Allow: "GET, HEAD", ...NOT_STORED } });
}
