/**
 * The subscriber's page and the disclosure page, their loaders and actions
 * called as Remix calls them with a real session token: the page's data, staff
 * opt-out and opt-in through the consent engine with the staff member Shopify
 * names, bad input refused with nothing written, and another shop's subscriber
 * or disclosure not found (404) with nothing written.
 */
import { describe, expect, it } from "vitest";
import prisma from "../../app/db.server";
import { applyConsentChange } from "../../app/consent/consent-engine.server";
import { publishDisclosure } from "../../app/disclosures/disclosures.server";
import { loader as disclosureLoader } from "../../app/routes/app.disclosures.$id";
import { action as subscriberAction, loader as subscriberLoader } from "../../app/routes/app.subscribers.$id";
import { adminRequest } from "../support/admin-request";
import { testPhone } from "../support/campaign-fixture";
import { createTestShop } from "../support/shop-fixture";

const DISCLOSURE = "Acme Outfitters: recurring automated marketing texts. Msg & data rates may apply. Reply HELP for help, STOP to cancel.";

async function adminShop(settings: { doubleOptIn?: boolean } = {}) {
  const created = await createTestShop(settings);
  await prisma.session.create({ data: { id: `offline_${created.shop}`, shop: created.shop, state: "", accessToken: "shpat_test", isOnline: false } });
  return created.shop;
}

/** A route's answer as Remix sees it: a thrown Response is the response. */
async function answer<T>(call: () => Promise<T>): Promise<T | Response> {
  try {
    return await call();
  } catch (thrown) {
    if (thrown instanceof Response) return thrown;
    throw thrown;
  }
}

function form(fields: Record<string, string>): FormData {
  const data = new FormData();
  for (const [name, value] of Object.entries(fields)) data.set(name, value);
  return data;
}

const load = (shop: string, id: string, query = "") =>
  answer(() => subscriberLoader({ request: adminRequest(shop, `/app/subscribers/${id}${query}`), params: { id }, context: {} }));
const post = (shop: string, id: string, fields: Record<string, string>) =>
  answer(() => subscriberAction({ request: adminRequest(shop, `/app/subscribers/${id}`, { method: "POST", body: form(fields) }), params: { id }, context: {} }));

async function checkoutSubscriber(shop: string) {
  const { version } = await publishDisclosure(shop, { locale: "en", text: DISCLOSURE });
  const { subscriber } = await applyConsentChange({
    shop,
    phone: testPhone(),
    action: "opt_in",
    source: "checkout",
    evidence: { orderId: "gid://shopify/Order/1043", disclosureVersionId: version.id, disclosureVersion: version.version, disclosureHash: version.contentHash },
  });
  return { subscriber, version };
}

const written = async (shop: string) => ({
  events: await prisma.consentEvent.count({ where: { shop } }),
  messages: await prisma.message.count({ where: { shop } }),
  subscribers: await prisma.subscriber.findMany({ where: { shop }, select: { status: true } }),
});

describe("the subscriber's page", () => {
  it("loads the subscriber, their events with evidence and the disclosure they saw; another shop's id and an unusable id are 404", async () => {
    const shop = await adminShop();
    const other = await adminShop();
    const { subscriber, version } = await checkoutSubscriber(shop);

    const page = await load(shop, subscriber.id, "?texts=not-a-number");
    expect(page).not.toBeInstanceOf(Response);
    const data = page as Exclude<typeof page, Response>;
    expect(data.subscriber).toMatchObject({ id: subscriber.id, phone: subscriber.phone, status: "subscribed" });
    expect(data.events).toEqual([expect.objectContaining({ seq: 1, kind: "opted_in", source: "checkout", evidence: expect.objectContaining({ orderId: "gid://shopify/Order/1043" }) })]);
    expect(data.disclosures).toEqual([expect.objectContaining({ id: version.id, version: version.version })]);
    expect(data.optOutReasons).toContainEqual({ value: "asked_by_phone", label: "Asked by phone" });
    expect(data.nextTexts).toBeNull();

    expect(((await load(other, subscriber.id)) as Response).status).toBe(404);
    expect(((await load(shop, "no%20such")) as Response).status).toBe(404);
  });

  it("shows the newest 50 texts and offers 50 more while older ones are left", async () => {
    const shop = await adminShop();
    const { subscriber } = await checkoutSubscriber(shop);
    await prisma.message.createMany({
      data: Array.from({ length: 120 }, (_, i) => ({
        shop,
        subscriberId: subscriber.id,
        phone: subscriber.phone,
        body: `update ${i}`,
        kind: "transactional",
        status: "delivered",
        createdAt: new Date(Date.UTC(2026, 0, 1, 0, i)),
      })),
    });
    type Page = Exclude<Awaited<ReturnType<typeof load>>, Response>;

    const first = (await load(shop, subscriber.id)) as Page;
    expect([first.messages.length, first.messages.at(-1)!.body, first.texts.notShown, first.nextTexts]).toEqual([50, "update 119", 70, 100]);
    const more = (await load(shop, subscriber.id, "?texts=100")) as Page;
    expect([more.messages.length, more.messages[0]!.body, more.texts.notShown, more.nextTexts]).toEqual([100, "update 20", 20, 150]);
    const all = (await load(shop, subscriber.id, "?texts=150")) as Page;
    expect([all.messages.length, all.texts.notShown, all.nextTexts]).toEqual([120, 0, null]);
    expect(all.events).toHaveLength(1);
  });

  it("opts a number out as the staff member Shopify names, with the reason; the timeline's data shows it", async () => {
    const shop = await adminShop();
    const { subscriber } = await checkoutSubscriber(shop);

    const result = await post(shop, subscriber.id, { intent: "opt_out", reason: "asked_by_email", note: "wrote to support" });

    expect(result).toEqual({ intent: "opt_out", ok: true, errors: {}, message: "Opted out." });
    const page = (await load(shop, subscriber.id)) as Exclude<Awaited<ReturnType<typeof load>>, Response>;
    expect(page.subscriber.status).toBe("unsubscribed");
    expect(page.events.at(-1)).toMatchObject({
      kind: "opted_out",
      source: "admin",
      evidence: { staff: "Shopify staff user 1", staffId: "1", reason: "asked by e-mail", reasonCode: "asked_by_email", note: "wrote to support" },
    });
  });

  it("refuses bad input and unknown actions in words, writing nothing", async () => {
    const shop = await adminShop({ doubleOptIn: false });
    const { subscriber } = await checkoutSubscriber(shop);
    const before = await written(shop);

    expect(await post(shop, subscriber.id, { intent: "opt_out" })).toEqual({ intent: "opt_out", ok: false, errors: { reason: "Choose why this number is opted out" }, message: null });
    expect(await post(shop, subscriber.id, { intent: "delete" })).toEqual({ intent: null, ok: false, errors: { form: "Unknown action" }, message: null });
    expect(await post(shop, subscriber.id, { intent: "opt_in", reason: "met them at the market" })).toMatchObject({
      ok: false,
      errors: { consentMethod: "Choose how the consent was given", consentWhere: expect.any(String), consentGivenAt: expect.any(String) },
    });
    expect(await written(shop)).toEqual(before);
  });

  it("refuses staff opting a number back in after its STOP, saying only the subscriber can", async () => {
    const shop = await adminShop({ doubleOptIn: false });
    const { subscriber } = await checkoutSubscriber(shop);
    await applyConsentChange({ shop, phone: subscriber.phone, action: "opt_out", source: "keyword", evidence: { body: "STOP" } });
    const before = await written(shop);

    const result = await post(shop, subscriber.id, {
      intent: "opt_in",
      reason: "They said they want texts again",
      consentMethod: "paper_form",
      consentWhere: "Store counter",
      consentGivenAt: new Date().toISOString().slice(0, 10),
      consentReference: "Form 7",
    });

    expect(result).toMatchObject({ intent: "opt_in", ok: false, errors: { form: expect.stringContaining("Only the subscriber can opt in again") } });
    expect(await written(shop)).toEqual(before);
  });

  it("another shop's subscriber: the action is 404 and writes nothing", async () => {
    const shop = await adminShop();
    const other = await adminShop();
    const { subscriber } = await checkoutSubscriber(shop);
    const before = await written(shop);

    const optOut = await post(other, subscriber.id, { intent: "opt_out", reason: "complaint" });
    const optIn = await post(other, subscriber.id, { intent: "opt_in", reason: "x".repeat(20), consentMethod: "paper_form", consentWhere: "Store", consentGivenAt: "2026-01-01", consentReference: "Form 1" });

    expect((optOut as Response).status).toBe(404);
    expect((optIn as Response).status).toBe(404);
    expect(await written(shop)).toEqual(before);
    expect(await prisma.consentEvent.count({ where: { shop: other } })).toBe(0);
  });
});

describe("the disclosure page", () => {
  it("shows the exact text, version, language, hash and publish date; another shop's is 404", async () => {
    const shop = await adminShop();
    const other = await adminShop();
    const { subscriber, version } = await checkoutSubscriber(shop);
    const open = (asShop: string, query = "") =>
      answer(() => disclosureLoader({ request: adminRequest(asShop, `/app/disclosures/${version.id}${query}`), params: { id: version.id }, context: {} }));

    const page = await open(shop, `?subscriber=${subscriber.id}`);
    expect(page).toMatchObject({
      disclosure: { id: version.id, version: version.version, locale: "en", text: DISCLOSURE, contentHash: version.contentHash },
      hashMatches: true,
      backUrl: `/app/subscribers/${subscriber.id}`,
    });
    expect(await open(shop, "?subscriber=../../evil")).toMatchObject({ backUrl: "/app/subscribers" });
    expect(((await open(other)) as Response).status).toBe(404);
  });
});
