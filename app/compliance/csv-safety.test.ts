import { describe, expect, it } from "vitest";
import { safeCell, spreadsheetSafe } from "./csv-safety";

describe("spreadsheetSafe", () => {
  it("turns what a spreadsheet would run into text", () => {
    expect(spreadsheetSafe("=HYPERLINK(\"http://evil\",\"x\")")).toBe("'=HYPERLINK(\"http://evil\",\"x\")");
    expect(spreadsheetSafe("+1+cmd|' /C calc'!A0")).toBe("'+1+cmd|' /C calc'!A0");
    expect(spreadsheetSafe("-2+3")).toBe("'-2+3");
    expect(spreadsheetSafe("@SUM(A1)")).toBe("'@SUM(A1)");
    expect(spreadsheetSafe("\t=1")).toBe("'\t=1");
    expect(spreadsheetSafe("\r=1")).toBe("'\r=1");
  });

  it("leaves ordinary text, plain numbers and phone numbers alone", () => {
    expect(spreadsheetSafe("STOP")).toBe("STOP");
    expect(spreadsheetSafe("+12025550123")).toBe("+12025550123");
    expect(spreadsheetSafe("-3.5")).toBe("-3.5");
    expect(spreadsheetSafe("a=b")).toBe("a=b");
    expect(spreadsheetSafe("")).toBe("");
  });
});

describe("safeCell", () => {
  it("writes null as empty and numbers and booleans as text", () => {
    expect(safeCell(null)).toBe("");
    expect(safeCell(undefined)).toBe("");
    expect(safeCell(42)).toBe("42");
    expect(safeCell(false)).toBe("false");
    expect(safeCell("=1")).toBe("'=1");
  });
});
