import { describe, expect, it } from "vitest";
import { createLocaleFormat } from "../components/locale-format";
import { CONSENT_SOURCES, type ConsentEventKind } from "../consent/transitions";
import {
  buildTimeline,
  consentSentence,
  orderLabel,
  replyOf,
  type TimelineConsentEvent,
  type TimelineContext,
  type TimelineInbound,
  type TimelineMessage,
} from "./timeline";

const AT = new Date("2026-09-03T18:02:00Z"); // 14:02 in New York (EDT)
const format = createLocaleFormat("en-US", "America/New_York");
const context: TimelineContext = {
  // The admin's formatter (en-US, the shop's zone); ICU's narrow space before AM/PM read as a space.
  when: (at) => format.dateTime(at).replace(/\s/g, " "),
  disclosures: new Map([["dv3", { id: "dv3", version: 3, locale: "en", contentHash: "a".repeat(64) }]]),
  retentionDays: 365,
  skipReasonWords: { daily_cap: "over the daily cap (per 24 hours)" },
};

let seq = 0;
function event(kind: ConsentEventKind | string, source: string, evidence: Record<string, unknown> = {}, extra: Partial<TimelineConsentEvent> = {}): TimelineConsentEvent {
  seq += 1;
  const toStatus = ["opted_out", "carrier_opt_out"].includes(kind) ? "unsubscribed" : kind === "opt_in_requested" ? "pending" : kind === "expired" ? "expired" : "subscribed";
  return { seq, kind, source, fromStatus: null, toStatus, occurredAt: AT, evidence, hash: "h".repeat(64), redactedAt: null, ...extra };
}

const sentence = (e: TimelineConsentEvent, inbound?: TimelineInbound) => consentSentence(e, context, inbound);

describe("a consent event in words", () => {
  it("checkout: the box ticked, the order, the time and the disclosure version seen", () => {
    const evidence = { orderId: "gid://shopify/Order/1043", channel: "contact_step", disclosureVersionId: "dv3", disclosureHash: "a".repeat(64) };
    expect(sentence(event("opted_in", "checkout", evidence))).toBe("Ticked the box at checkout, order 1043, Sep 3, 2026, 2:02 PM EDT, saw disclosure v3");
    expect(sentence(event("opt_in_requested", "checkout", { ...evidence, channel: "thank_you" }))).toBe(
      "Ticked the box on the Thank-you page, order 1043, Sep 3, 2026, 2:02 PM EDT, saw disclosure v3, asked to reply Y to confirm (double opt-in)",
    );
    expect(sentence(event("resubscribed", "checkout", { orderId: "gid://shopify/Order/7", disclosureVersion: 2, disclosureLocale: "es" }))).toBe(
      "Ticked the box at checkout after opting out, order 7, Sep 3, 2026, 2:02 PM EDT, saw disclosure v2 (es), subscribed again",
    );
    expect(sentence(event("opted_out", "checkout", { orderId: "gid://shopify/Order/7", channel: "thank_you", withdrawal: "shopper unticked the box" }))).toBe(
      "Unticked the box on the Thank-you page, order 7, Sep 3, 2026, 2:02 PM EDT, consent withdrawn",
    );
    expect(sentence(event("opted_out", "checkout", { channel: "thank_you", withdrawal: "shopper gave another number for this order" }))).toBe(
      "Gave another number on the Thank-you page, Sep 3, 2026, 2:02 PM EDT, consent withdrawn",
    );
  });

  it("keyword: the text quoted, how it was read, and whether the confirmation went", () => {
    const stop = event("opted_out", "keyword", { messageSid: "SM1", body: "STOP", matched: "STOP" });
    const replied: TimelineInbound = { messageSid: "SM1", body: "STOP", intent: "opt_out", replyTwiml: "<Response><Message>Acme: You are unsubscribed &amp; will…</Message></Response>", receivedAt: AT, bodyPurgedAt: null };
    expect(sentence(stop, replied)).toBe('Texted "STOP", Sep 3, 2026, 2:02 PM EDT, confirmation sent');
    expect(sentence(stop, { ...replied, replyTwiml: "<Response/>" })).toBe('Texted "STOP", Sep 3, 2026, 2:02 PM EDT, confirmation sent by Twilio (its keyword handling)');
    expect(sentence(event("opted_out", "keyword", { body: "STOP", optOutType: "STOP" }))).toBe('Texted "STOP", Sep 3, 2026, 2:02 PM EDT, Twilio sent the confirmation');
    expect(sentence(event("opted_out", "keyword", { body: "please stop texting me", matched: "stop" }))).toBe(
      'Texted "please stop texting me", Sep 3, 2026, 2:02 PM EDT, read as an opt-out (matched "stop")',
    );
    expect(sentence(event("opt_in_requested", "keyword", { body: "JOIN" }))).toBe('Texted "JOIN", Sep 3, 2026, 2:02 PM EDT, asked to reply Y to confirm (double opt-in)');
    expect(sentence(event("confirmed", "keyword", { body: "Y" }))).toBe('Replied "Y" to confirm, Sep 3, 2026, 2:02 PM EDT, subscribed (confirmed opt-in)');
    expect(sentence(event("resubscribed", "keyword", { body: "START" }))).toBe('Texted "START", Sep 3, 2026, 2:02 PM EDT, subscribed again after opting out');
    expect(sentence(event("opted_in", "keyword", { body: "START" }))).toBe('Texted "START", Sep 3, 2026, 2:02 PM EDT, subscribed');
    expect(sentence(event("opted_in", "keyword", { body: "x".repeat(500) }))).toContain("…");
  });

  it("admin: the staff member, the reason and the consent given elsewhere", () => {
    expect(sentence(event("opted_out", "admin", { staff: "Ada Lovelace", reason: "asked by phone" }))).toBe(
      "Opted out by staff (Ada Lovelace), Sep 3, 2026, 2:02 PM EDT, reason: asked by phone",
    );
    expect(sentence(event("opted_out", "admin", { staff: "Ada Lovelace", reason: "other", note: "asked at the till" }))).toContain("reason: other (asked at the till)");
    const optIn = { staff: "Ada Lovelace", reason: "signed up at the pop-up shop", consentMethod: "signed paper form", consentWhere: "Brooklyn pop-up", consentGivenAt: "2026-09-01T00:00:00.000Z" };
    expect(sentence(event("opted_in", "admin", optIn))).toBe(
      "Opted in by staff (Ada Lovelace), Sep 3, 2026, 2:02 PM EDT, reason: signed up at the pop-up shop, consent given elsewhere: signed paper form, Brooklyn pop-up, on 2026-09-01",
    );
    expect(sentence(event("opt_in_requested", "admin", optIn))).toMatch(/^Added by staff \(Ada Lovelace\), confirmation by text requested, /);
    expect(sentence(event("opted_out", "admin", { staff: "Ada Lovelace <ada@acme.test> (Shopify user 42)", reason: "complaint" }))).toBe(
      "Opted out by staff (Ada Lovelace <ada@acme.test>), Sep 3, 2026, 2:02 PM EDT, reason: complaint",
    );
    expect(sentence(event("opted_out", "admin", { staff: "Shopify staff user 1" }))).toMatch(/^Opted out by staff \(Shopify staff user 1\), /);
    expect(sentence(event("opted_out", "admin", {}))).toBe("Opted out by staff (a staff member), Sep 3, 2026, 2:02 PM EDT");
  });

  it("import, form, carrier, Shopify sync, expiry and erasure", () => {
    expect(sentence(event("opted_in", "import", { file: "klaviyo-export.csv", row: 13 }))).toBe("Imported from klaviyo-export.csv, row 13, Sep 3, 2026, 2:02 PM EDT, subscribed");
    expect(sentence(event("opt_in_requested", "import", { fileName: "list.csv", row: 2, consentSource: "pop-up form", consentAt: "2025-01-02" }))).toBe(
      "Imported from list.csv, row 2, Sep 3, 2026, 2:02 PM EDT, consent given pop-up form, on 2025-01-02, asked to reply Y to confirm (double opt-in)",
    );
    expect(sentence(event("opted_in", "import", { fileName: "attentive.csv", row: 9, staff: "Ada Lovelace", consentSource: "website pop-up", consentAt: "2025-03-01T12:00:00.000Z", confirmedInFile: true }))).toBe(
      "Imported from attentive.csv, row 9, by Ada Lovelace, Sep 3, 2026, 2:02 PM EDT, consent given website pop-up, on 2025-03-01, subscribed (confirmed in the file)",
    );
    expect(sentence(event("confirmed", "import", {}))).toBe("Imported from a list, Sep 3, 2026, 2:02 PM EDT, recorded as already confirmed");
    expect(sentence(event("opted_out", "import", { file: "a.csv" }))).toBe("Imported from a.csv as opted out, Sep 3, 2026, 2:02 PM EDT");
    expect(sentence(event("opted_in", "form", { formId: "footer-signup", ip: "198.51.100.7" }))).toBe("Signed up with a form (footer-signup), Sep 3, 2026, 2:02 PM EDT, subscribed");
    expect(sentence(event("opt_in_requested", "form", {}))).toContain("asked to reply Y");
    expect(sentence(event("carrier_opt_out", "carrier", { errorCode: 21610 }))).toBe(
      "Opted out at the carrier (Twilio error 21610: the recipient had opted out at the carrier (texted stop to the number)), Sep 3, 2026, 2:02 PM EDT, no texts go to this number",
    );
    expect(sentence(event("opted_in", "shopify_sync", { state: "subscribed", optInLevel: "confirmed_opt_in", collectedFrom: "SHOPIFY" }))).toBe(
      "Marked subscribed in Shopify's customer record (collected from shopify, confirmed opt-in), Sep 3, 2026, 2:02 PM EDT, synced from Shopify",
    );
    expect(sentence(event("opted_out", "shopify_sync", { state: "unsubscribed" }))).toBe("Marked unsubscribed in Shopify's customer record, Sep 3, 2026, 2:02 PM EDT, synced from Shopify");
    expect(sentence(event("expired", "system", { reason: "no confirmation before the window closed" }))).toBe(
      "No reply Y before the confirmation window closed, Sep 3, 2026, 2:02 PM EDT, request expired, not subscribed",
    );
    expect(sentence(event("opted_out", "system", { reason: "customer data erasure (Shopify customers/redact)" }))).toBe(
      "Erased at the customer's request, Sep 3, 2026, 2:02 PM EDT, opted out for good",
    );
    const erasedLater = event("opted_in", "checkout", {}, { redactedAt: new Date("2026-10-01T12:00:00Z") });
    expect(sentence(erasedLater)).toBe("Ticked the box at checkout, Sep 3, 2026, 2:02 PM EDT (details erased at the customer's request, Oct 1, 2026, 8:00 AM EDT)");
    expect(sentence(event("opted_out", "system", {}, { redactedAt: AT }))).toBe("Erased at the customer's request, Sep 3, 2026, 2:02 PM EDT, opted out for good");
  });

  it("every kind from every source reads as a sentence with its time, and unknown ones fall back gracefully", () => {
    const kinds: string[] = ["opt_in_requested", "opted_in", "confirmed", "resubscribed", "opted_out", "carrier_opt_out", "expired", "brand_new_kind"];
    for (const source of [...CONSENT_SOURCES, "a_new_source"]) {
      for (const kind of kinds) {
        const words = sentence(event(kind, source, { unexpected: { nested: true } }));
        expect(words, `${source}/${kind}`).toMatch(/^[A-Z]/);
        expect(words, `${source}/${kind}`).toContain("Sep 3, 2026, 2:02 PM EDT");
        expect(words, `${source}/${kind}`).not.toMatch(/undefined|null|\[object/);
      }
    }
    expect(sentence(event("brand_new_kind", "a_new_source"))).toBe("Brand new kind (source: a new source), Sep 3, 2026, 2:02 PM EDT, now subscribed");
  });
});

describe("the timeline", () => {
  const message = (overrides: Partial<TimelineMessage>): TimelineMessage => ({
    id: "m1",
    kind: "marketing",
    status: "delivered",
    body: "Acme: 20% off today",
    bodyPurgedAt: null,
    errorCode: null,
    errorMessage: null,
    skipReason: null,
    campaignName: "Fall sale",
    createdAt: AT,
    nextAttemptAt: AT,
    sentAt: AT,
    deliveredAt: new Date(AT.getTime() + 60_000),
    ...overrides,
  });

  it("interleaves consent events, texts sent and texts received by time; a text that changed consent is told once", () => {
    const optIn = event("opted_in", "checkout", { orderId: "gid://shopify/Order/1043", disclosureVersionId: "dv3", disclosureHash: "b".repeat(64) }, { occurredAt: new Date(AT.getTime() - 3600_000) });
    const stop = event("opted_out", "keyword", { messageSid: "SMstop", body: "STOP" }, { occurredAt: new Date(AT.getTime() + 7200_000) });
    const inbound: TimelineInbound[] = [
      { messageSid: "SMstop", body: "STOP", intent: "opt_out", replyTwiml: "<Response><Message>bye</Message></Response>", receivedAt: stop.occurredAt, bodyPurgedAt: null },
      { messageSid: "SMhelp", body: "HELP", intent: "help", replyTwiml: "<Response><Message>Acme: help at help@acme.test</Message></Response>", receivedAt: new Date(AT.getTime() + 3600_000), bodyPurgedAt: null },
    ];
    const entries = buildTimeline({ events: [stop, optIn], messages: [message({})], inbound }, context);
    expect(entries.map((entry) => entry.type)).toEqual(["consent", "sent", "received", "consent"]);
    expect(entries[0]!.disclosure).toEqual({ id: "dv3", label: "Disclosure v3 as shown" });
    expect(entries[0]!.details).toContainEqual({ label: "Disclosure check", value: "the hash recorded does not match the published version's hash" });
    expect(entries[0]!.details).toContainEqual({ label: "Ledger position (seq)", value: String(optIn.seq) });
    expect(entries[0]!.details).toContainEqual({ label: "orderId", value: "gid://shopify/Order/1043" });
    expect(entries[0]!.details).toContainEqual({ label: "Happened", value: "Sep 3, 2026, 1:02 PM EDT" });
    expect(entries[1]!.sentence).toBe('Campaign text "Fall sale" to them, Sep 3, 2026, 2:03 PM EDT, delivered');
    expect(entries[1]!.quote).toBe('"Acme: 20% off today"');
    expect(entries[2]!.sentence).toBe('Texted the shop, Sep 3, 2026, 3:02 PM EDT, asked for help, replied "Acme: help at help@acme.test"');
    expect(entries[3]!.sentence).toBe('Texted "STOP", Sep 3, 2026, 4:02 PM EDT, confirmation sent');
    expect(entries[3]!.details).toContainEqual({ label: "Text received", value: '"STOP"' });
  });

  it("reads how a consent text was answered even when the text itself is older than those listed", () => {
    const stop = event("opted_out", "keyword", { messageSid: "SMold", body: "STOP" });
    const old: TimelineInbound = { messageSid: "SMold", body: "STOP", intent: "opt_out", replyTwiml: "<Response><Message>bye</Message></Response>", receivedAt: AT, bodyPurgedAt: null };
    const entries = buildTimeline({ events: [stop], messages: [], inbound: [], consentTexts: [old] }, context);
    expect(entries.map((entry) => entry.sentence)).toEqual(['Texted "STOP", Sep 3, 2026, 2:02 PM EDT, confirmation sent']);
  });

  it("shows when the ledger recorded an event that happened earlier", () => {
    const late = event("opted_in", "checkout", {}, { recordedAt: new Date(AT.getTime() + 2 * 3600_000) });
    const [entry] = buildTimeline({ events: [late], messages: [], inbound: [] }, context);
    expect(entry!.details).toContainEqual({ label: "Recorded in the ledger", value: "Sep 3, 2026, 4:02 PM EDT" });
  });

  it("says what happened to each text: failures with the code's meaning, skips, cancellations, bodies removed", () => {
    const words = (overrides: Partial<TimelineMessage>) => buildTimeline({ events: [], messages: [message(overrides)], inbound: [] }, context)[0]!;
    expect(words({ status: "failed", errorCode: 30005, deliveredAt: null }).sentence).toContain("failed: Unknown or inactive number (error 30005)");
    expect(words({ status: "undelivered", errorCode: 30003, deliveredAt: null }).tone).toBe("critical");
    expect(words({ status: "skipped", skipReason: "daily_cap", sentAt: null, deliveredAt: null }).sentence).toContain("not sent: over the daily cap (per 24 hours)");
    expect(words({ status: "skipped", skipReason: "some_new_rule", sentAt: null, deliveredAt: null }).sentence).toContain("not sent: some new rule");
    expect(words({ status: "cancelled", errorMessage: "consent withdrawn at checkout", sentAt: null, deliveredAt: null }).sentence).toContain("cancelled before sending (consent withdrawn at checkout)");
    expect(words({ status: "queued", sentAt: null, deliveredAt: null, kind: "compliance", campaignName: null }).sentence).toBe(
      "Compliance text to them, Sep 3, 2026, 2:02 PM EDT, waiting to be sent, due Sep 3, 2026, 2:02 PM EDT",
    );
    expect(words({ status: "unknown" }).sentence).toContain("outcome unknown");
    expect(words({ status: "suppressed", deliveredAt: null, sentAt: null }).sentence).toContain("not sent: the number was not subscribed");
    expect(words({ kind: "transactional", campaignName: null }).sentence).toMatch(/^Order update to them/);
    expect(words({ body: "", bodyPurgedAt: new Date("2027-09-03T18:02:00Z") }).quote).toBe("Text removed after 365 days (the shop's retention setting), Sep 3, 2027, 2:02 PM EDT");
    expect(words({ body: "" }).quote).toBe("Text erased at the customer's request");
  });

  it("reads texts received that changed nothing, and replies blanked by retention", () => {
    const inbound: TimelineInbound = { messageSid: "SM9", body: "When does the sale end?", intent: "other", replyTwiml: "<Response/>", receivedAt: AT, bodyPurgedAt: null };
    const [entry] = buildTimeline({ events: [], messages: [], inbound: [inbound] }, context);
    expect(entry!.sentence).toBe("Texted the shop, Sep 3, 2026, 2:02 PM EDT, no keyword: nothing changed, no reply");
    expect(entry!.quote).toBe('"When does the sale end?"');
    const [purged] = buildTimeline({ events: [], messages: [], inbound: [{ ...inbound, body: "", replyTwiml: "", bodyPurgedAt: AT }] }, context);
    expect(purged!.sentence).toBe("Texted the shop, Sep 3, 2026, 2:02 PM EDT, no keyword: nothing changed");
    expect(purged!.quote).toMatch(/^Text removed after 365 days/);
  });

  it("reads a reply's text out of TwiML, and order ids as numbers", () => {
    expect(replyOf('<?xml version="1.0"?><Response><Message>A &amp; B &lt;3 &quot;x&quot;</Message></Response>')).toBe('A & B <3 "x"');
    expect(replyOf("<Response/>")).toBeNull();
    expect(orderLabel("gid://shopify/Order/42")).toBe("order 42");
    expect(orderLabel(null)).toBeNull();
  });
});
