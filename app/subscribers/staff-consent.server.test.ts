import { describe, expect, it } from "vitest";
import { createTestShop } from "../../tests/support/shop-fixture";
import { testPhone } from "../../tests/support/campaign-fixture";
import prisma from "../db.server";
import { applyConsentChange } from "../consent/consent-engine.server";
import { verifyConsentChain } from "../consent/ledger.server";
import { composeConfirmation } from "../messaging/confirmation-text";
import { staffOptIn, staffOptOut } from "./staff-consent.server";

const ADA = { id: "42", label: "Ada Lovelace <ada@acme.test> (Shopify user 42)" };
const NOW = new Date("2026-11-20T15:00:00Z");

const GOOD_OPT_IN = {
  reason: "Signed up on the paper form at our Brooklyn pop-up",
  consentMethod: "paper_form",
  consentWhere: "Brooklyn pop-up shop, 12 Main St",
  consentGivenAt: "2026-11-18",
  consentReference: "Form #118 in the store's consent binder",
};

async function subscriberVia(shop: string, action: "opt_in" | "opt_out" | "request_opt_in", at = new Date(NOW.getTime() - 86_400_000)) {
  const { subscriber } = await applyConsentChange({ shop, phone: testPhone(), action, source: "keyword", occurredAt: at, evidence: { body: action } });
  return subscriber;
}

const counts = async (shop: string) => ({
  events: await prisma.consentEvent.count({ where: { shop } }),
  messages: await prisma.message.count({ where: { shop } }),
});

describe("staff opt-out", () => {
  it("records the staff member and the reason in the ledger, cancels queued marketing, and the chain verifies", async () => {
    const { shop } = await createTestShop();
    const subscriber = await subscriberVia(shop, "opt_in");
    const campaign = await prisma.campaign.create({ data: { shop, name: "Sale", body: "Hi", status: "sending" } });
    const queued = await prisma.message.create({ data: { shop, subscriberId: subscriber.id, campaignId: campaign.id, phone: subscriber.phone, body: "Acme: sale", kind: "marketing" } });

    const result = await staffOptOut(shop, subscriber.id, ADA, { reason: "asked_by_phone", note: "called the store" }, NOW);

    expect(result).toMatchObject({ ok: true, outcome: "opted_out", cancelledMessages: 1 });
    const event = await prisma.consentEvent.findFirstOrThrow({ where: { shop, subscriberId: subscriber.id }, orderBy: { seq: "desc" } });
    expect(event).toMatchObject({ kind: "opted_out", source: "admin", fromStatus: "subscribed", toStatus: "unsubscribed" });
    expect(JSON.parse(event.evidence)).toEqual({ staff: ADA.label, staffId: "42", reason: "asked by phone", reasonCode: "asked_by_phone", note: "called the store" });
    expect((await prisma.message.findUniqueOrThrow({ where: { id: queued.id } })).status).toBe("cancelled");
    expect(await prisma.subscriber.findUniqueOrThrow({ where: { id: subscriber.id } })).toMatchObject({ status: "unsubscribed" });
    expect(await verifyConsentChain(shop)).toMatchObject({ ok: true, events: 2 });
  });

  it("also cancels a queued 'Reply Y' request, so a number staff opted out is not asked to subscribe", async () => {
    const { shop } = await createTestShop();
    const pending = await subscriberVia(shop, "request_opt_in", new Date(NOW.getTime() - 3_600_000));
    const request = await prisma.message.create({ data: { shop, subscriberId: pending.id, phone: pending.phone, body: "Acme: Reply Y to subscribe", kind: "compliance", nextAttemptAt: new Date(NOW.getTime() + 3_600_000) } });

    expect(await staffOptOut(shop, pending.id, ADA, { reason: "wrong_number" }, NOW)).toMatchObject({ ok: true, cancelledMessages: 1 });
    expect(await prisma.message.findUniqueOrThrow({ where: { id: request.id } })).toMatchObject({ status: "cancelled", errorMessage: "opted out by staff" });
    expect((await verifyConsentChain(shop)).ok).toBe(true);
  });

  it("refuses a missing or unknown reason, and 'other' without words, writing nothing", async () => {
    const { shop } = await createTestShop();
    const subscriber = await subscriberVia(shop, "opt_in");
    const before = await counts(shop);
    expect(await staffOptOut(shop, subscriber.id, ADA, {}, NOW)).toEqual({ ok: false, errors: { reason: "Choose why this number is opted out" } });
    expect(await staffOptOut(shop, subscriber.id, ADA, { reason: "bored" }, NOW)).toEqual({ ok: false, errors: { reason: "Choose why this number is opted out" } });
    expect(await staffOptOut(shop, subscriber.id, ADA, { reason: "other", note: "  " }, NOW)).toEqual({ ok: false, errors: { note: "Say in a few words why" } });
    expect(await counts(shop)).toEqual(before);
  });

  it("says so when the number is already opted out, and finds nothing of another shop", async () => {
    const { shop } = await createTestShop();
    const other = await createTestShop();
    const stopped = await subscriberVia(shop, "opt_out");
    expect(await staffOptOut(shop, stopped.id, ADA, { reason: "complaint" }, NOW)).toEqual({ ok: false, errors: { form: "This number is already opted out." } });
    expect(await staffOptOut(other.shop, stopped.id, ADA, { reason: "complaint" }, NOW)).toBeNull();
    expect(await prisma.consentEvent.count({ where: { shop } })).toBe(1);
  });
});

describe("staff opt-in", () => {
  it("on a single opt-in shop: subscribes with the evidence of consent given elsewhere and queues the opt-in confirmation", async () => {
    const { shop, settings } = await createTestShop({ doubleOptIn: false });
    const lapsed = await subscriberVia(shop, "request_opt_in", new Date(NOW.getTime() - 10 * 86_400_000)); // expired by now

    const result = await staffOptIn(shop, lapsed.id, ADA, GOOD_OPT_IN, NOW);

    expect(result).toMatchObject({ ok: true, outcome: "subscribed" });
    const event = await prisma.consentEvent.findFirstOrThrow({ where: { shop, subscriberId: lapsed.id }, orderBy: { seq: "desc" } });
    expect(event).toMatchObject({ kind: "opted_in", source: "admin", toStatus: "subscribed" });
    expect(JSON.parse(event.evidence)).toMatchObject({
      staff: ADA.label,
      staffId: "42",
      reason: GOOD_OPT_IN.reason,
      consentMethod: "signed paper form",
      consentWhere: GOOD_OPT_IN.consentWhere,
      consentGivenAt: "2026-11-18T00:00:00.000Z",
      consentReference: GOOD_OPT_IN.consentReference,
      consentText: null,
      recordedAs: "single opt-in",
    });
    const message = await prisma.message.findFirstOrThrow({ where: { shop, subscriberId: lapsed.id } });
    expect(message).toMatchObject({ kind: "compliance", status: "queued", body: composeConfirmation("opt_in_confirmation", settings, "en") });
    expect(await prisma.subscriber.findUniqueOrThrow({ where: { id: lapsed.id } })).toMatchObject({ status: "subscribed", optInLevel: "single" });
    expect((await verifyConsentChain(shop)).ok).toBe(true);
  });

  it("on a double opt-in shop: records a request and queues the same 'Reply Y' text checkout sends", async () => {
    const { shop, settings } = await createTestShop({ doubleOptIn: true });
    const lapsed = await subscriberVia(shop, "request_opt_in", new Date(NOW.getTime() - 10 * 86_400_000));

    const result = await staffOptIn(shop, lapsed.id, ADA, { ...GOOD_OPT_IN, consentReference: undefined, consentText: "Yes, text me offers. Msg & data rates may apply." }, NOW);

    expect(result).toMatchObject({ ok: true, outcome: "confirmation_requested" });
    expect(await prisma.subscriber.findUniqueOrThrow({ where: { id: lapsed.id } })).toMatchObject({ status: "pending" });
    const message = await prisma.message.findFirstOrThrow({ where: { shop, subscriberId: lapsed.id } });
    expect(message.body).toBe(composeConfirmation("double_opt_in_request", settings, "en"));
    const event = await prisma.consentEvent.findFirstOrThrow({ where: { shop, subscriberId: lapsed.id }, orderBy: { seq: "desc" } });
    expect(JSON.parse(event.evidence)).toMatchObject({ consentText: "Yes, text me offers. Msg & data rates may apply.", recordedAs: "double opt-in request (the shop asks for double opt-in)" });
  });

  it("refuses a number that texted STOP, in words, writing nothing", async () => {
    const { shop } = await createTestShop({ doubleOptIn: false });
    const stopped = await subscriberVia(shop, "opt_out");
    const before = await counts(shop);

    const result = await staffOptIn(shop, stopped.id, ADA, GOOD_OPT_IN, NOW);

    expect(result).toEqual({
      ok: false,
      errors: { form: expect.stringMatching(/^This number opted out\. Only the subscriber can opt in again/) as unknown as string },
    });
    expect(await counts(shop)).toEqual(before);
    expect(await prisma.subscriber.findUniqueOrThrow({ where: { id: stopped.id } })).toMatchObject({ status: "unsubscribed" });
  });

  it("refuses missing evidence: no reason, no way, no place, no date, a future date, neither the text nor a reference", async () => {
    const { shop } = await createTestShop({ doubleOptIn: false });
    const lapsed = await subscriberVia(shop, "request_opt_in", new Date(NOW.getTime() - 10 * 86_400_000));
    const before = await counts(shop);
    const refused = async (input: Record<string, unknown>) => {
      const result = await staffOptIn(shop, lapsed.id, ADA, input, NOW);
      expect(result?.ok, JSON.stringify(input)).toBe(false);
      return result && !result.ok ? result.errors : {};
    };
    expect(await refused({})).toEqual({
      reason: "Say why staff are adding this number",
      consentMethod: "Choose how the consent was given",
      consentWhere: "Say where the consent was given",
      consentGivenAt: "Say when the consent was given",
      consentText: "Paste the text the person agreed to, or say where the signed record is kept",
    });
    expect(await refused({ ...GOOD_OPT_IN, reason: "because" })).toEqual({ reason: "Say why staff are adding this number (at least 10 characters)" });
    expect(await refused({ ...GOOD_OPT_IN, consentMethod: "phone_call" })).toEqual({ consentMethod: "Choose how the consent was given" });
    expect(await refused({ ...GOOD_OPT_IN, consentGivenAt: "2026-02-30" })).toEqual({ consentGivenAt: "That date does not exist" });
    expect(await refused({ ...GOOD_OPT_IN, consentGivenAt: "yesterday" })).toEqual({ consentGivenAt: "Give the date as YYYY-MM-DD" });
    expect(await refused({ ...GOOD_OPT_IN, consentGivenAt: "2026-12-01" })).toEqual({ consentGivenAt: "The consent date cannot be in the future" });
    expect(await refused({ ...GOOD_OPT_IN, consentReference: "" })).toEqual({ consentText: "Paste the text the person agreed to, or say where the signed record is kept" });
    expect(await counts(shop)).toEqual(before);
  });

  it("says so when already subscribed, and finds nothing of another shop", async () => {
    const { shop } = await createTestShop({ doubleOptIn: false });
    const other = await createTestShop();
    const subscribed = await subscriberVia(shop, "opt_in");
    expect(await staffOptIn(shop, subscribed.id, ADA, GOOD_OPT_IN, NOW)).toEqual({ ok: false, errors: { form: "This number is already subscribed." } });
    expect(await staffOptIn(other.shop, subscribed.id, ADA, GOOD_OPT_IN, NOW)).toBeNull();
    expect(await counts(shop)).toEqual({ events: 1, messages: 0 });
  });
});
