import { describe, expect, it } from "vitest";
import { parseConsentDate } from "./consent-date";

const NY = { zone: "America/New_York", dayFirst: false };
const iso = (text: string, options = NY) => parseConsentDate(text, options)?.toISOString() ?? null;

describe("consent dates as other tools write them", () => {
  it("ISO 8601 with an offset, or in the shop's zone without one", () => {
    expect(iso("2024-03-05T14:02:11Z")).toBe("2024-03-05T14:02:11.000Z");
    expect(iso("2024-03-05 14:02:11+00:00")).toBe("2024-03-05T14:02:11.000Z");
    expect(iso("2024-03-05T14:02:11.123-05:00")).toBe("2024-03-05T19:02:11.123Z");
    expect(iso("2024-03-05")).toBe("2024-03-05T05:00:00.000Z");
    expect(iso("2024-07-05 09:30")).toBe("2024-07-05T13:30:00.000Z");
  });

  it("numeric dates, month or day first as the mapping says, with 12- or 24-hour times", () => {
    expect(iso("03/05/2024")).toBe("2024-03-05T05:00:00.000Z");
    expect(iso("03/05/2024", { zone: "Europe/London", dayFirst: true })).toBe("2024-05-02T23:00:00.000Z"); // British Summer Time
    expect(iso("3/5/24 2:02 PM")).toBe("2024-03-05T19:02:00.000Z");
    expect(iso("3/5/24 12:15 am")).toBe("2024-03-05T05:15:00.000Z");
    expect(iso("05.03.2024 14:02", { zone: "Europe/Berlin", dayFirst: true })).toBe("2024-03-05T13:02:00.000Z");
  });

  it("month names, RFC 2822 and Unix time", () => {
    expect(iso("Mar 5, 2024")).toBe("2024-03-05T05:00:00.000Z");
    expect(iso("5 March 2024 14:02")).toBe("2024-03-05T19:02:00.000Z");
    expect(iso("Tue, 05 Mar 2024 14:02:00 +0000")).toBe("2024-03-05T14:02:00.000Z");
    expect(iso("1709647331")).toBe("2024-03-05T14:02:11.000Z");
    expect(iso("1709647331000")).toBe("2024-03-05T14:02:11.000Z");
  });

  it("does not make up a date", () => {
    for (const text of ["", "yesterday", "13/45/2024", "2024-02-30", "12", "31/12/2024 25:00", "Q1 2024"]) expect(iso(text), text).toBeNull();
  });
});
