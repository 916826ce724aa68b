import { describe, expect, it } from "vitest";
import { ACTION_OF_EVENT_KIND, CONSENT_SOURCES, SUBSCRIBER_STATUSES, transition, type ConsentAction } from "./transitions";

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
