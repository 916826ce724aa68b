import { describe, expect, test } from "vitest";
import { phoneProblem, toMobileE164 } from "./phone";

describe("toMobileE164", () => {
  test.each([
    ["+1 (415) 555-0123", undefined, "+14155550123"],
    ["415-555-0123", "US", "+14155550123"],
    ["1 415 555 0123", "US", "+14155550123"],
    ["(604) 555-0199", "CA", "+16045550199"],
    ["06 12 34 56 78", "FR", "+33612345678"],
    ["+33 6 12 34 56 78", undefined, "+33612345678"],
    ["0033 7 12 34 56 78", undefined, "+33712345678"],
    ["612 345 678", "ES", "+34612345678"],
    ["+44 07700 900123", undefined, "+447700900123"],
    ["+52 55 1234 5678", undefined, "+525512345678"],
    ["+49 151 23456789", undefined, "+4915123456789"],
    ["+81 90 1234 5678", undefined, "+819012345678"], // no local rule: E.164 shape only
  ])("%s (%s) → %s", (input, country, expected) => {
    expect(toMobileE164(input, country)).toBe(expected);
  });

  test.each([
    ["", "US"],
    ["555-0123", "US"], // too short
    ["+1 015 555 0123", undefined], // NANP area codes start with 2-9
    ["+33 1 23 45 67 89", undefined], // French landline
    ["+34 912 345 678", undefined], // Spanish landline
    ["+44 20 7946 0958", undefined], // London landline
    ["0612345678", undefined], // national number, unknown country
    ["0612345678", "JP"], // national number, country without a rule
    ["+1 415 555 0123 ext 4", undefined],
    ["+123", undefined],
    ["+1234567890123456", undefined], // longer than E.164 allows
  ])("rejects %s (%s)", (input, country) => {
    expect(toMobileE164(input, country)).toBeNull();
  });
});

test("phoneProblem tells a missing number from an implausible one", () => {
  expect(phoneProblem("  ", "US")).toBe("missing");
  expect(phoneProblem("12345", "US")).toBe("invalid");
  expect(phoneProblem("+14155550123", "US")).toBeNull();
});
