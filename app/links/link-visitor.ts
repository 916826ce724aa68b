/**
 * Whether a request for a tracked link is a person following it (a click) or
 * something fetching it on their behalf or on nobody's: a messaging app
 * drawing the link's preview, a crawler, a prefetch, a scanner. Those are
 * still redirected (a preview must show the shop's page) but are not
 * recorded as clicks.
 *
 * Told apart by what the request says about itself, in this order:
 * - HEAD: a browser following a link sends GET; HEAD is a checker asking
 *   whether the link works (Cheogram and other clients probe with it).
 * - `Purpose: prefetch`, `Sec-Purpose: prefetch…`, `X-Purpose: preview`,
 *   `X-Moz: prefetch`: browsers fetching a page before anyone asked for it.
 * - No User-Agent at all: every browser sends one; scripts often do not.
 * - The User-Agent, by `isbot` (a maintained list of crawler patterns), and
 *   by the preview fetchers of messaging apps, listed here as well in case a
 *   version of isbot drops one: iMessage (which calls itself
 *   "facebookexternalhit/1.1 Facebot Twitterbot/1.0" inside a Safari UA),
 *   Google Messages ("GoogleMessages/…") and the older Android snippet
 *   fetcher ("Google (+https://developers.google.com/+/web/snippet/)"),
 *   WhatsApp (and Signal, which fetches as "WhatsApp/2"), Telegram, Slack,
 *   Discord, Skype and Teams (SkypeUriPreview), LinkedIn, Facebook, X.
 *
 * What this cannot see: a scanner that sends an ordinary browser's
 * User-Agent (Microsoft's Safe Links detonation, some carriers' and
 * antivirus link checks) is counted as a click. The README says so.
 */
import { isbot } from "isbot";

export type VisitKind = "click" | "head" | "prefetch" | "no_user_agent" | "bot";

/** What of a request the decision reads. Header names in lower case, as node:http gives them. */
export interface LinkVisit {
  method: string;
  header(name: string): string | undefined;
}

// Names only a fetcher uses: not "Snapchat", "Pinterest", "Line" or "Teams", whose in-app browsers carry people.
const PREVIEW_FETCHERS =
  /facebookexternalhit|facebot|twitterbot|googlemessages\/|developers\.google\.com\/\+\/web\/snippet|whatsapp\/|telegrambot|slackbot|slack-imgproxy|discordbot|skypeuripreview|linkedinbot|pinterestbot|embedly|iframely|redditbot|bingpreview|google-pagerenderer|kakaotalk-scrap|cardyb|mastodon\//i;

export function visitKind(visit: LinkVisit): VisitKind {
  if (visit.method === "HEAD") return "head";
  if (isPrefetch(visit)) return "prefetch";
  const userAgent = visit.header("user-agent")?.trim() ?? "";
  if (userAgent === "") return "no_user_agent";
  if (PREVIEW_FETCHERS.test(userAgent) || isbot(userAgent)) return "bot";
  return "click";
}

export function isCountedClick(visit: LinkVisit): boolean {
  return visitKind(visit) === "click";
}

function isPrefetch(visit: LinkVisit): boolean {
  const purpose = `${visit.header("purpose") ?? ""} ${visit.header("sec-purpose") ?? ""} ${visit.header("x-purpose") ?? ""} ${visit.header("x-moz") ?? ""}`;
  return /\b(prefetch|prerender|preview)\b/i.test(purpose);
}
