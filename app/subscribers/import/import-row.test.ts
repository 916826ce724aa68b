import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { toE164 } from "../../phone/phone-number";
import type { ImportMapping } from "./import-mapping";
import { decideRow, readPhone, type RowContext } from "./import-row";

const mapping: ImportMapping = {
  delimiter: ",",
  dayFirst: false,
  columns: { phone: 0, consentDate: 1, source: 2, disclosureText: 3, disclosureReference: 4, confirmed: 5, firstName: 6 },
};
const context = (overrides: Partial<RowContext> = {}): RowContext => ({
  mapping,
  confirmMode: "double_opt_in",
  allowedCountries: ["US", "CA"],
  zone: "America/New_York",
  now: new Date("2026-11-27T12:00:00Z"),
  ...overrides,
});
const cells = (overrides: Partial<Record<"phone" | "date" | "source" | "text" | "reference" | "confirmed" | "name", string>> = {}) => [
  overrides.phone ?? "+1 202 555 0123",
  overrides.date ?? "2025-06-01T10:00:00Z",
  overrides.source ?? "Klaviyo pop-up",
  overrides.text ?? "Acme: recurring texts. Reply STOP to cancel.",
  overrides.reference ?? "",
  overrides.confirmed ?? "",
  overrides.name ?? "Ada",
];
const reason = (row: string[], ctx = context()) => {
  const decision = decideRow(row, ctx);
  return decision.ok ? "ok" : decision.reason;
};

describe("a row with complete evidence", () => {
  it("is asked to confirm by text (double opt-in), with its evidence", () => {
    expect(decideRow(cells(), context())).toEqual({
      ok: true,
      phone: "+12025550123",
      action: "request_opt_in",
      consentAt: new Date("2025-06-01T10:00:00Z"),
      source: "Klaviyo pop-up",
      sourceFrom: "column",
      disclosureText: "Acme: recurring texts. Reply STOP to cancel.",
      disclosureReference: null,
      disclosureFrom: "column",
      confirmedInFile: false,
      fellBackToDoubleOptIn: false,
      firstName: "Ada",
      lastName: null,
      email: null,
    });
  });

  it("is subscribed as confirmed only when the import is 'already confirmed' and the row says it confirmed", () => {
    const confirmedMode = context({ confirmMode: "already_confirmed" });
    expect(decideRow(cells({ confirmed: "yes" }), confirmedMode)).toMatchObject({ ok: true, action: "opt_in", confirmedInFile: true, fellBackToDoubleOptIn: false });
    expect(decideRow(cells({ confirmed: "no" }), confirmedMode)).toMatchObject({ ok: true, action: "request_opt_in", fellBackToDoubleOptIn: true });
    expect(decideRow(cells({ confirmed: "yes" }), context())).toMatchObject({ ok: true, action: "request_opt_in", confirmedInFile: true });
  });

  it("may take its source and disclosure from what the merchant stated for the whole file", () => {
    const stated = context({ mapping: { ...mapping, sourceForAll: "Spring pop-up", disclosureForAll: "Text shown: …" } });
    expect(decideRow(cells({ source: "", text: "" }), stated)).toMatchObject({
      ok: true,
      source: "Spring pop-up",
      sourceFrom: "stated",
      disclosureText: "Text shown: …",
      disclosureFrom: "stated",
    });
    expect(decideRow(cells({ text: "", reference: "https://acme.test/sms" }), stated)).toMatchObject({ disclosureText: null, disclosureReference: "https://acme.test/sms" });
  });
});

describe("a row that is not imported says why", () => {
  it("for its number", () => {
    expect(reason(cells({ phone: "" }))).toBe("No phone number");
    expect(reason(cells({ phone: "call me" }))).toBe("Not a valid phone number (“call me”): it has letters in it");
    expect(reason(cells({ phone: "555-01" }))).toBe("Not a valid phone number (“555-01”): too few digits");
    expect(reason(cells({ phone: "+44 7400 123456" }))).toBe("A number in United Kingdom (GB): this shop texts only United States (US), Canada (CA)");
    expect(reason(cells({ phone: "+1 202 555 0123 ext 4" }))).toMatch(/^Not a valid phone number/);
  });

  it("for its evidence", () => {
    expect(reason(cells({ date: "" }))).toBe("No consent date");
    expect(reason(cells({ date: "soon" }))).toBe("Consent date not understood: “soon”");
    expect(reason(cells({ date: "2027-01-01" }))).toBe("Consent date is in the future (2027-01-01T05:00:00.000Z)");
    expect(reason(cells({ source: "" }))).toBe("No consent source (where they agreed)");
    expect(reason(cells({ text: "" }))).toBe("No disclosure text or reference (what they were shown)");
  });

  it("for a status column that does not say subscribed", () => {
    const withStatus = context({ mapping: { ...mapping, columns: { ...mapping.columns, status: 7 } } });
    expect(reason([...cells(), "Unsubscribed"], withStatus)).toBe("The file says this number is not subscribed (“Unsubscribed”)");
    expect(reason([...cells(), "purple"], withStatus)).toBe("The status “purple” does not say subscribed");
    expect(reason([...cells(), ""], withStatus)).toBe("No subscription status in the row");
    expect(reason([...cells(), "subscribed"], withStatus)).toBe("ok");
  });
});

describe("numbers in any form", () => {
  // A US mobile-capable number: area code and exchange 2-9, not a 555-01xx fictional line.
  const usNumber = fc.tuple(fc.integer({ min: 201, max: 989 }), fc.integer({ min: 200, max: 999 }), fc.integer({ min: 0, max: 9999 }));
  const layouts = [
    (a: string, b: string, c: string) => `+1 ${a} ${b} ${c}`,
    (a: string, b: string, c: string) => `(${a}) ${b}-${c}`,
    (a: string, b: string, c: string) => `${a}.${b}.${c}`,
    (a: string, b: string, c: string) => `1-${a}-${b}-${c}`,
    (a: string, b: string, c: string) => `001${a}${b}${c}`,
    (a: string, b: string, c: string) => ` +1${a}${b}${c} `,
  ];

  it("every written form of one number is the same number, the one the phone function gives", () => {
    fc.assert(
      fc.property(usNumber, fc.integer({ min: 0, max: layouts.length - 1 }), fc.integer({ min: 0, max: layouts.length - 1 }), ([a, b, c], i, j) => {
        const [area, exchange, line] = [String(a), String(b), String(c).padStart(4, "0")];
        const canonical = toE164(`+1${area}${exchange}${line}`, { mustBeMobile: true, allowedCountries: ["US", "CA"] });
        const first = readPhone(layouts[i]!(area, exchange, line), ["US", "CA"]);
        const second = readPhone(layouts[j]!(area, exchange, line), ["US", "CA"]);
        expect(first.ok).toBe(canonical.ok && canonical.country !== null);
        if (canonical.ok && first.ok && second.ok) {
          expect(first.phone).toBe(canonical.phone);
          expect(second.phone).toBe(first.phone);
        }
      }),
      { numRuns: 300 },
    );
  });

  it("never accepts a row without a reason, whatever the cells", () => {
    fc.assert(
      fc.property(fc.array(fc.string({ maxLength: 30 }), { maxLength: 8 }), (row) => {
        const decision = decideRow(row, context());
        if (decision.ok) {
          expect(decision.phone).toMatch(/^\+1\d{10}$/);
          expect(decision.consentAt.getTime()).toBeLessThanOrEqual(context().now.getTime());
          expect(decision.source).not.toBe("");
        } else {
          expect(decision.reason.length).toBeGreaterThan(5);
        }
      }),
      { numRuns: 500 },
    );
  });
});
