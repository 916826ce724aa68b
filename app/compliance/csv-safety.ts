/**
 * CSV cells that a spreadsheet cannot run. Excel, LibreOffice and Google
 * Sheets treat a cell that starts with =, +, -, @, a tab or a carriage return
 * as a formula; a consent record holds text people typed (an inbound text, a
 * user agent, a staff note), so such a cell gets a leading apostrophe, which
 * spreadsheets show as text (OWASP's advice on CSV injection). Plain numbers
 * and E.164 phone numbers ("+12025550123", "-3.5") are left as they are: they
 * cannot carry a formula, and a phone number should read as one.
 *
 * Shared by every CSV the app writes (consent records here; the subscriber
 * export, a layer above, may import it too).
 */
const FORMULA_START = /^[=+\-@\t\r]/;
const PLAIN_NUMBER = /^[+-]?\d+(\.\d+)?$/;

export function spreadsheetSafe(value: string): string {
  return FORMULA_START.test(value) && !PLAIN_NUMBER.test(value) ? `'${value}` : value;
}

/** A cell of any value: null and undefined are empty, the rest as text made safe. */
export function safeCell(value: string | number | boolean | null | undefined): string {
  if (value === null || value === undefined) return "";
  return typeof value === "string" ? spreadsheetSafe(value) : String(value);
}
