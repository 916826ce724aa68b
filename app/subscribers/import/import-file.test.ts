import { describe, expect, it } from "vitest";
import { parse } from "csv-parse/sync";
import { countCsvRows, csvRows, decodeCsvBytes, previewCsv } from "./import-file";
import { reportCsv, reportLines } from "./import-report";

const bytes = (text: string) => new TextEncoder().encode(text);

describe("reading an uploaded file", () => {
  it("takes UTF-8 with or without a byte-order mark, and Windows-1252 as older Excel saves it", () => {
    expect(decodeCsvBytes(bytes("\uFEFFPhone,Name\n+12025550123,Zoë\n"), "list.csv")).toEqual({ ok: true, text: "Phone,Name\n+12025550123,Zoë\n" });
    const windows1252 = new Uint8Array([...bytes("Phone,Name\n+12025550123,Zo"), 0xeb, 0x0a]);
    expect(decodeCsvBytes(windows1252, "list.csv")).toEqual({ ok: true, text: "Phone,Name\n+12025550123,Zoë\n" });
  });

  it("refuses in words what is not a CSV file", () => {
    expect(decodeCsvBytes(new Uint8Array([0x50, 0x4b, 0x03, 0x04, 1]), "list.csv")).toMatchObject({ ok: false, error: expect.stringMatching(/Excel workbook/) });
    expect(decodeCsvBytes(bytes("a,b"), "list.pdf")).toMatchObject({ ok: false, error: "Choose a CSV file (its name ends in .csv)." });
    expect(decodeCsvBytes(new Uint8Array([1, 0, 2]), "list.csv")).toMatchObject({ ok: false, error: expect.stringMatching(/not text/) });
    expect(decodeCsvBytes(new Uint8Array([]), "list.csv")).toEqual({ ok: false, error: "The file is empty." });
  });

  it("previews the header and first rows of the start of a file, dropping a line cut short", () => {
    const preview = previewCsv("Phone;Opt-in date;Source\n+12025550123;2025-01-02;Pop-up\n+12025550124;2025-01-0", "US");
    expect(preview).toMatchObject({ ok: true, headers: ["Phone", "Opt-in date", "Source"], rows: [["+12025550123", "2025-01-02", "Pop-up"]] });
    expect(preview.ok && preview.guess).toMatchObject({ delimiter: ";", columns: { phone: 0, consentDate: 1, source: 2 } });
    expect(previewCsv("\n\n", "US")).toMatchObject({ ok: false });
  });

  it("streams the data rows with their spreadsheet row numbers, from any row on, quoted line breaks and all", async () => {
    const text = 'Phone,Note\n+1,"two\nlines"\n\n+2,b\n+3,"say ""hi"""\n';
    const all = [];
    for await (const row of csvRows(text, ",")) all.push(row);
    expect(all).toEqual([
      { row: 2, cells: ["+1", "two\nlines"] },
      { row: 3, cells: ["+2", "b"] },
      { row: 4, cells: ["+3", 'say "hi"'] },
    ]);
    const rest = [];
    for await (const row of csvRows(text, ",", 2)) rest.push(row.row);
    expect(rest).toEqual([4]);
    expect(await countCsvRows(text, ",")).toBe(3);
  });

  it("keeps an emoji whole across the stream's 64 KB pieces", async () => {
    const name = "😀".repeat(3_000);
    // 60,019 UTF-16 units before the name: the first piece ends inside an emoji's surrogate pair.
    const text = `Phone,Name\n+0,${"x".repeat(60_000)}\n+10,${name}\n`;
    expect(text.charCodeAt(65_535)).toBeGreaterThanOrEqual(0xd800);
    const rows = [];
    for await (const row of csvRows(text, ",")) rows.push(row);
    expect(rows[1]!.cells[1]).toBe(name);
  });
});

describe("the report", () => {
  it("is CSV a spreadsheet opens as written: a formula in the file stays text", () => {
    const csv = reportCsv(
      reportLines([
        { row: 2, phone: "+12025550123", outcome: "unchanged", reason: "Already subscribed: unchanged" },
        { row: 3, phone: "=HYPERLINK(\"x\")", outcome: "refused", reason: 'Not a valid phone number ("=HYPERLINK")' },
      ]),
    );
    expect(parse(csv, { columns: true })).toEqual([
      { Row: "2", "Phone (as in the file)": "+12025550123", Outcome: "Unchanged", Reason: "Already subscribed: unchanged" },
      { Row: "3", "Phone (as in the file)": "'=HYPERLINK(\"x\")", Outcome: "Not imported", Reason: 'Not a valid phone number ("=HYPERLINK")' },
    ]);
  });
});
