import { describe, expect, it } from "vitest";
import { parseSettingsForm } from "./settings-form";
import { shopSettingsSchema } from "./shop-settings.server";

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
  smsCountries: "us, ca",
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
        smsCountries: ["us", "ca"],
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

  it.each([
    ["timezone", "A".repeat(10_000), "Choose a time zone from the IANA list, e.g. America/New_York"],
    ["timezone", "Mars/Olympus", "Choose a time zone from the IANA list, e.g. America/New_York or Europe/Paris"],
    ["timezone", "+01:00", "Choose a time zone from the IANA list, e.g. America/New_York or Europe/Paris"],
    ["termsUrl", "javascript:alert(document.cookie)", "Enter the full address of your terms, starting with https://"],
    ["termsUrl", "http://acme.test/terms", "Enter the full address of your terms, starting with https://"],
    ["privacyUrl", "data:text/html,<script>alert(1)</script>", "Enter the full address of your privacy policy, starting with https://"],
    ["privacyUrl", `https://acme.test/${"p".repeat(2_000)}`, "The address of your privacy policy is too long (at most 2,000 characters)"],
    ["twilioAuthToken", "f".repeat(10_000), "A Twilio auth token is 32 characters, digits and the letters a to f: copy it from the Twilio console"],
    ["twilioAuthToken", "not-a-twilio-token", "A Twilio auth token is 32 characters, digits and the letters a to f: copy it from the Twilio console"],
    ["twilioAccountSid", `AC${"g".repeat(32)}`, "Twilio account SIDs start with AC and have 34 characters"],
    ["messagingServiceSid", `MG${"a".repeat(31)}`, "Messaging Service SIDs start with MG and have 34 characters"],
    ["messagingServiceSid", `MG${"z".repeat(32)}`, "Messaging Service SIDs start with MG and have 34 characters"],
    ["brandName", "B".repeat(41), "At most 40 characters: it starts every text"],
    ["supportContact", "s".repeat(81), "At most 80 characters"],
    ["helpText", "h".repeat(321), "At most 320 characters (two text messages)"],
    ["extraOptInKeywords", Array.from({ length: 21 }, (_, i) => `KEY${i}`).join(","), "At most 20 extra keywords"],
    ["smsCountries", "US, XX", "Use two-letter country codes such as US, CA or GB"],
    ["smsCountries", "", "Enter at least one country, usually your shop's own (e.g. US)"],
  ])("refuses %s in plain words on that field (case %#)", (field, value, message) => {
    expect(parseSettingsForm(form({ ...VALID, [field]: value }))).toEqual({ ok: false, errors: { [field]: message } });
  });

  it.each(["\u0000\u0000", "\u200b\u200c\u200d", "\u2060\ufeff", "\u3164\u115f", "\u202e\u00ad", " \u200b "])(
    "refuses a brand name made only of invisible characters (%j)",
    (brandName) => {
      const result = parseSettingsForm(form({ ...VALID, brandName }));
      expect(result.ok).toBe(false);
      expect(result.ok ? null : result.errors.brandName).toMatch(/^(Enter the brand name subscribers will recognise|The brand name needs letters or digits subscribers can read)$/);
    },
  );

  it("refuses a support contact made only of invisible characters", () => {
    expect(parseSettingsForm(form({ ...VALID, supportContact: "\u200b\u200b\u200b\u0000" }))).toEqual({
      ok: false,
      errors: { supportContact: "Enter an e-mail address, phone number or URL for HELP replies" },
    });
  });

  it("keeps a brand name's visible characters and drops the invisible ones", () => {
    expect(shopSettingsSchema.parse({ brandName: "\u200bJuniper\u0000 & Pine\u2060", supportContact: "help@acme.test" }).brandName).toBe("Juniper & Pine");
  });

  it.each(["STOP", "HELP", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "STOPALL", "REVOKE", "OPTOUT", "INFO", "BAJA", "ARRET", "STOPP", "AYUDA", "AIDE", "HILFE", "AIUTO", "AJUDA", "PARAR"])(
    "refuses %s as an extra opt-in keyword, saying why",
    (keyword) => {
      expect(parseSettingsForm(form({ ...VALID, extraOptInKeywords: `join, ${keyword.toLowerCase()}` }))).toEqual({
        ok: false,
        errors: { extraOptInKeywords: `${keyword} stops texts or asks for help in some language: choose a sign-up keyword that means neither` },
      });
    },
  );

  it.each(["Etc/GMT+5", "Etc/GMT-14", "etc/gmt+12", "SystemV/EST5"])("refuses the fixed-offset zone %s", (timezone) => {
    expect(parseSettingsForm(form({ ...VALID, timezone }))).toEqual({
      ok: false,
      errors: { timezone: "Choose a time zone from the IANA list, e.g. America/New_York or Europe/Paris" },
    });
  });

  it("reads how long message bodies are kept: 30 to 3,650 days, 365 when left empty", () => {
    expect(parseSettingsForm(form({ ...VALID, messageRetentionDays: "90" }))).toMatchObject({ ok: true, input: { messageRetentionDays: 90 } });
    expect(shopSettingsSchema.parse({ brandName: "Acme", supportContact: "help@acme.test" }).messageRetentionDays).toBe(365);
    expect(parseSettingsForm(form({ ...VALID, messageRetentionDays: "7" }))).toEqual({
      ok: false,
      errors: { messageRetentionDays: "At least 30 days: you need recent texts to answer questions about them" },
    });
    expect(parseSettingsForm(form({ ...VALID, messageRetentionDays: "4000" }))).toMatchObject({ ok: false, errors: { messageRetentionDays: "At most 3,650 days (10 years)" } });
    expect(parseSettingsForm(form({ ...VALID, messageRetentionDays: "a year" }))).toMatchObject({ ok: false, errors: { messageRetentionDays: "Enter a number of days" } });
  });

  it("reads UTC's Etc aliases as UTC", () => {
    expect(shopSettingsSchema.parse({ brandName: "Acme", supportContact: "help@acme.test", timezone: "Etc/UTC" }).timezone).toBe("UTC");
  });

  it("reads the sending settings: price in dollars, sender type, rate, smart sending gap", () => {
    const result = parseSettingsForm(form({ ...VALID, segmentPrice: "$0.0079", senderType: "toll_free", maxMessagesPerSecond: "25", smartSendingHours: "12" }));
    expect(result).toMatchObject({ ok: true, input: { segmentPriceMicros: 7900, senderType: "toll_free", maxMessagesPerSecond: 25, smartSendingHours: 12 } });
  });

  it("reads an empty rate as the sender type's default, and empty sending fields as the defaults", () => {
    const result = parseSettingsForm(form({ ...VALID, maxMessagesPerSecond: "" }));
    expect(result).toMatchObject({ ok: true, input: { maxMessagesPerSecond: null } });
    expect(shopSettingsSchema.parse(result.ok ? result.input : null)).toMatchObject({
      maxMessagesPerSecond: null,
      senderType: "long_code",
      segmentPriceMicros: 8300,
      smartSendingHours: 0,
    });
  });

  it.each([
    [".0083", 8300],
    ["0.01", 10_000],
    ["1", 1_000_000],
    ["0", 0],
  ])("reads a segment price of %s dollars as %i millionths", (segmentPrice, micros) => {
    expect(parseSettingsForm(form({ ...VALID, segmentPrice }))).toMatchObject({ ok: true, input: { segmentPriceMicros: micros } });
  });

  it.each([
    ["segmentPrice", "segmentPriceMicros", "eight cents", "Enter the price of one segment in dollars, e.g. 0.0083"],
    ["segmentPrice", "segmentPriceMicros", "0.00000001", "Enter the price of one segment in dollars, e.g. 0.0083"],
    ["segmentPrice", "segmentPriceMicros", "-0.01", "Enter the price of one segment in dollars, e.g. 0.0083"],
    ["segmentPrice", "segmentPriceMicros", "2", "At most $1 a segment"],
    ["senderType", "senderType", "carrier_pigeon", "Choose a sender type from the list"],
    ["maxMessagesPerSecond", "maxMessagesPerSecond", "0", "At least 1 message per second"],
    ["maxMessagesPerSecond", "maxMessagesPerSecond", "2.5", "Enter whole messages per second"],
    ["maxMessagesPerSecond", "maxMessagesPerSecond", "5000", "At most 1,000 messages per second"],
    ["smartSendingHours", "smartSendingHours", "-1", "Enter 0 to turn smart sending off, or a number of hours"],
    ["smartSendingHours", "smartSendingHours", "169", "At most a week (168 hours)"],
    ["smartSendingHours", "smartSendingHours", "soon", "Enter a number of hours (0 turns smart sending off)"],
  ])("refuses %s %j on its field (case %#)", (field, errorField, value, message) => {
    expect(parseSettingsForm(form({ ...VALID, [field]: value }))).toEqual({ ok: false, errors: { [errorField]: message } });
  });

  it("accepts real time zones, https links, Twilio-shaped credentials and country codes", () => {
    const result = parseSettingsForm(
      form({
        ...VALID,
        timezone: "Europe/Paris",
        termsUrl: "https://acme.test/terms",
        privacyUrl: "https://acme.test/privacy",
        twilioAuthToken: "0123456789abcdefABCDEF0123456789",
        messagingServiceSid: `MG${"0f".repeat(16)}`,
        smsCountries: "US,CA,GB",
      }),
    );
    expect(result).toMatchObject({ ok: true, input: { timezone: "Europe/Paris", smsCountries: ["US", "CA", "GB"] } });
  });
});
