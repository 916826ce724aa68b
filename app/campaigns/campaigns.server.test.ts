import { describe, expect, it } from "vitest";
import { createTestShop } from "../../tests/support/shop-fixture";
import { subscribe } from "../../tests/support/campaign-fixture";
import prisma from "../db.server";
import {
  CampaignError,
  cancelCampaign,
  createCampaign,
  getCampaign,
  listCampaigns,
  pauseCampaign,
  resumeCampaign,
  reviewCampaign,
  scheduleCampaign,
  updateCampaign,
} from "./campaigns.server";
import { planDueCampaigns } from "./plan-campaign.server";

const NOW = new Date("2026-11-27T17:00:00Z");
const BODY = "Acme Outfitters: {first_name|Hi there}, 20% off everything this weekend. Reply STOP to opt out";

async function refusal(promise: Promise<unknown>): Promise<CampaignError> {
  const error = await promise.then(
    () => null,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(CampaignError);
  return error as CampaignError;
}

describe("writing a campaign", () => {
  it("creates a draft, and refuses fields that need fixing with a message for each", async () => {
    const { shop } = await createTestShop();
    const campaign = await createCampaign(shop, { name: " Black Friday ", body: BODY, discountCode: " BF20 ", audience: { kind: "segment", sources: ["checkout"] } });
    expect(campaign).toMatchObject({ shop, name: "Black Friday", status: "draft", discountCode: "BF20", audience: '{"kind":"segment","sources":["checkout"]}' });

    const invalid = await refusal(createCampaign(shop, { name: "", body: "  ", discountCode: "TWO WORDS" }));
    expect(invalid.problem).toBe("invalid");
    expect(invalid.fieldErrors).toEqual({ name: "Give the campaign a name", body: "Write the message", discountCode: "A discount code has no spaces" });
    expect(invalid.message).toBe("Give the campaign a name");
  });

  it("edits only while editable, and never another shop's campaign", async () => {
    const { shop } = await createTestShop();
    const otherShop = (await createTestShop()).shop;
    await subscribe(shop);
    const campaign = await createCampaign(shop, { name: "Draft", body: BODY });
    expect(await updateCampaign(shop, campaign.id, { name: "Renamed", discountCode: "" }, NOW)).toMatchObject({ name: "Renamed", body: BODY, discountCode: null });

    expect((await refusal(updateCampaign(otherShop, campaign.id, { name: "Mine now" }, NOW))).problem).toBe("not_found");
    expect((await refusal(getCampaign(otherShop, campaign.id))).problem).toBe("not_found");
    expect((await refusal(cancelCampaign(otherShop, campaign.id, NOW))).problem).toBe("not_found");
    expect(await listCampaigns(otherShop)).toEqual([]);

    await scheduleCampaign(shop, campaign.id, { mode: "now" }, NOW);
    expect(await updateCampaign(shop, campaign.id, { body: `${BODY}!` }, NOW)).toMatchObject({ status: "scheduled", body: `${BODY}!` });
    await planDueCampaigns(NOW);
    const locked = await refusal(updateCampaign(shop, campaign.id, { body: "Acme Outfitters: something else. Reply STOP to opt out" }, NOW));
    expect(locked).toMatchObject({ problem: "not_editable", message: expect.stringContaining("can no longer change") });
    expect((await refusal(scheduleCampaign(shop, campaign.id, { mode: "now" }, NOW))).problem).toBe("not_editable");
  });
});

describe("scheduling", () => {
  it("is refused while the lint finds an error: an audience of nobody", async () => {
    const { shop } = await createTestShop();
    await subscribe(shop, { source: "keyword" });
    const campaign = await createCampaign(shop, { name: "Nobody", body: BODY, audience: { kind: "segment", sources: ["import"] } });
    const blocked = await refusal(scheduleCampaign(shop, campaign.id, { mode: "now" }, NOW));
    expect(blocked.problem).toBe("blocked_by_lint");
    expect(blocked.findings.some((finding) => finding.severity === "error")).toBe(true);
    expect(blocked.message).toMatch(/^This campaign cannot be sent yet: /);
    expect(await prisma.campaign.findUniqueOrThrow({ where: { id: campaign.id } })).toMatchObject({ status: "draft", scheduledAt: null });

    // Fixed, it schedules; edited back into an error while scheduled, the edit is refused and the campaign stays as it was.
    await updateCampaign(shop, campaign.id, { audience: { kind: "all" } }, NOW);
    expect(await scheduleCampaign(shop, campaign.id, { mode: "now" }, NOW)).toMatchObject({ status: "scheduled", scheduleMode: "now", scheduledAt: NOW });
    expect((await refusal(updateCampaign(shop, campaign.id, { audience: { kind: "segment", sources: ["import"] } }, NOW))).problem).toBe("blocked_by_lint");
    expect(await prisma.campaign.findUniqueOrThrow({ where: { id: campaign.id } })).toMatchObject({ audience: '{"kind":"all"}' });
  });

  it("refuses a time that has passed, and takes one in the future", async () => {
    const { shop } = await createTestShop();
    await subscribe(shop);
    const campaign = await createCampaign(shop, { name: "Later", body: BODY });
    const passed = await refusal(scheduleCampaign(shop, campaign.id, { mode: "shop_time", at: new Date(NOW.getTime() - 3_600_000) }, NOW));
    expect(passed).toMatchObject({ problem: "invalid", message: expect.stringContaining("already passed") });
    const passedEverywhere = await refusal(scheduleCampaign(shop, campaign.id, { mode: "recipient_local", localSendTime: "2026-11-26T10:00" }, NOW));
    expect(passedEverywhere.message).toContain("every time zone");
    const malformed = await refusal(scheduleCampaign(shop, campaign.id, { mode: "recipient_local", localSendTime: "2026-02-30T10:00" }, NOW));
    expect(malformed.problem).toBe("invalid");
    const at = new Date("2026-11-28T15:00:00Z");
    expect(await scheduleCampaign(shop, campaign.id, { mode: "shop_time", at }, NOW)).toMatchObject({ status: "scheduled", scheduleMode: "shop_time", scheduledAt: at, localSendTime: null });
  });
});

describe("reviewCampaign", () => {
  it("counts the audience, previews a real member's text and prices it", async () => {
    const { shop } = await createTestShop();
    await subscribe(shop, { columns: { firstName: "Ada" } });
    await subscribe(shop, { columns: { firstName: "Grace" } });
    const review = await reviewCampaign(shop, { body: BODY, audience: { kind: "all" } }, { mode: "now" }, NOW);
    expect(review.audienceSize).toBe(2);
    expect(review.preview.recipient?.firstName).toMatch(/^(Ada|Grace)$/);
    expect(review.preview.body).toContain(`${review.preview.recipient?.firstName}, 20% off`);
    expect(review.estimatedCostMicros).toBe(2 * review.preview.segments.segments * 8300);
    expect(review.quietHoursShare).toBe(0); // noon in New York
    expect(review.findings.filter((finding) => finding.severity === "error")).toEqual([]);
  });
});

describe("control", () => {
  it("pause and resume move only between sending and paused, and say why otherwise", async () => {
    const { shop } = await createTestShop();
    await subscribe(shop);
    const campaign = await createCampaign(shop, { name: "Control", body: BODY });
    expect(await refusal(pauseCampaign(shop, campaign.id, NOW))).toMatchObject({ problem: "wrong_status", message: "Only a campaign that is sending can be paused; this one is draft." });
    expect((await refusal(resumeCampaign(shop, campaign.id))).problem).toBe("wrong_status");
    await scheduleCampaign(shop, campaign.id, { mode: "now" }, NOW);
    await planDueCampaigns(NOW);
    expect(await pauseCampaign(shop, campaign.id, NOW)).toMatchObject({ status: "paused", pausedAt: NOW });
    expect(await pauseCampaign(shop, campaign.id, NOW)).toMatchObject({ status: "paused" });
    expect(await resumeCampaign(shop, campaign.id)).toMatchObject({ status: "sending", pausedAt: null });
    expect(await resumeCampaign(shop, campaign.id)).toMatchObject({ status: "sending" });
  });

  it("a sent campaign cannot be cancelled; a draft can", async () => {
    const { shop } = await createTestShop();
    const draft = await createCampaign(shop, { name: "Draft", body: BODY });
    expect(await cancelCampaign(shop, draft.id, NOW)).toMatchObject({ cancelledMessages: 0, campaign: { status: "cancelled" } });
    const sent = await prisma.campaign.create({ data: { shop, name: "Done", body: BODY, status: "sent" } });
    expect(await refusal(cancelCampaign(shop, sent.id, NOW))).toMatchObject({ problem: "wrong_status", message: expect.stringContaining("already been sent") });
  });

  it("getCampaign and listCampaigns show the campaign's figures", async () => {
    const { shop } = await createTestShop();
    await subscribe(shop);
    await subscribe(shop);
    const campaign = await createCampaign(shop, { name: "Figures", body: BODY });
    await scheduleCampaign(shop, campaign.id, { mode: "now" }, NOW);
    await planDueCampaigns(NOW);
    const [one] = await prisma.message.findMany({ where: { campaignId: campaign.id } });
    await prisma.message.update({ where: { id: one!.id }, data: { status: "delivered" } });
    const detail = await getCampaign(shop, campaign.id);
    expect(detail).toMatchObject({ status: "sending", editable: false, schedule: { mode: "now" }, audience: { kind: "all" } });
    expect(detail.progress).toMatchObject({ total: 2, byStatus: { delivered: 1, queued: 1, failed: 0 }, skippedBy: {}, deferredByQuietHours: 0 });
    expect(await listCampaigns(shop)).toEqual([
      expect.objectContaining({ id: campaign.id, name: "Figures", status: "sending", recipients: 2, delivered: 1, failed: 0, skipped: 0 }),
    ]);
  });
});
