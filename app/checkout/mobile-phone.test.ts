import { describe, expect, it } from "vitest";
import { checkMobileNumber } from "./mobile-phone";

describe("checkMobileNumber (libphonenumber-js, full metadata)", () => {
  it.each([
    ["+12015550123", "+12015550123", "US"], // NANP: mobile and fixed share ranges
    ["+1 (201) 555-0123", "+12015550123", "US"],
    ["+33 6 12 34 56 78", "+33612345678", "FR"],
    ["+4915123456789", "+4915123456789", "DE"],
    ["+61412345678", "+61412345678", "AU"],
  ])("accepts %s as %s", (input, phone, country) => {
    expect(checkMobileNumber(input)).toEqual({ ok: true, phone, country });
  });

  it.each([
    [null, "phone_missing"],
    ["   ", "phone_missing"],
    ["2015550123", "phone_invalid"], // national form: no country is guessed
    ["+1201555012", "phone_invalid"], // too short
    ["+12015550123abc", "phone_invalid"],
    ["+1 201 555 0123 ext 4", "phone_invalid"],
    ["+447700900123", "phone_invalid"], // Ofcom's drama range: cannot exist
    ["+33142685300", "phone_not_mobile"], // Paris landline
    ["+442079460000", "phone_not_mobile"], // London landline
    ["+18005550199", "phone_not_mobile"], // toll-free
  ])("refuses %s: %s", (input, reason) => {
    expect(checkMobileNumber(input)).toEqual({ ok: false, reason });
  });
});
