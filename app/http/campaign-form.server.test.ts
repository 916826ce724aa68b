import { describe, expect, it } from "vitest";
import prisma from "../db.server";
import { CampaignError } from "../campaigns/campaigns.server";
import { action as campaignAction, loader as campaignLoader } from "../routes/app.campaigns.$id";
import { action as newCampaignAction } from "../routes/app.campaigns.new";
import { adminRequest } from "../../tests/support/admin-request";
import { subscribe } from "../../tests/support/campaign-fixture";
import { createTestShop } from "../../tests/support/shop-fixture";
import { formErrorsOf, readCampaignForm } from "./campaign-form.server";

const GOOD_TEXT = "Acme Outfitters: Hi {first_name|there}, 20% off today at https://acme.test/sale Reply STOP to opt out";

function form(fields: Record<string, string>): FormData {
  const data = new FormData();
  for (const [name, value] of Object.entries(fields)) data.set(name, value);
  return data;
}

async function adminShop() {
  const created = await createTestShop();
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

const post = (shop: string, path: string, fields: Record<string, string>) => adminRequest(shop, path, { method: "POST", body: form(fields) });

describe("the campaign form, read", () => {
  it("reads a send time in the shop's zone as the instant it names there, and a local send time as the wall time", () => {
    const shopTime = readCampaignForm(form({ intent: "schedule", name: "A", body: "B", scheduleMode: "shop_time", sendAt: "2026-12-01T10:00" }), "America/Chicago");
    expect(shopTime).toMatchObject({ ok: true, form: { schedule: { mode: "shop_time", at: new Date("2026-12-01T16:00:00Z") } } });
    const local = readCampaignForm(form({ intent: "schedule", scheduleMode: "recipient_local", sendAt: "2026-12-01T10:00" }), "America/Chicago");
    expect(local).toMatchObject({ ok: true, form: { schedule: { mode: "recipient_local", localSendTime: "2026-12-01T10:00" } } });
    expect(readCampaignForm(form({ intent: "save" }), "UTC")).toMatchObject({ ok: true, form: { draft: { audience: { kind: "all" } }, schedule: { mode: "now" } } });
  });

  it("refuses an audience that is not a filter, and an action it does not know", () => {
    expect(readCampaignForm(form({ intent: "save", audience: "{not json" }), "UTC")).toEqual({ ok: false, errors: { audience: "Choose who gets this campaign" } });
    expect(readCampaignForm(form({ intent: "save", audience: '{"kind":"segment","regions":["Florida"]}' }), "UTC")).toEqual({
      ok: false,
      errors: { audience: "Use region codes such as US-FL or CA-ON" },
    });
    expect(readCampaignForm(form({ intent: "delete" }), "UTC")).toEqual({ ok: false, errors: { form: "Unknown action" } });
    expect(readCampaignForm(form({ intent: "schedule", scheduleMode: "shop_time", sendAt: "" }), "UTC")).toEqual({ ok: false, errors: { sendAt: "Choose the date and time to send it" } });
    expect(readCampaignForm(form({ intent: "schedule", scheduleMode: "shop_time", sendAt: "2026-02-30T10:00" }), "UTC")).toEqual({
      ok: false,
      errors: { sendAt: "Choose the date and time to send it" },
    });
  });

  it("puts the domain's refusals next to the form's fields", () => {
    const error = new CampaignError("invalid", "x", { fieldErrors: { name: "Give the campaign a name", "audience.regions.0": "Use region codes", at: "Choose a date and time to send" } });
    expect(formErrorsOf(error)).toEqual({ name: "Give the campaign a name", audience: "Use region codes", sendAt: "Choose a date and time to send" });
  });
});

describe("the new campaign page", () => {
  it("sends a clean campaign at once: created, scheduled now, and opened", async () => {
    const shop = await adminShop();
    await subscribe(shop);
    const response = await answer(() => newCampaignAction({ request: post(shop, "/app/campaigns/new", { intent: "schedule", name: "Sale", body: GOOD_TEXT, scheduleMode: "now" }), params: {}, context: {} }));

    const campaign = await prisma.campaign.findFirstOrThrow({ where: { shop } });
    expect(response).toBeInstanceOf(Response);
    expect((response as Response).headers.get("Location")).toBe(`/app/campaigns/${campaign.id}`);
    expect(campaign).toMatchObject({ name: "Sale", body: GOOD_TEXT, status: "scheduled", scheduleMode: "now" });
  });

  it("keeps a campaign the lint refuses as a draft and opens it with the reason, so pressing again makes no second one", async () => {
    const shop = await adminShop();
    await subscribe(shop);
    const body = "Acme Outfitters: 20% off today at https://bit.ly/acme Reply STOP to opt out";
    const response = await answer(() => newCampaignAction({ request: post(shop, "/app/campaigns/new", { intent: "schedule", name: "Sale", body, scheduleMode: "now" }), params: {}, context: {} }));

    const campaign = await prisma.campaign.findFirstOrThrow({ where: { shop } });
    expect(campaign.status).toBe("draft");
    const location = new URL((response as Response).headers.get("Location")!, "https://app.test");
    expect(location.pathname).toBe(`/app/campaigns/${campaign.id}`);
    expect(location.searchParams.get("refused")).toMatch(/^This campaign cannot be sent yet: .*link shortener/);
  });

  it("explains a missing name next to the field and creates nothing", async () => {
    const shop = await adminShop();
    const result = await newCampaignAction({ request: post(shop, "/app/campaigns/new", { intent: "save", name: " ", body: GOOD_TEXT }), params: {}, context: {} });
    expect(result).toEqual({ errors: { name: "Give the campaign a name" }, formError: null });
    expect(await prisma.campaign.count({ where: { shop } })).toBe(0);
  });
});

describe("a campaign's page", () => {
  async function draft(shop: string) {
    return prisma.campaign.create({ data: { shop, name: "Draft", body: GOOD_TEXT } });
  }

  it("counts the audience the editor asks about, and answers with the editor's key", async () => {
    const shop = await adminShop();
    await subscribe(shop, { columns: { region: "US-FL", firstName: "Ana" } });
    await subscribe(shop, { columns: { region: "US-TX" } });
    const { id } = await draft(shop);
    const query = new URLSearchParams({ key: "k1", audience: JSON.stringify({ kind: "segment", regions: ["US-FL"] }), scheduleMode: "now", body: GOOD_TEXT });

    const data = await campaignLoader({ request: adminRequest(shop, `/app/campaigns/${id}?${query}`), params: { id }, context: {} });
    expect(data.outlook).toMatchObject({ key: "k1", count: 1, recipients: [{ firstName: "Ana" }] });
    expect(data.outlook?.quietHoursShare).toEqual(expect.any(Number));
    const everyone = await campaignLoader({ request: adminRequest(shop, `/app/campaigns/${id}`), params: { id }, context: {} });
    expect(everyone.outlook?.count).toBe(2);
  });

  it("saves edits, cancels with a confirmation's words, and refuses what the status no longer allows", async () => {
    const shop = await adminShop();
    const { id } = await draft(shop);
    const call = (fields: Record<string, string>) => campaignAction({ request: post(shop, `/app/campaigns/${id}`, fields), params: { id }, context: {} });

    expect(await call({ intent: "save", name: "Renamed", body: GOOD_TEXT })).toMatchObject({ message: "Draft saved." });
    expect((await prisma.campaign.findUniqueOrThrow({ where: { id } })).name).toBe("Renamed");
    expect(await call({ intent: "cancel" })).toMatchObject({ formError: null, cancelledMessages: 0 }); // the page words it in the merchant's locale
    expect(await call({ intent: "pause" })).toEqual({ errors: {}, formError: "Only a campaign that is sending can be paused; this one is cancelled.", message: null });
  });

  it("is not found from another shop", async () => {
    const owner = await adminShop();
    const other = await adminShop();
    const { id } = await draft(owner);
    const response = await answer(() => campaignLoader({ request: adminRequest(other, `/app/campaigns/${id}`), params: { id }, context: {} }));
    expect(response).toBeInstanceOf(Response);
    expect((response as Response).status).toBe(404);
    const posted = await answer(() => campaignAction({ request: post(other, `/app/campaigns/${id}`, { intent: "cancel" }), params: { id }, context: {} }));
    expect((posted as Response).status).toBe(404);
    expect((await prisma.campaign.findUniqueOrThrow({ where: { id } })).status).toBe("draft");
  });
});
