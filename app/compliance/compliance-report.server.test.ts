import { describe, expect, it } from "vitest";
import prisma from "../db.server";
import { applyConsentChange } from "../consent/consent-engine.server";
import { createTestShop } from "../../tests/support/shop-fixture";
import { testPhone } from "../../tests/support/campaign-fixture";
import { getComplianceReport } from "./compliance-report.server";
import { checkLedger } from "./ledger-check.server";
import { ledgerCheckInWords } from "./compliance-wording";

const NOW = new Date("2026-11-20T18:00:00Z");
const english = {
  count: (n: number) => n.toLocaleString("en-US"),
  dateTime: (value: Date | string) => new Date(value).toISOString().slice(0, 16).replace("T", " ") + " UTC",
};

/** A STOP received at `receivedAt` and its opt-out recorded `handledMs` later (null: the number was already opted out). */
async function stop(shop: string, phone: string, receivedAt: Date, handledMs: number | null) {
  const messageSid = `SM${Math.random().toString(16).slice(2).padEnd(32, "0")}`;
  const { subscriber, event } = await applyConsentChange({
    shop,
    phone,
    action: "opt_out",
    source: "keyword",
    occurredAt: receivedAt,
    evidence: { messageSid, body: "STOP" },
  });
  if (handledMs !== null) {
    expect(event).not.toBeNull();
    // recordedAt is not in the event's hash: set here to a hand-counted delay.
    await prisma.consentEvent.update({ where: { id: event!.id }, data: { recordedAt: new Date(receivedAt.getTime() + handledMs) } });
  } else {
    expect(event).toBeNull();
  }
  await prisma.inboundMessage.create({
    data: { messageSid, shop, fromPhone: phone, toPhone: "+15550000000", body: "STOP", intent: "opt_out", subscriberId: subscriber.id, replyTwiml: "<Response/>", receivedAt },
  });
}

describe("getComplianceReport", () => {
  it("gives opt-out handling time p50 and p99 over the last 30 days, carrier opt-outs and privacy requests, for this shop only", async () => {
    const { shop } = await createTestShop();
    const other = await createTestShop();
    const day = (n: number) => new Date(NOW.getTime() - n * 24 * 3600_000);
    // Eleven opt-outs in all, handled in 5 ms (below) and 10, 20, … 100 ms: p50 (nearest rank) is the 6th, 50 ms; p99 the 11th, 100 ms.
    for (let i = 1; i <= 10; i++) {
      const phone = testPhone();
      await applyConsentChange({ shop, phone, action: "opt_in", source: "keyword", occurredAt: day(40), evidence: { body: "JOIN" } });
      await stop(shop, phone, day(i), i * 10);
    }
    // A second STOP from a number already opted out: received, nothing to record.
    const again = testPhone();
    await stop(shop, again, day(3), 5);
    await stop(shop, again, day(2), null);
    // Outside the 30 days, and another shop's: never counted.
    await stop(shop, testPhone(), day(31), 99_999);
    await stop(other.shop, testPhone(), day(1), 77_777);
    await applyConsentChange({ shop, phone: testPhone(), action: "carrier_opt_out", source: "carrier", occurredAt: day(4), evidence: { errorCode: 21610 } });
    await applyConsentChange({ shop: other.shop, phone: testPhone(), action: "carrier_opt_out", source: "carrier", occurredAt: day(4), evidence: { errorCode: 21610 } });

    await prisma.privacyRequest.createMany({
      data: [
        { shop, topic: "customers/data_request", receivedAt: day(2), completedAt: day(2) },
        { shop, topic: "customers/data_request", receivedAt: day(50), completedAt: day(50) },
        { shop, topic: "customers/redact", receivedAt: day(1), completedAt: null },
        { shop: other.shop, topic: "customers/redact", receivedAt: day(1), completedAt: day(1) },
      ],
    });

    const report = await getComplianceReport(shop, NOW);
    expect(report.optOuts).toEqual({ count: 11, p50Ms: 50, p99Ms: 100, maxMs: 100, received: 12, alreadyOptedOut: 1, carrierOptOuts: 1 });
    expect(report.privacy).toEqual({
      total: 3,
      last30Days: 2,
      byTopic: [
        { topic: "customers/data_request", done: 2, inProgress: 0 },
        { topic: "customers/redact", done: 0, inProgress: 1 },
      ],
    });
    expect(report.messageRetentionDays).toBe(365);
    expect(report.ledger.events).toBe(await prisma.consentEvent.count({ where: { shop } }));
  });
});

describe("checkLedger", () => {
  async function chain() {
    const { shop } = await createTestShop();
    const phone = testPhone();
    await applyConsentChange({ shop, phone, action: "opt_in", source: "keyword", occurredAt: new Date("2026-09-01T12:00:00Z"), evidence: { body: "JOIN" } });
    await applyConsentChange({ shop, phone, action: "opt_out", source: "keyword", occurredAt: new Date("2026-09-03T14:02:00Z"), evidence: { body: "STOP" } });
    await applyConsentChange({ shop, phone, action: "opt_in", source: "keyword", occurredAt: new Date("2026-09-05T09:00:00Z"), evidence: { body: "START" } });
    return shop;
  }
  const event = (shop: string, seq: number) => ({ shop_seq: { shop, seq } });

  it("says the chain is intact, with its length and last event", async () => {
    const shop = await chain();
    const check = await checkLedger(shop, NOW);
    expect(check).toMatchObject({ ok: true, events: 3, redacted: 0, lastEvent: { seq: 3, kind: "resubscribed" } });
    expect(ledgerCheckInWords(check, english)).toBe("Chain intact: 3 events, last event 2026-09-05 09:00 UTC.");
  });

  it("names evidence changed behind the app's back", async () => {
    const shop = await chain();
    await prisma.consentEvent.update({ where: event(shop, 2), data: { evidence: JSON.stringify({ body: "hello" }) } });
    const check = await checkLedger(shop, NOW);
    expect(check).toMatchObject({ ok: false, brokenAt: 2, problem: "evidence_changed", events: 1 });
    expect(ledgerCheckInWords(check, english)).toBe(
      "Event #2 (opted out, 2026-09-03 14:02 UTC): its phone number or evidence no longer matches what the chain recorded: it was changed after it was recorded. The 1 events before it check.",
    );
  });

  it("names an event whose hash was rewritten, and one edited", async () => {
    const shop = await chain();
    await prisma.consentEvent.update({ where: event(shop, 2), data: { hash: "f".repeat(64) } });
    const rewritten = await checkLedger(shop, NOW);
    expect(rewritten).toMatchObject({ ok: false, brokenAt: 2, problem: "edited" });
    expect(ledgerCheckInWords(rewritten, english)).toMatch(/^Event #2 \(opted out, 2026-09-03 14:02 UTC\) no longer matches its own hash/);

    const edited = await chain();
    await prisma.consentEvent.update({ where: event(edited, 3), data: { kind: "opted_out" } });
    expect(await checkLedger(edited, NOW)).toMatchObject({ ok: false, brokenAt: 3, problem: "edited", event: { kind: "opted_out" } });
  });

  it("names missing events and events deleted from the end", async () => {
    const shop = await chain();
    await prisma.consentEvent.delete({ where: event(shop, 2) });
    const missing = await checkLedger(shop, NOW);
    expect(missing).toMatchObject({ ok: false, brokenAt: 3, problem: "missing", events: 1 });
    expect(ledgerCheckInWords(missing, english)).toMatch(/^Event #2 is missing: the chain jumps to Event #3 \(resubscribed/);

    const truncated = await chain();
    await prisma.consentEvent.delete({ where: event(truncated, 3) });
    const check = await checkLedger(truncated, NOW);
    expect(check).toMatchObject({ ok: false, problem: "truncated", events: 2, headSeq: 3 });
    expect(ledgerCheckInWords(check, english)).toBe("The chain ends at event #2, but 3 events were recorded: the last 1 event was deleted.");
  });
});
