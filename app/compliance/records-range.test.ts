import { describe, expect, it } from "vitest";
import { parseRecordsRange, recordsFileName } from "./records-range";

const parse = (query: string, zone = "America/New_York") => parseRecordsRange(new URLSearchParams(query), zone);

describe("parseRecordsRange", () => {
  it("reads both days whole, in the shop's time zone", () => {
    const result = parse("from=2026-11-01&to=2026-11-30");
    expect(result).toEqual({
      ok: true,
      range: { fromDay: "2026-11-01", toDay: "2026-11-30", start: new Date("2026-11-01T04:00:00Z"), end: new Date("2026-12-01T05:00:00Z") },
    });
    const oneDay = parse("from=2026-07-04&to=2026-07-04", "Asia/Tokyo");
    expect(oneDay.ok && [oneDay.range.start.toISOString(), oneDay.range.end.toISOString()]).toEqual(["2026-07-03T15:00:00.000Z", "2026-07-04T15:00:00.000Z"]);
  });

  it("refuses missing, malformed and reversed days in words", () => {
    expect(parse("to=2026-11-30")).toEqual({ ok: false, error: "Choose the first day of the records." });
    expect(parse("from=2026-11-01&to=")).toEqual({ ok: false, error: "Choose the last day of the records." });
    expect(parse("from=yesterday&to=2026-11-30")).toEqual({ ok: false, error: 'The first day, "yesterday", is not a date: use a date like 2026-11-01.' });
    expect(parse("from=2026-11-01&to=2026-02-30")).toEqual({ ok: false, error: 'The last day, "2026-02-30", is not a date: use a date like 2026-11-30.' });
    expect(parse("from=2026-11-30&to=2026-11-01")).toEqual({ ok: false, error: "The first day (2026-11-30) is after the last day (2026-11-01): swap them." });
  });
});

describe("recordsFileName", () => {
  it("names the shop and the days", () => {
    expect(recordsFileName("acme.myshopify.com", { fromDay: "2026-11-01", toDay: "2026-11-30" })).toBe("consent-records_acme.myshopify.com_2026-11-01_to_2026-11-30.csv");
  });
});
