/**
 * The campaign pages attacked as a second shop and as a merchant posting to
 * the actions directly (no editor, no UI checks): every refusal is an answer
 * next to a field or a 404, never a 500, and never a change to the campaign.
 */
import { describe, expect, it } from "vitest";
import prisma from "../db.server";
import { action as campaignAction, loader as campaignLoader } from "../routes/app.campaigns.$id";
import { action as newCampaignAction, loader as newCampaignLoader } from "../routes/app.campaigns.new";
import { loader as listLoader } from "../routes/app.campaigns._index";
import { adminRequest } from "../../tests/support/admin-request";
import { subscribe } from "../../tests/support/campaign-fixture";
import { createTestShop } from "../../tests/support/shop-fixture";

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

async function answer<T>(call: () => Promise<T>): Promise<T | Response> {
  try {
    return await call();
  } catch (thrown) {
    if (thrown instanceof Response) return thrown;
    throw thrown;
  }
}

const post = (shop: string, path: string, fields: Record<string, string>) => adminRequest(shop, path, { method: "POST", body: form(fields) });
const postTo = (shop: string, id: string, fields: Record<string, string>) =>
  answer(() => campaignAction({ request: post(shop, `/app/campaigns/${id}`, fields), params: { id }, context: {} }));

describe("a second shop", () => {
  it("can neither read, preview, edit, schedule, pause, resume nor cancel another shop's campaign in any status", async () => {
    const owner = await adminShop();
    const other = await adminShop();
    await subscribe(owner, { columns: { firstName: "Secret" } });
    const campaigns = await Promise.all(
      (["draft", "scheduled", "sending", "paused"] as const).map((status) =>
        prisma.campaign.create({ data: { shop: owner, name: `Owner ${status}`, body: GOOD_TEXT, status, scheduleMode: "now", scheduledAt: status === "draft" ? null : new Date() } }),
      ),
    );
    for (const campaign of campaigns) {
      const read = await answer(() =>
        campaignLoader({ request: adminRequest(other, `/app/campaigns/${campaign.id}?audience=${encodeURIComponent('{"kind":"all"}')}&body=x`), params: { id: campaign.id }, context: {} }),
      );
      expect((read as Response).status).toBe(404);
      for (const intent of ["save", "schedule", "pause", "resume", "cancel"]) {
        const posted = await postTo(other, campaign.id, { intent, name: "Pwned", body: "Buy now https://evil.example", scheduleMode: "now" });
        expect([intent, (posted as Response).status]).toEqual([intent, 404]);
      }
      expect(await prisma.campaign.findUniqueOrThrow({ where: { id: campaign.id } })).toEqual(campaign);
    }
    expect(await prisma.message.count({ where: { shop: other } })).toBe(0);
  });

  it("previews and counts only its own subscribers, whatever audience it asks about", async () => {
    const owner = await adminShop();
    const other = await adminShop();
    await subscribe(owner, { columns: { firstName: "OwnersCustomer", region: "US-FL" } });
    const query = new URLSearchParams({ audience: JSON.stringify({ kind: "segment", regions: ["US-FL"] }), body: GOOD_TEXT, scheduleMode: "now" });
    const data = await newCampaignLoader({ request: adminRequest(other, `/app/campaigns/new?${query}`), params: {}, context: {} });
    expect(data.outlook).toMatchObject({ count: 0, recipients: [] });
    const listed = await listLoader({ request: adminRequest(other, "/app/campaigns"), params: {}, context: {} });
    expect(listed.campaigns).toEqual([]);
  });
});

describe("posting straight to the actions", () => {
  it("the editor's live count answers for a date in year 0 instead of failing", async () => {
    const shop = await adminShop();
    await subscribe(shop);
    const query = new URLSearchParams({ audience: JSON.stringify({ kind: "segment", subscribedAfter: "0000-01-01" }), body: GOOD_TEXT, scheduleMode: "now" });
    const data = await newCampaignLoader({ request: adminRequest(shop, `/app/campaigns/new?${query}`), params: {}, context: {} });
    // The condition is refused, so the count is the campaign's own audience (everyone), not an error.
    expect(data.outlook.count).toBe(1);
  });

  it("cannot schedule what the lint refuses, on the campaign's page either", async () => {
    const shop = await adminShop();
    await subscribe(shop);
    const campaign = await prisma.campaign.create({ data: { shop, name: "Sale", body: GOOD_TEXT } });
    const result = await postTo(shop, campaign.id, { intent: "schedule", name: "Sale", body: "Acme Outfitters: 20% off at https://bit.ly/x Reply STOP to opt out", scheduleMode: "now" });
    expect(result).toMatchObject({ formError: expect.stringMatching(/cannot be sent yet/) });
    expect((await prisma.campaign.findUniqueOrThrow({ where: { id: campaign.id } })).status).toBe("draft");
  });

  it("cannot change the text once sending has started", async () => {
    const shop = await adminShop();
    const campaign = await prisma.campaign.create({ data: { shop, name: "Sale", body: GOOD_TEXT, status: "sending", scheduleMode: "now", scheduledAt: new Date() } });
    for (const intent of ["save", "schedule"]) {
      const result = await postTo(shop, campaign.id, { intent, name: "Sale", body: "Acme Outfitters: something else entirely. Reply STOP to opt out", scheduleMode: "now" });
      expect(result).toMatchObject({ formError: expect.stringMatching(/started sending/) });
    }
    expect(await prisma.campaign.findUniqueOrThrow({ where: { id: campaign.id } })).toEqual(campaign);
  });

  it.each([
    ["an audience that is not JSON", { audience: "{" }],
    ["an audience that is JSON null", { audience: "null" }],
    ["an audience that is a list", { audience: "[]" }],
    ["5,000 regions", { audience: JSON.stringify({ kind: "segment", regions: Array.from({ length: 5000 }, (_, i) => `US-${String(i).padStart(3, "0")}`) }) }],
    ["negative days", { audience: JSON.stringify({ kind: "segment", ordered: { withinDays: -5, did: true } }) }],
    ["a fractional day count", { audience: JSON.stringify({ kind: "segment", clicked: { withinDays: 1.5 } }) }],
    ["an unknown condition", { audience: JSON.stringify({ kind: "segment", sql: "1=1" }) }],
    // Year 0 is a valid ISO date that PostgreSQL cannot take as a timestamp parameter.
    ["subscribed after year 0", { audience: JSON.stringify({ kind: "segment", subscribedAfter: "0000-01-01" }) }],
    ["a date in year 99999", { scheduleMode: "shop_time", sendAt: "99999-01-01T10:00" }],
    // In a zone west of UTC this is an instant in year 10000, which neither database driver can take.
    ["the last minute of year 9999", { scheduleMode: "shop_time", sendAt: "9999-12-31T23:59" }],
    ["the last local minute of year 9999", { scheduleMode: "recipient_local", sendAt: "9999-12-31T23:59" }],
    ["a send time years ahead", { scheduleMode: "shop_time", sendAt: "2062-11-27T10:00" }],
    ["a local time in year 99999", { scheduleMode: "recipient_local", sendAt: "99999-01-01T10:00" }],
    ["a local time with a zone", { scheduleMode: "recipient_local", sendAt: "2027-01-01T10:00Z" }],
    ["a local time of 25:61", { scheduleMode: "recipient_local", sendAt: "2027-01-01T25:61" }],
    ["a send time in the past", { scheduleMode: "shop_time", sendAt: "2001-01-01T10:00" }],
    ["a name of 10,000 characters", { name: "x".repeat(10_000) }],
    ["a message of 60,000 characters", { body: `Acme Outfitters: ${"y".repeat(60_000)} Reply STOP to opt out` }],
    ["an unknown schedule mode", { scheduleMode: "yesterday" }],
  ])("refuses %s next to a field and schedules nothing", async (_, fields: Record<string, string>) => {
    const shop = await adminShop();
    await subscribe(shop);
    const campaign = await prisma.campaign.create({ data: { shop, name: "Sale", body: GOOD_TEXT } });
    const result = await postTo(shop, campaign.id, { intent: "schedule", name: "Sale", body: GOOD_TEXT, scheduleMode: "now", ...fields });
    expect(result).not.toBeInstanceOf(Response);
    expect(result).toMatchObject({ message: null });
    const after = await prisma.campaign.findUniqueOrThrow({ where: { id: campaign.id } });
    expect(after.status).toBe("draft");
    expect(after.name.length).toBeLessThanOrEqual(100);
  });

  it("refuses the same fields on the new campaign page, creating nothing", async () => {
    const shop = await adminShop();
    const attempts: Record<string, string>[] = [{ audience: "null" }, { name: "x".repeat(10_000) }, { audience: JSON.stringify({ kind: "segment", regions: Array(5000).fill("US-FL") }) }];
    for (const fields of attempts) {
      const result = await answer(() =>
        newCampaignAction({ request: post(shop, "/app/campaigns/new", { intent: "save", name: "Sale", body: GOOD_TEXT, ...fields }), params: {}, context: {} }),
      );
      expect(result).not.toBeInstanceOf(Response);
    }
    expect(await prisma.campaign.count({ where: { shop } })).toBe(0);
  });
});
