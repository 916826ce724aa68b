/**
 * How long a tracked link works: 90 days after its campaign is planned. Long
 * enough for a text read late, for every attribution window the settings
 * allow (clicks count for days, not months), and for a customer who comes
 * back to an old text for the shop; short enough that an old text does not
 * keep leading to a page the merchant has long changed, or keep recording
 * clicks for a campaign that is over. After it, the link answers with a page
 * that says so and leads to the shop.
 */
export const LINK_LIFETIME_DAYS = 90;

export function linkExpiresAt(plannedAt: Date): Date {
  return new Date(plannedAt.getTime() + LINK_LIFETIME_DAYS * 24 * 60 * 60 * 1000);
}

export function isLinkExpired(expiresAt: Date | null, now: Date): boolean {
  return expiresAt !== null && expiresAt.getTime() <= now.getTime();
}
