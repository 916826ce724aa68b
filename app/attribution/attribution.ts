/**
 * Which campaign an order is credited to: the rule the results page states in
 * words (describeAttributionRule) and the code that applies it
 * (attributeOrder), kept side by side so they cannot drift.
 *
 * 1. The campaign whose link the buyer last clicked within the click window
 *    before the order (Shop.clickWindowDays, default 5 days);
 * 2. else the campaign last delivered to them within the delivery window
 *    before the order (Shop.deliveryWindowHours, default 24 hours);
 * 3. else no campaign.
 *
 * Each order is credited once, to one campaign; a click always beats a
 * delivery, whatever their order in time (docs/compliance.md, "Measuring
 * results": vendors agree on this, and click- and delivery-credited revenue are
 * shown apart so a wide delivery window cannot pass for clicks).
 *
 * Window edges, exactly: an event counts when
 *   placedAt − window ≤ event time ≤ placedAt
 * both ends included. A click exactly 5 days (120 hours, to the millisecond)
 * before the order counts, one millisecond earlier does not; a click at the
 * order's own instant counts, one millisecond after it does not (nothing that
 * happens after an order can have caused it). Days are 24-hour days: the
 * windows are spans of time, not calendar days, so a DST change moves nothing.
 * Two events at the same instant (two campaigns clicked in the same
 * millisecond) are separated by campaign id, the greatest wins: any fixed
 * choice would do, this one is the one the SQL lookups make too.
 */

export interface AttributionWindows {
  /** 1–30: a click this many days (of 24 hours) before the order still earns the credit. */
  clickWindowDays: number;
  /** 1–168: a delivery this many hours before the order still earns the credit. */
  deliveryWindowHours: number;
}

/** The schema's defaults (Shop.clickWindowDays, Shop.deliveryWindowHours). */
export const DEFAULT_ATTRIBUTION_WINDOWS: AttributionWindows = { clickWindowDays: 5, deliveryWindowHours: 24 };

export type AttributionKind = "click" | "delivery";

/** A click on a campaign's tracked link by this buyer. */
export interface CampaignClick {
  campaignId: string;
  clickedAt: Date;
}

/** A campaign text delivered to this buyer (Message status "delivered"). */
export interface CampaignDelivery {
  campaignId: string;
  deliveredAt: Date;
}

export type Attribution = { campaignId: string; kind: AttributionKind; at: Date } | null;

const HOUR_MS = 3_600_000;

/** The first instant each window includes; the last is the order's own instant. */
export function attributionWindowStarts(placedAt: Date, windows: AttributionWindows): { clicksFrom: Date; deliveriesFrom: Date } {
  return {
    clicksFrom: new Date(placedAt.getTime() - windows.clickWindowDays * 24 * HOUR_MS),
    deliveriesFrom: new Date(placedAt.getTime() - windows.deliveryWindowHours * HOUR_MS),
  };
}

export function attributeOrder(
  order: { placedAt: Date },
  evidence: { clicks: readonly CampaignClick[]; deliveries: readonly CampaignDelivery[] },
  windows: AttributionWindows,
): Attribution {
  const { clicksFrom, deliveriesFrom } = attributionWindowStarts(order.placedAt, windows);
  const click = latestWithin(evidence.clicks.map((c) => ({ campaignId: c.campaignId, at: c.clickedAt })), clicksFrom, order.placedAt);
  if (click) return { ...click, kind: "click" };
  const delivery = latestWithin(evidence.deliveries.map((d) => ({ campaignId: d.campaignId, at: d.deliveredAt })), deliveriesFrom, order.placedAt);
  return delivery ? { ...delivery, kind: "delivery" } : null;
}

function latestWithin(events: { campaignId: string; at: Date }[], from: Date, to: Date): { campaignId: string; at: Date } | null {
  let latest: { campaignId: string; at: Date } | null = null;
  for (const event of events) {
    const t = event.at.getTime();
    if (t < from.getTime() || t > to.getTime()) continue;
    if (!latest || t > latest.at.getTime() || (t === latest.at.getTime() && event.campaignId > latest.campaignId)) latest = event;
  }
  return latest;
}

const plural = (n: number, unit: string) => `${n} ${unit}${n === 1 ? "" : "s"}`;

/** The rule in one plain sentence, with the shop's windows, for the results page next to the figures. */
export function describeAttributionRule(windows: AttributionWindows): string {
  return (
    `An order is credited to the campaign whose link the buyer last clicked in the ${plural(windows.clickWindowDays, "day")} before ordering; ` +
    `if they clicked none, to the last campaign delivered to them in the ${plural(windows.deliveryWindowHours, "hour")} before ordering. ` +
    `Each order is credited once, to one campaign, and refunds are taken off its revenue.`
  );
}
