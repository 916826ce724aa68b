/**
 * The page a short link answers with when it cannot redirect: a code that
 * does not exist, or a link whose time is over. A person tapped a link in a
 * text, so they get a sentence and, when the shop is known, the way to it;
 * never a stack trace or a bare status line.
 */
export type LinkPageReason = "unknown" | "expired" | "unavailable";

const HEADLINES: Record<LinkPageReason, { title: string; text: string }> = {
  unknown: { title: "This link doesn't lead anywhere", text: "The link may have been mistyped or cut short." },
  expired: { title: "This link has expired", text: "The offer it was sent for is over, but the shop is still open." },
  unavailable: { title: "This link can't be opened right now", text: "Please try again in a moment." },
};

/** `shop`: the shop's myshopify domain, when the link is known (Shopify sends visitors on to its primary domain). */
export function linkPageHtml(reason: LinkPageReason, shop: string | null): string {
  const { title, text } = HEADLINES[reason];
  const shopLink = shop && /^[a-z0-9][a-z0-9-]*\.myshopify\.com$/i.test(shop) ? `<p><a href="https://${shop}">Visit the shop</a></p>` : "";
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><meta name="robots" content="noindex">
<title>${title}</title>
<style>body{font-family:system-ui,-apple-system,sans-serif;max-width:28rem;margin:20vh auto;padding:0 1.5rem;color:#303030;line-height:1.5}h1{font-size:1.4rem}a{color:#005bd3}</style>
</head><body><h1>${title}</h1><p>${text}</p>${shopLink}</body></html>`;
}
