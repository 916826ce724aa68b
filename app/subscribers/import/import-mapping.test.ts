import { describe, expect, it } from "vitest";
import { detectDelimiter, guessColumns, guessDayFirst, importMappingSchema, isConfirmedValue, statusMeaning } from "./import-mapping";

describe("guessing the columns from other tools' headers", () => {
  it("Klaviyo's profile export", () => {
    const headers = ["Email", "Phone Number", "First Name", "Last Name", "SMS Consent Timestamp", "SMS Consent Method", "Consent Form URL"];
    expect(guessColumns(headers)).toEqual({ email: 0, phone: 1, firstName: 2, lastName: 3, consentDate: 4, source: 5, disclosureReference: 6 });
  });

  it("Attentive's and Postscript's subscriber exports", () => {
    expect(guessColumns(["phone", "email", "subscribed_at", "opt_in_source", "subscription_status"])).toEqual({
      phone: 0,
      email: 1,
      consentDate: 2,
      source: 3,
      status: 4,
    });
    expect(guessColumns(["phone_number", "first_name", "last_name", "created_at", "opt_in_method", "double_opt_in", "disclosure_text"])).toEqual({
      phone: 0,
      firstName: 1,
      lastName: 2,
      consentDate: 3,
      source: 4,
      confirmed: 5,
      disclosureText: 6,
    });
  });

  it("Shopify's customer export: the customer's phone before the address's, the SMS consent column as the status, no consent date", () => {
    const headers = ["Customer ID", "First Name", "Last Name", "Email", "Accepts Email Marketing", "Default Address Phone", "Phone", "Accepts SMS Marketing", "Total Spent"];
    const guess = guessColumns(headers);
    expect(guess).toMatchObject({ phone: 6, firstName: 1, lastName: 2, email: 3, status: 7 });
    expect(guess.consentDate).toBeUndefined();
  });

  it("a spreadsheet's own words", () => {
    expect(guessColumns(["Mobile", "Opt-in date", "Where they signed up (source)", "Text shown"])).toMatchObject({ phone: 0, consentDate: 1, source: 2 });
    expect(guessColumns(["Notes", "Whatever"])).toEqual({});
  });
});

describe("reading the file's shape", () => {
  it("finds the delimiter outside quotes", () => {
    expect(detectDelimiter("phone,date,source")).toBe(",");
    expect(detectDelimiter('phone;date;"a, b, c";source')).toBe(";");
    expect(detectDelimiter("phone\tdate\tsource")).toBe("\t");
    expect(detectDelimiter("phone")).toBe(",");
  });

  it("reads 05/03/2024 by the samples when they can only mean one thing, else by the shop's country", () => {
    expect(guessDayFirst(["05/03/2024", "13/03/2024"], "US")).toBe(true);
    expect(guessDayFirst(["03/13/2024"], "GB")).toBe(false);
    expect(guessDayFirst(["05/03/2024"], "US")).toBe(false);
    expect(guessDayFirst(["05/03/2024"], "GB")).toBe(true);
    expect(guessDayFirst(["2024-03-05"], "FR")).toBe(true);
  });

  it("understands confirmed flags and statuses, and says when it does not", () => {
    expect(["yes", "TRUE", "1", "Confirmed", "double opt-in", "CONFIRMED_OPT_IN"].every(isConfirmedValue)).toBe(true);
    expect(["no", "", "single", "maybe"].some(isConfirmedValue)).toBe(false);
    expect(statusMeaning("SUBSCRIBED")).toBe("subscribed");
    expect(statusMeaning("yes")).toBe("subscribed");
    expect(statusMeaning("Unsubscribed")).toBe("not_subscribed");
    expect(statusMeaning("no")).toBe("not_subscribed");
    expect(statusMeaning("never_subscribed")).toBe("not_subscribed");
    expect(statusMeaning("purple")).toBe("unknown");
  });
});

describe("the mapping's schema", () => {
  const base = { delimiter: ",", dayFirst: false };
  it("requires a consent date column, a source and the disclosure (or a statement for the whole file)", () => {
    expect(importMappingSchema.safeParse({ ...base, columns: { phone: 0, consentDate: 1, source: 2, disclosureReference: 3 } }).success).toBe(true);
    expect(importMappingSchema.safeParse({ ...base, columns: { phone: 0, consentDate: 1 }, sourceForAll: "Pop-up", disclosureForAll: "Text…" }).success).toBe(true);
    const missing = importMappingSchema.safeParse({ ...base, columns: { phone: 0 }, sourceForAll: "  " });
    expect(missing.success).toBe(false);
    expect(missing.error?.issues.map((issue) => issue.message)).toEqual([
      "Choose the column with the date each person agreed: consent cannot be proven without it.",
      "Choose the column with where each person agreed, or state it for the whole file.",
      "Choose the column with the text people were shown (or a reference to it), or state it for the whole file.",
    ]);
  });

  it("refuses what is not a column", () => {
    expect(importMappingSchema.safeParse({ ...base, columns: { phone: -1, consentDate: 1, source: 2, disclosureText: 3 } }).success).toBe(false);
    expect(importMappingSchema.safeParse({ ...base, delimiter: "|", columns: { phone: 0, consentDate: 1, source: 2, disclosureText: 3 } }).success).toBe(false);
  });
});
