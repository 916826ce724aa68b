import { describe, expect, it } from "vitest";
import { intentOf, planInbound, twilioAnswered, type EffectiveStatus, type PlanInput } from "./inbound-reply-plan";

const base: PlanInput = {
  intent: "opt_in",
  matched: "yes",
  status: "none",
  shopKeywords: ["JOIN", "DEALS"],
  doubleOptIn: true,
  twilioAnswered: false,
  shopInstalled: true,
};
const plan = (overrides: Partial<PlanInput>) => planInbound({ ...base, ...overrides });

describe("planInbound", () => {
  it("opts out and confirms once, whatever the current status", () => {
    for (const status of ["none", "pending", "subscribed", "unsubscribed", "expired"] as EffectiveStatus[]) {
      expect(plan({ intent: "opt_out", matched: "stop", status })).toEqual({ action: "opt_out", reply: "opt_out_confirmation" });
    }
  });

  it("answers help and ambiguous texts without a consent change, and stays silent otherwise", () => {
    expect(plan({ intent: "help", matched: "help" })).toEqual({ action: null, reply: "help" });
    expect(plan({ intent: "ambiguous_opt_out", matched: "stop" })).toEqual({ action: null, reply: "clarify_opt_out" });
    expect(plan({ intent: "other", matched: null })).toEqual({ action: null, reply: null });
  });

  // [status, word, doubleOptIn] → expected
  const optIns: Array<[EffectiveStatus, string, boolean, string]> = [
    ["none", "JOIN", true, "request_opt_in/double_opt_in_request"],
    ["none", "JOIN", false, "opt_in/opt_in_confirmation"],
    ["none", "start", true, "request_opt_in/double_opt_in_request"],
    ["expired", "y", true, "request_opt_in/double_opt_in_request"],
    ["expired", "y", false, "opt_in/opt_in_confirmation"],
    ["pending", "y", true, "confirm/opt_in_confirmation"],
    ["pending", "yes", true, "confirm/opt_in_confirmation"],
    ["pending", "JOIN", true, "-/double_opt_in_request"],
    ["subscribed", "start", true, "-/opt_in_confirmation"],
    ["subscribed", "JOIN", true, "-/opt_in_confirmation"],
    ["unsubscribed", "start", true, "opt_in/resubscribed"],
    ["unsubscribed", "unstop", true, "opt_in/resubscribed"],
    ["unsubscribed", "yes", false, "opt_in/resubscribed"],
    // Coming back in one's own words is the person's own act, like START.
    ["unsubscribed", "sign me back up", true, "opt_in/resubscribed"],
    ["none", "sign me back up", true, "request_opt_in/double_opt_in_request"],
    ["unsubscribed", "DEALS", true, "request_opt_in/double_opt_in_request"],
    ["unsubscribed", "deals", false, "opt_in/opt_in_confirmation"],
  ];
  it.each(optIns)("opt-in: %s + %s (double opt-in %s) → %s", (status, matched, doubleOptIn, expected) => {
    const result = plan({ status, matched, doubleOptIn });
    expect(`${result.action ?? "-"}/${result.reply ?? "-"}`).toBe(expected);
  });

  it("stays silent where Twilio answered, except for a double opt-in request Twilio cannot ask", () => {
    expect(plan({ intent: "opt_out", matched: "stop", twilioAnswered: true })).toEqual({ action: "opt_out", reply: null });
    expect(plan({ intent: "help", matched: "help", twilioAnswered: true })).toEqual({ action: null, reply: null });
    expect(plan({ status: "unsubscribed", matched: "start", twilioAnswered: true })).toEqual({ action: "opt_in", reply: null });
    expect(plan({ status: "pending", matched: "yes", twilioAnswered: true })).toEqual({ action: "confirm", reply: null });
    expect(plan({ status: "none", matched: "start", twilioAnswered: true })).toEqual({
      action: "request_opt_in",
      reply: "double_opt_in_request",
    });
  });
});

describe("twilioAnswered", () => {
  it("is true for Twilio's exact keywords unless the app handles keywords, and always with OptOutType", () => {
    expect(twilioAnswered("twilio_default", "STOP", null, "opt_out")).toBe(true);
    expect(twilioAnswered("twilio_advanced_opt_out", "HELP", null, "help")).toBe(true);
    expect(twilioAnswered("twilio_default", null, null, "opt_out")).toBe(false);
    expect(twilioAnswered("app", "STOP", null, "opt_out")).toBe(false);
    expect(twilioAnswered("app", null, "STOP", "opt_out")).toBe(true);
  });

  it("is false when Twilio answered a different intent than the one we act on", () => {
    expect(twilioAnswered("twilio_advanced_opt_out", null, "HELP", "opt_out")).toBe(false);
  });
});

describe("intentOf", () => {
  it("lets Twilio's OptOutType override the classifier, but never downgrade a revocation", () => {
    expect(intentOf("other", "STOP")).toBe("opt_out");
    expect(intentOf("other", "START")).toBe("opt_in");
    expect(intentOf("ambiguous_opt_out", "HELP")).toBe("help");
    expect(intentOf("opt_out", "HELP")).toBe("opt_out");
    expect(intentOf("ambiguous_opt_out", null)).toBe("ambiguous_opt_out");
  });
});

describe("planInbound for an uninstalled shop", () => {
  const uninstalled = (overrides: Partial<PlanInput>) => plan({ shopInstalled: false, ...overrides });

  it("still records and confirms every opt-out, and answers help and unclear texts", () => {
    for (const status of ["none", "pending", "subscribed", "unsubscribed", "expired"] as EffectiveStatus[]) {
      expect(uninstalled({ intent: "opt_out", matched: "stop", status })).toEqual({ action: "opt_out", reply: "opt_out_confirmation" });
    }
    expect(uninstalled({ intent: "help", matched: "help" })).toEqual({ action: null, reply: "help" });
    expect(uninstalled({ intent: "ambiguous_opt_out", matched: "stop" })).toEqual({ action: null, reply: "clarify_opt_out" });
  });

  it("subscribes nobody and stays silent to opt-in words, whatever the status", () => {
    for (const status of ["none", "pending", "subscribed", "unsubscribed", "expired"] as EffectiveStatus[]) {
      for (const [matched, doubleOptIn] of [["JOIN", true], ["JOIN", false], ["start", true], ["y", true]] as const) {
        expect(uninstalled({ intent: "opt_in", matched, status, doubleOptIn }), `${status} ${matched}`).toEqual({ action: null, reply: null });
      }
    }
  });
});
