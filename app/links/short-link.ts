/**
 * The short link a recipient sees: `https://<app host>/l/<code>`, on the
 * app's own domain (SHOPIFY_APP_URL), never a public shortener (carriers
 * filter those). Every short link of an app has the same length, so a text's
 * segments can be counted, and its cost estimated, before any code exists.
 */
import { SHORT_CODE_LENGTH } from "./short-code";

export const SHORT_LINK_PATH_PREFIX = "/l/";

/** The app's origin from SHOPIFY_APP_URL: scheme, host and port, no path or trailing slash. */
function originOf(appUrl: string): string {
  return new URL(appUrl).origin;
}

export function shortLinkUrl(appUrl: string, code: string): string {
  return `${originOf(appUrl)}${SHORT_LINK_PATH_PREFIX}${code}`;
}

/**
 * A stand-in exactly as long as every short link of this app, made of GSM-7
 * characters like the real ones: what the segment counter and the cost
 * estimate put where each link of a campaign's text will go.
 */
export function shortLinkPlaceholder(appUrl: string): string {
  return shortLinkUrl(appUrl, "x".repeat(SHORT_CODE_LENGTH));
}

export function shortLinkLength(appUrl: string): number {
  return shortLinkPlaceholder(appUrl).length;
}

/** The code of a request path `/l/<code>` (a query string is ignored), or null for any other path. */
export function shortCodeOfPath(url: string): string | null {
  const query = url.indexOf("?");
  const path = query === -1 ? url : url.slice(0, query);
  if (!path.startsWith(SHORT_LINK_PATH_PREFIX)) return null;
  const code = path.slice(SHORT_LINK_PATH_PREFIX.length);
  return code.includes("/") ? null : code;
}
