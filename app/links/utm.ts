/**
 * UTM parameters on a campaign's links, so the merchant's own analytics
 * (Shopify's, GA4's) see the visit as coming from this campaign:
 * utm_source=sms (GA4 files a visit with source "sms" under its SMS channel),
 * utm_medium=campaign (a campaign text, as opposed to a reply or a
 * confirmation), utm_campaign=<the campaign's name as a slug>, utm_id=<the
 * campaign's id> (GA4's campaign id: stays the same if the name changes).
 *
 * Nothing the merchant wrote is changed: a parameter already in the URL
 * (their own utm_campaign, say) is kept and not added again, the rest of the
 * query and the fragment stay as they were. Only http(s) URLs are touched.
 */
export interface UtmCampaign {
  campaignName: string;
  campaignId: string;
}

export const UTM_SOURCE = "sms";
export const UTM_MEDIUM = "campaign";

export function withUtm(url: string, campaign: UtmCampaign): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return url;
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") return url;
  const wanted: [string, string][] = [
    ["utm_source", UTM_SOURCE],
    ["utm_medium", UTM_MEDIUM],
    ["utm_campaign", campaignSlug(campaign.campaignName) || campaign.campaignId],
    ["utm_id", campaign.campaignId],
  ];
  const present = new Set([...parsed.searchParams.keys()].map((name) => name.toLowerCase()));
  const added = wanted.filter(([name]) => !present.has(name)).map(([name, value]) => `${name}=${encodeURIComponent(value)}`);
  if (added.length === 0) return url;
  // Appended to the text as written (not re-serialised by URLSearchParams, which would re-encode the merchant's query).
  const hash = url.indexOf("#");
  const beforeHash = hash === -1 ? url : url.slice(0, hash);
  const fragment = hash === -1 ? "" : url.slice(hash);
  const separator = !beforeHash.includes("?") ? "?" : beforeHash.endsWith("?") || beforeHash.endsWith("&") ? "" : "&";
  return `${beforeHash}${separator}${added.join("&")}${fragment}`;
}

/** "Black Friday — 20% off!" → "black-friday-20-off": readable in a report, the same however it is typed. */
export function campaignSlug(name: string): string {
  return name
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 100)
    .replace(/-+$/, "");
}
