import { describe, expect, it } from "vitest";
import { reportWithoutNumbers, sameNumber } from "./import-report-erasure";

describe("sameNumber", () => {
  it.each([
    ["(415) 555-0123", "+14155550123"],
    ["+1 415 555 0123", "+14155550123"],
    ["0033 6 12 34 56 78", "+33612345678"],
    ["07911 123456", "+447911123456"],
  ])("matches %s written in a file with %s", (written, e164) => {
    expect(sameNumber(written, e164)).toBe(true);
  });

  it("does not match other numbers, nor fragments too short to be one", () => {
    expect(sameNumber("(415) 555-0124", "+14155550123")).toBe(false);
    expect(sameNumber("0123", "+14155550123")).toBe(false);
    expect(sameNumber("", "+14155550123")).toBe(false);
  });
});

describe("reportWithoutNumbers", () => {
  const report = '2,(415) 555-0123,Not imported,"No consent date"\n3,+1 212 555 0199,Unchanged,Already subscribed: unchanged\n';

  it("drops the erased customer's lines and keeps everyone else's", () => {
    expect(reportWithoutNumbers(report, ["+14155550123"])).toEqual({
      report: "3,+1 212 555 0199,Unchanged,Already subscribed: unchanged\n",
      removed: 1,
    });
    expect(reportWithoutNumbers("2,(415) 555-0123,Not imported,No consent date\n", ["+14155550123"])).toEqual({ report: "", removed: 1 });
  });

  it("answers null when the report does not hold the number", () => {
    expect(reportWithoutNumbers(report, ["+14155550100"])).toBeNull();
    expect(reportWithoutNumbers("", ["+14155550123"])).toBeNull();
  });
});
