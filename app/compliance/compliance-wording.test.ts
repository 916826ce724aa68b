import { describe, expect, it } from "vitest";
import { consentKindInWords, ledgerCheckInWords, ordinalOf, sendingExceptionInWords } from "./compliance-wording";
import type { LedgerCheck } from "./ledger-check.server";

const format = {
  count: (n: number) => n.toLocaleString("en-US"),
  dateTime: (value: Date | string) =>
    new Intl.DateTimeFormat("en-GB", { timeZone: "America/New_York", day: "numeric", month: "short", year: "numeric", hour: "2-digit", minute: "2-digit" }).format(new Date(value)),
};
const broken = (fields: Partial<Extract<LedgerCheck, { ok: false }>>): LedgerCheck => ({
  ok: false,
  events: 1203,
  brokenAt: 1204,
  problem: "edited",
  reason: "content does not match its hash",
  event: { seq: 1204, kind: "opted_out", source: "keyword", occurredAt: "2026-09-03T18:02:00.000Z" },
  previous: { seq: 1203, kind: "opted_in", source: "checkout", occurredAt: "2026-09-02T18:02:00.000Z" },
  headSeq: 48_211,
  checkedAt: "2026-11-27T14:02:00.000Z",
  ...fields,
});

describe("ledgerCheckInWords", () => {
  it("says an intact chain with its length and last event", () => {
    const check: LedgerCheck = { ok: true, events: 48_211, redacted: 0, lastEvent: { seq: 48_211, kind: "opted_in", source: "checkout", occurredAt: "2026-11-27T19:02:00.000Z" }, checkedAt: "" };
    expect(ledgerCheckInWords(check, format)).toBe("Chain intact: 48,211 events, last event 27 Nov 2026, 14:02.");
    expect(ledgerCheckInWords({ ...check, redacted: 2 }, format)).toContain("2 of them had their personal data erased on a customer's request");
    expect(ledgerCheckInWords({ ok: true, events: 0, redacted: 0, lastEvent: null, checkedAt: "" }, format)).toBe("Chain intact: no consent events recorded yet.");
  });

  it("names the first broken link by its event, in words", () => {
    expect(ledgerCheckInWords(broken({}), format)).toBe(
      "Event #1,204 (opted out, 3 Sept 2026, 14:02) no longer matches its own hash: the event was changed after it was recorded. The 1,203 events before it check.",
    );
    expect(ledgerCheckInWords(broken({ problem: "unlinked" }), format)).toBe(
      "Event #1,203 (opted in, 2 Sept 2026, 14:02) does not match the hash the next event, #1,204, commits to: the ledger was altered at or after this event. The 1,203 events before it check.",
    );
    expect(ledgerCheckInWords(broken({ problem: "missing", events: 1201 }), format)).toMatch(/^Events #1,202 to #1,203 are missing: the chain jumps to Event #1,204/);
    expect(ledgerCheckInWords(broken({ problem: "other", reason: "something new" }), format)).toMatch(/^Event #1,204 \(opted out, .*\): something new\./);
  });
});

describe("sendingExceptionInWords", () => {
  const base = { messageId: "m", subscriberId: "s", campaignId: "c", phone: "+13055550123", sentAt: "2026-11-18T01:30:00.000Z" };
  it("says where and when a text fell in quiet hours, and which cap a text went over", () => {
    expect(
      sendingExceptionInWords({ ...base, rule: "quiet_hours", localTimes: [{ zone: "America/New_York", time: "20:30", weekday: "Tuesday" }], regions: ["US-FL"], window: "8:00–20:00" }, format),
    ).toBe("Sent 17 Nov 2026, 20:30 to +13055550123: it was 20:30 on Tuesday in America/New_York (US-FL), outside the hours the law allows there (8:00–20:00).");
    expect(sendingExceptionInWords({ ...base, rule: "daily_cap", count: 4, limit: 3, limitSource: "Florida law" }, format)).toBe(
      "Sent 17 Nov 2026, 20:30 to +13055550123: the 4th marketing text to this number within 24 hours; the limit is 3 (Florida law).",
    );
    expect(sendingExceptionInWords({ ...base, rule: "monthly_cap", count: 7, limit: 6, limitSource: "the monthly number your disclosure promises" }, format)).toContain(
      "the 7th marketing text to this number this calendar month; the limit is 6",
    );
  });
});

describe("small words", () => {
  it("ordinals and kinds", () => {
    expect([1, 2, 3, 4, 11, 12, 13, 21, 22, 101, 111].map(ordinalOf)).toEqual(["1st", "2nd", "3rd", "4th", "11th", "12th", "13th", "21st", "22nd", "101st", "111th"]);
    expect(consentKindInWords("carrier_opt_out")).toBe("opted out at the carrier");
    expect(consentKindInWords("something_new")).toBe("something new");
  });
});
