import { describe, expect, it } from "vitest";
import { parseSettingsForm } from "./settings-form";

function form(fields: Record<string, string>) {
  const data = new FormData();
  for (const [key, value] of Object.entries(fields)) data.set(key, value);
  return data;
}

const VALID = {
  brandName: "Acme",
  supportContact: "help@acme.test",
  twilioAccountSid: `AC${"a".repeat(32)}`,
  senderPhoneNumber: "(415) 555-0100",
  keywordMode: "app",
  doubleOptIn: "on",
  pendingExpiryHours: "48",
  maxMessagesPerMonth: "4",
  extraOptInKeywords: "join, deals",
  supportedLanguages: "en,es",
};

describe("settings form", () => {
  it("normalises what merchants type", () => {
    const result = parseSettingsForm(form(VALID));
    expect(result).toMatchObject({
      ok: true,
      input: {
        senderPhoneNumber: "+14155550100",
        doubleOptIn: true,
        pendingExpiryHours: 48,
        extraOptInKeywords: ["join", "deals"],
        supportedLanguages: ["en", "es"],
        twilioAuthToken: null,
        termsUrl: null,
      },
    });
  });

  it("explains each problem next to its field", () => {
    const result = parseSettingsForm(form({ ...VALID, brandName: "", twilioAccountSid: "123", senderPhoneNumber: "call me", maxMessagesPerMonth: "0" }));
    expect(result).toEqual({
      ok: false,
      errors: {
        brandName: "Enter the brand name subscribers will recognise",
        twilioAccountSid: "Twilio account SIDs start with AC and have 34 characters",
        senderPhoneNumber: "Enter a phone number in international format, e.g. +15551234567",
        maxMessagesPerMonth: "Allow at least 1 message a month",
      },
    });
  });
});
