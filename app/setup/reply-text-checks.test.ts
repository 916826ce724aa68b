import { describe, expect, it } from "vitest";
import { checkReplyText, checkReplyTexts } from "./reply-text-checks";

const program = { brandName: "Acme", supportContact: "help@acme.test", maxMessagesPerMonth: 6 };
const rules = (check: { findings: Array<{ rule: string }> }) => check.findings.map((finding) => finding.rule);

describe("CTIA checks of the reply texts", () => {
  it("finds nothing wrong with the app's own wording of the three texts", () => {
    for (const check of checkReplyTexts({}, program)) {
      expect(check.usesDefault).toBe(true);
      expect(check.findings).toEqual([]);
      expect(check.sent.startsWith("Acme: ")).toBe(true);
      expect(check.segments.segments).toBeGreaterThan(0);
    }
  });

  it("a full opt-in confirmation passes, and nothing is added to it", () => {
    const check = checkReplyText("opt_in_confirmation", "Acme: Welcome! Up to 6 msgs/month. Msg & data rates may apply. Reply HELP for help, STOP to cancel.", program);
    expect(check.findings).toEqual([]);
    expect(check.added).toEqual([]);
  });

  it("names each missing element of an opt-in confirmation, with the fix", () => {
    const check = checkReplyText("opt_in_confirmation", "Welcome to the club!", program);
    expect(rules(check)).toEqual(["frequency", "rates", "help"]);
    expect(check.findings[0]!.fix).toContain("Up to 6 msgs/month");
    expect(check.findings[1]!.fix).toBe('Add "Msg & data rates may apply."');
    expect(check.findings[2]!.fix).toBe('Add "Reply HELP for help."');
    // What the app adds itself is listed, not reported as a problem: the brand and STOP.
    expect(check.added).toEqual(['your brand name at the start ("Acme: ")', 'how to stop ("Reply STOP to cancel.")']);
    expect(check.sent).toBe("Acme: Welcome to the club! Reply STOP to cancel.");
  });

  it("a HELP reply without frequency or rates is reported; the support contact and STOP are added", () => {
    const check = checkReplyText("help", "Questions? Write to us.", program);
    expect(rules(check)).toEqual(["frequency", "rates"]);
    expect(check.added).toContain('your support contact ("Support: help@acme.test.")');
    expect(check.sent).toContain("Support: help@acme.test.");
    expect(check.sent).toContain("Reply STOP to cancel.");
  });

  it("the frequency may be said as recurring or a number per month", () => {
    expect(rules(checkReplyText("help", "Recurring deals. Msg & data rates may apply.", program))).toEqual([]);
    expect(rules(checkReplyText("help", "4 texts per month. Msg and data rates may apply.", program))).toEqual([]);
  });

  it("an opt-out confirmation must confirm the opt-out and carry no marketing", () => {
    expect(rules(checkReplyText("opt_out_confirmation", "Acme: Bye for now!", program))).toEqual(["opt_out_confirmed"]);
    const withOffer = checkReplyText("opt_out_confirmation", "You are unsubscribed. Come back for 20% off: https://acme.test/back", program);
    expect(rules(withOffer)).toEqual(["no_marketing"]);
    expect(withOffer.findings[0]!.message).toContain("no marketing");
    // No STOP instruction is added to the confirmation of a STOP.
    expect(checkReplyText("opt_out_confirmation", "You are unsubscribed.", program).added).toEqual(['your brand name at the start ("Acme: ")']);
  });

  it("without a brand name nothing can be sent: says so instead", () => {
    const check = checkReplyText("help", "Hi", { ...program, brandName: " " });
    expect(rules(check)).toEqual(["brand"]);
    expect(check.findings[0]!.fix).toBe("Enter your brand name above.");
  });

  it("a HELP reply needs a support contact", () => {
    expect(rules(checkReplyText("help", null, { ...program, supportContact: "" }))).toEqual(["help"]);
  });

  it("warns when a reply takes more than one segment, and why", () => {
    const long = checkReplyText("opt_out_confirmation", `You are unsubscribed and will receive no further messages. ${"Thank you for being with us. ".repeat(5)}`, program);
    expect(rules(long)).toEqual(["one_segment"]);
    expect(long.findings[0]!.severity).toBe("warning");
    const emoji = checkReplyText("opt_out_confirmation", `You are unsubscribed and will receive no further messages 😢 ${"x".repeat(20)}`, program);
    expect(emoji.segments.encoding).toBe("UCS-2");
    expect(emoji.findings[0]!.message).toContain("outside the basic SMS alphabet");
  });

  it("{brand} and {support} placeholders count as the brand and the contact", () => {
    const check = checkReplyText("help", "{brand}: recurring offers. Msg & data rates may apply. Email {support}.", program);
    expect(check.added).toEqual(['how to stop ("Reply STOP to cancel.")']);
    expect(check.findings).toEqual([]);
  });
});
