import { describe, expect, it } from "vitest";
import { createTestShop } from "../../tests/support/shop-fixture";
import { testPhone } from "../../tests/support/campaign-fixture";
import prisma from "../db.server";
import { applyConsentChange } from "../consent/consent-engine.server";
import { publishDisclosure } from "../disclosures/disclosures.server";
import { getDisclosureProof } from "../disclosures/disclosure-version.server";
import { getSubscriberDetail } from "./subscriber-detail.server";

const T0 = new Date("2026-09-03T18:02:00Z");
const minutes = (n: number) => new Date(T0.getTime() + n * 60_000);
const DISCLOSURE = "Acme Outfitters: recurring automated marketing texts. Msg & data rates may apply. Reply HELP for help, STOP to cancel.";

async function story() {
  const { shop } = await createTestShop();
  const phone = testPhone();
  const { version } = await publishDisclosure(shop, { locale: "en", text: DISCLOSURE }, minutes(-600));
  const { subscriber } = await applyConsentChange({
    shop,
    phone,
    action: "opt_in",
    source: "checkout",
    occurredAt: T0,
    evidence: { orderId: "gid://shopify/Order/1043", disclosureVersionId: version.id, disclosureVersion: version.version, disclosureHash: version.contentHash },
  });
  const campaign = await prisma.campaign.create({ data: { shop, name: "Fall sale", body: "Hi", status: "sent" } });
  await prisma.message.create({
    data: { shop, subscriberId: subscriber.id, campaignId: campaign.id, phone, body: "Acme: fall sale", kind: "marketing", status: "delivered", createdAt: minutes(10), sentAt: minutes(10), deliveredAt: minutes(11) },
  });
  await prisma.inboundMessage.create({ data: { messageSid: `SMhelp${shop}`, shop, fromPhone: phone, toPhone: "+15005550006", body: "HELP", intent: "help", replyTwiml: "<Response/>", receivedAt: minutes(20) } });
  await applyConsentChange({ shop, phone, action: "opt_out", source: "keyword", occurredAt: minutes(30), evidence: { messageSid: `SMstop${shop}`, body: "STOP" } });
  await prisma.inboundMessage.create({
    data: { messageSid: `SMstop${shop}`, shop, fromPhone: phone, toPhone: "+15005550006", body: "STOP", intent: "opt_out", subscriberId: subscriber.id, replyTwiml: "<Response/>", receivedAt: minutes(30) },
  });
  return { shop, phone, subscriber, version };
}

describe("a subscriber's detail", () => {
  it("holds the subscriber, every event with its evidence oldest first, the disclosures they point at, and the texts both ways", async () => {
    const { shop, phone, subscriber, version } = await story();

    const detail = await getSubscriberDetail(shop, subscriber.id);

    expect(detail).not.toBeNull();
    expect(detail!.subscriber).toMatchObject({ id: subscriber.id, phone, erased: false, status: "unsubscribed" });
    expect(detail!.shop).toMatchObject({ timezone: expect.any(String), messageRetentionDays: 365 });
    expect(detail!.events.map((event) => [event.seq, event.kind, event.source])).toEqual([
      [1, "opted_in", "checkout"],
      [2, "opted_out", "keyword"],
    ]);
    expect(detail!.events[0]!.evidence).toMatchObject({ orderId: "gid://shopify/Order/1043", disclosureVersionId: version.id });
    expect(detail!.events[0]!.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(detail!.disclosures).toEqual([{ id: version.id, version: version.version, locale: "en", contentHash: version.contentHash }]);
    expect(detail!.messages).toEqual([expect.objectContaining({ body: "Acme: fall sale", campaignName: "Fall sale", status: "delivered" })]);
    // The HELP was not linked to the subscriber (it changed nothing): found by the number.
    expect(detail!.inbound.map((text) => text.body)).toEqual(["HELP", "STOP"]);
    expect(detail!.texts).toEqual({ total: 3, notShown: 0 });
    expect(detail!.consentTexts).toEqual([]); // the STOP is among the texts shown
  });

  it("reads only the newest texts asked for, and says how many more there are", async () => {
    const { shop, phone, subscriber } = await story();
    await prisma.message.createMany({
      data: Array.from({ length: 5 }, (_, i) => ({ shop, subscriberId: subscriber.id, phone, body: `update ${i}`, kind: "transactional", status: "delivered", createdAt: minutes(100 + i) })),
    });

    const detail = await getSubscriberDetail(shop, subscriber.id, { texts: 4 });

    expect(detail!.messages.map((message) => message.body)).toEqual(["update 1", "update 2", "update 3", "update 4"]);
    expect(detail!.inbound).toEqual([]);
    expect(detail!.texts).toEqual({ total: 8, notShown: 4 });
    expect(detail!.events).toHaveLength(2); // consent events are all read, whatever the texts' limit
    // The STOP is older than the texts shown, yet its event still finds how it was answered.
    expect(detail!.consentTexts.map((text) => text.body)).toEqual(["STOP"]);
  });

  it("is null for another shop's subscriber, and another shop's disclosure is not found", async () => {
    const { subscriber, version, shop } = await story();
    const other = await createTestShop();
    expect(await getSubscriberDetail(other.shop, subscriber.id)).toBeNull();
    expect(await getSubscriberDetail(shop, "no-such-id")).toBeNull();
    expect(await getDisclosureProof(other.shop, version.id)).toBeNull();
    expect(await getDisclosureProof(shop, version.id)).toMatchObject({ hashMatches: true, version: { text: DISCLOSURE, version: version.version } });
  });

  it("shows an erased subscriber without its number", async () => {
    const { shop, subscriber } = await story();
    await prisma.subscriber.update({ where: { id: subscriber.id }, data: { phone: `redacted:${subscriber.id}` } });
    const detail = await getSubscriberDetail(shop, subscriber.id);
    expect(detail!.subscriber).toMatchObject({ phone: "Erased number", erased: true });
    expect(detail!.inbound.map((text) => text.body)).toEqual(["STOP"]); // only what is linked to the row
  });

  it("reads evidence that is not an object without failing", async () => {
    const { shop, subscriber } = await story();
    await prisma.consentEvent.updateMany({ where: { shop, seq: 1 }, data: { evidence: "not json" } });
    const detail = await getSubscriberDetail(shop, subscriber.id);
    expect(detail!.events[0]!.evidence).toEqual({ evidence: "not json" });
  });
});
