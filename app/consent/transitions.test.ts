import { describe, expect, it } from "vitest";
import { ACTION_OF_EVENT_KIND, CONSENT_SOURCES, predatesOptOut, SUBSCRIBER_STATUSES, transition, type ConsentAction } from "./transitions";

const ACTIONS: ConsentAction[] = ["request_opt_in", "opt_in", "confirm", "opt_out", "carrier_opt_out", "expire"];

describe("transition", () => {
  it("lets no import, sync or staff member undo an opt-out, while the person's own opt-in does", () => {
    for (const source of ["import", "shopify_sync", "admin"] as const) {
      expect(transition("unsubscribed", "opt_in", source)).toEqual({ changed: false, reason: "opted out: only the subscriber can opt in again" });
      expect(transition("unsubscribed", "request_opt_in", source).changed).toBe(false);
      expect(transition(null, "opt_in", source)).toEqual({ changed: true, to: "subscribed", kind: "opted_in" });
      expect(transition("expired", "request_opt_in", source).changed).toBe(true);
    }
    for (const source of ["keyword", "checkout", "form"] as const) {
      expect(transition("unsubscribed", "opt_in", source)).toEqual({ changed: true, to: "subscribed", kind: "resubscribed" });
    }
  });

  it("replays: every event kind maps back to an action that produces it", () => {
    for (const from of [null, ...SUBSCRIBER_STATUSES]) {
      for (const action of ACTIONS) {
        for (const source of CONSENT_SOURCES) {
          const result = transition(from, action, source);
          if (result.changed) expect(transition(from, ACTION_OF_EVENT_KIND[result.kind], source)).toEqual(result);
        }
      }
    }
  });
});

describe("predatesOptOut", () => {
  const stop = new Date("2026-11-20T12:00:00Z");
  const before = new Date(stop.getTime() - 1);
  const after = new Date(stop.getTime() + 1);

  it("holds a consent given before the latest opt-out to it, whatever time it arrives", () => {
    expect(predatesOptOut("opt_in", before, stop)).toBe(true);
    expect(predatesOptOut("request_opt_in", before, stop)).toBe(true);
  });

  it("lets a consent given at or after the opt-out through, and never blocks anything but an opt-in", () => {
    expect(predatesOptOut("opt_in", after, stop)).toBe(false);
    expect(predatesOptOut("opt_in", stop, stop)).toBe(false);
    expect(predatesOptOut("opt_in", before, null)).toBe(false);
    for (const action of ["confirm", "opt_out", "carrier_opt_out", "expire"] as const) expect(predatesOptOut(action, before, stop)).toBe(false);
  });
});
