import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  attributeOrder,
  attributionWindowStarts,
  DEFAULT_ATTRIBUTION_WINDOWS,
  describeAttributionRule,
  type CampaignClick,
  type CampaignDelivery,
} from "./attribution";

const placedAt = new Date("2026-11-20T15:00:00.000Z");
const HOUR = 3_600_000;
const before = (ms: number) => new Date(placedAt.getTime() - ms);
const windows = DEFAULT_ATTRIBUTION_WINDOWS; // 5 days, 24 hours

const attribute = (clicks: CampaignClick[], deliveries: CampaignDelivery[] = [], w = windows) => attributeOrder({ placedAt }, { clicks, deliveries }, w);

describe("attributeOrder: window edges", () => {
  it("counts a click exactly 5 days before the order, not one millisecond earlier", () => {
    expect(attribute([{ campaignId: "a", clickedAt: before(120 * HOUR) }])).toEqual({ campaignId: "a", kind: "click", at: before(120 * HOUR) });
    expect(attribute([{ campaignId: "a", clickedAt: before(120 * HOUR + 1) }])).toBeNull();
  });

  it("counts a click at the order's own instant, not one millisecond after it", () => {
    expect(attribute([{ campaignId: "a", clickedAt: placedAt }])).toMatchObject({ campaignId: "a", kind: "click" });
    expect(attribute([{ campaignId: "a", clickedAt: new Date(placedAt.getTime() + 1) }])).toBeNull();
  });

  it("counts a delivery exactly 24 hours before the order, not one millisecond earlier, nor after the order", () => {
    expect(attribute([], [{ campaignId: "d", deliveredAt: before(24 * HOUR) }])).toEqual({ campaignId: "d", kind: "delivery", at: before(24 * HOUR) });
    expect(attribute([], [{ campaignId: "d", deliveredAt: before(24 * HOUR + 1) }])).toBeNull();
    expect(attribute([], [{ campaignId: "d", deliveredAt: placedAt }])).toMatchObject({ campaignId: "d" });
    expect(attribute([], [{ campaignId: "d", deliveredAt: new Date(placedAt.getTime() + 1) }])).toBeNull();
  });

  it("follows the shop's windows", () => {
    const narrow = { clickWindowDays: 1, deliveryWindowHours: 2 };
    expect(attribute([{ campaignId: "a", clickedAt: before(24 * HOUR) }], [], narrow)).toMatchObject({ campaignId: "a" });
    expect(attribute([{ campaignId: "a", clickedAt: before(25 * HOUR) }], [], narrow)).toBeNull();
    expect(attribute([], [{ campaignId: "d", deliveredAt: before(3 * HOUR) }], narrow)).toBeNull();
    expect(attributionWindowStarts(placedAt, { clickWindowDays: 30, deliveryWindowHours: 168 })).toEqual({
      clicksFrom: before(30 * 24 * HOUR),
      deliveriesFrom: before(168 * HOUR),
    });
  });

  it("uses 24-hour days across a DST change: 5 days before 12:00 on the Monday after is 11:00 local on the Wednesday before", () => {
    // US DST ended 2026-11-01; the window is a span of time, not calendar days.
    const monday = new Date("2026-11-02T17:00:00.000Z"); // 12:00 in New York (EST)
    const { clicksFrom } = attributionWindowStarts(monday, windows);
    expect(clicksFrom.toISOString()).toBe("2026-10-28T17:00:00.000Z"); // 13:00 EDT
  });
});

describe("attributeOrder: which campaign", () => {
  it("credits the last click in the window over an earlier one, and over any delivery, even a later one", () => {
    const result = attribute(
      [
        { campaignId: "early", clickedAt: before(3 * 24 * HOUR) },
        { campaignId: "late", clickedAt: before(2 * 24 * HOUR) },
      ],
      [{ campaignId: "delivered", deliveredAt: before(HOUR) }],
    );
    expect(result).toMatchObject({ campaignId: "late", kind: "click" });
  });

  it("falls back to the last delivery when no click is in the window", () => {
    const result = attribute(
      [{ campaignId: "old-click", clickedAt: before(6 * 24 * HOUR) }],
      [
        { campaignId: "first", deliveredAt: before(20 * HOUR) },
        { campaignId: "second", deliveredAt: before(2 * HOUR) },
      ],
    );
    expect(result).toMatchObject({ campaignId: "second", kind: "delivery" });
  });

  it("credits nothing without a click or a delivery in the windows", () => {
    expect(attribute([], [])).toBeNull();
  });

  it("separates two clicks at the same instant by campaign id (the greatest), as the SQL does", () => {
    const at = before(HOUR);
    expect(attribute([{ campaignId: "b", clickedAt: at }, { campaignId: "c", clickedAt: at }, { campaignId: "a", clickedAt: at }])).toMatchObject({
      campaignId: "c",
    });
  });
});

const WINDOW_MS = 40 * 24 * HOUR;
const eventTime = fc.integer({ min: -WINDOW_MS, max: 2 * 24 * HOUR }).map((offset) => new Date(placedAt.getTime() + offset));
const campaignId = fc.constantFrom("c1", "c2", "c3", "c4");
const clicksArb = fc.array(fc.record({ campaignId, clickedAt: eventTime }), { maxLength: 8 });
const deliveriesArb = fc.array(fc.record({ campaignId, deliveredAt: eventTime }), { maxLength: 8 });
const windowsArb = fc.record({ clickWindowDays: fc.integer({ min: 1, max: 30 }), deliveryWindowHours: fc.integer({ min: 1, max: 168 }) });

describe("attributeOrder: properties", () => {
  it("credits at most one campaign, always one the buyer clicked or was delivered, and only from before the order", () => {
    fc.assert(
      fc.property(clicksArb, deliveriesArb, windowsArb, (clicks, deliveries, w) => {
        const result = attributeOrder({ placedAt }, { clicks, deliveries }, w);
        if (result === null) return;
        // One result, one campaign: the type allows nothing else; it is a real event of that kind.
        const source = result.kind === "click" ? clicks.map((c) => [c.campaignId, c.clickedAt]) : deliveries.map((d) => [d.campaignId, d.deliveredAt]);
        expect(source.some(([id, at]) => id === result.campaignId && (at as Date).getTime() === result.at.getTime())).toBe(true);
        expect(result.at.getTime()).toBeLessThanOrEqual(placedAt.getTime());
      }),
    );
  });

  it("a later click in the window always wins over the earlier ones", () => {
    fc.assert(
      fc.property(clicksArb, deliveriesArb, windowsArb, fc.integer({ min: 0, max: 24 * HOUR }), (clicks, deliveries, w, gap) => {
        const { clicksFrom } = attributionWindowStarts(placedAt, w);
        const inWindow = clicks.map((c) => c.clickedAt.getTime()).filter((t) => t >= clicksFrom.getTime() && t <= placedAt.getTime());
        const latestInWindow = Math.max(clicksFrom.getTime() - 1, ...inWindow);
        fc.pre(latestInWindow < placedAt.getTime()); // room for a strictly later click before the order
        const laterAt = new Date(Math.min(placedAt.getTime(), latestInWindow + 1 + gap));
        const result = attributeOrder({ placedAt }, { clicks: [...clicks, { campaignId: "newest", clickedAt: laterAt }], deliveries }, w);
        expect(result).toEqual({ campaignId: "newest", kind: "click", at: laterAt });
      }),
    );
  });

  it("clicks and deliveries after the order never change the credit", () => {
    fc.assert(
      fc.property(clicksArb, deliveriesArb, windowsArb, clicksArb, (clicks, deliveries, w, extra) => {
        const after = extra.map((c) => ({ campaignId: c.campaignId, clickedAt: new Date(placedAt.getTime() + 1 + Math.abs(c.clickedAt.getTime() - placedAt.getTime())) }));
        const without = attributeOrder({ placedAt }, { clicks, deliveries }, w);
        const withLater = attributeOrder(
          { placedAt },
          { clicks: [...clicks, ...after], deliveries: [...deliveries, ...after.map((c) => ({ campaignId: c.campaignId, deliveredAt: c.clickedAt }))] },
          w,
        );
        expect(withLater).toEqual(without);
      }),
    );
  });

  it("a click in the window always beats every delivery", () => {
    fc.assert(
      fc.property(clicksArb, deliveriesArb, windowsArb, (clicks, deliveries, w) => {
        const { clicksFrom } = attributionWindowStarts(placedAt, w);
        const anyClickInWindow = clicks.some((c) => c.clickedAt >= clicksFrom && c.clickedAt <= placedAt);
        const result = attributeOrder({ placedAt }, { clicks, deliveries }, w);
        if (anyClickInWindow) expect(result?.kind).toBe("click");
        else expect(result?.kind ?? "delivery").toBe("delivery");
      }),
    );
  });
});

describe("describeAttributionRule", () => {
  it("states the rule with the shop's windows", () => {
    expect(describeAttributionRule(DEFAULT_ATTRIBUTION_WINDOWS)).toBe(
      "An order is credited to the campaign whose link the buyer last clicked in the 5 days before ordering; " +
        "if they clicked none, to the last campaign delivered to them in the 24 hours before ordering. " +
        "Each order is credited once, to one campaign, and refunds are taken off its revenue.",
    );
    expect(describeAttributionRule({ clickWindowDays: 1, deliveryWindowHours: 1 })).toContain("in the 1 day before ordering; if they clicked none, to the last campaign delivered to them in the 1 hour before");
  });
});
