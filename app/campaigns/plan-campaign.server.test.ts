import { describe, expect, it } from "vitest";
import { createTestShop } from "../../tests/support/shop-fixture";
import { nonAudience, subscribe, testPhone } from "../../tests/support/campaign-fixture";
import prisma from "../db.server";
import { applyConsentChange } from "../consent/consent-engine.server";
import type { AudienceFilter } from "./audience";
import { countAudience } from "./audience.server";
import { cancelCampaign, createCampaign, getCampaign, pauseCampaign, resumeCampaign, scheduleCampaign } from "./campaigns.server";
import { completeFinishedCampaigns, planDueCampaigns, PLANNING_LEASE_MS } from "./plan-campaign.server";

// Friday 27 November 2026, 12:00 in New York, 09:00 in Los Angeles, 07:00 in Honolulu.
const NOW = new Date("2026-11-27T17:00:00Z");
const DAY = 24 * 60 * 60 * 1000;
const HOUR = 60 * 60 * 1000;
const later = (ms: number) => new Date(NOW.getTime() + ms);
const BODY = "Acme Outfitters: {first_name|Hi there}, 20% off everything this weekend. Reply STOP to opt out";

async function scheduledNow(shop: string, audience: AudienceFilter = { kind: "all" }, name = "Weekend sale") {
  const campaign = await createCampaign(shop, { name, body: BODY, audience });
  return scheduleCampaign(shop, campaign.id, { mode: "now" }, NOW);
}

const rowsOf = (campaignId: string) => prisma.message.findMany({ where: { campaignId }, orderBy: { subscriberId: "asc" } });

/** A marketing text sent to this subscriber at `sentAt` (another campaign's). */
async function sentBefore(shop: string, subscriber: { id: string; phone: string }, sentAt: Date) {
  await prisma.message.create({
    data: { shop, subscriberId: subscriber.id, phone: subscriber.phone, body: "Acme Outfitters: earlier news", kind: "marketing", status: "delivered", sentAt, nextAttemptAt: sentAt },
  });
}

describe("planDueCampaigns", () => {
  it("queues exactly the audience it counts, for every kind of filter, and nobody of another shop", async () => {
    const { shop } = await createTestShop();
    const otherShop = (await createTestShop()).shop;
    await subscribe(shop, { source: "checkout", locale: "en", columns: { firstName: "Ada", lastOrderAt: new Date(NOW.getTime() - 5 * DAY), region: "US-NY" } });
    await subscribe(shop, { source: "keyword", locale: "fr", columns: { lastOrderAt: new Date(NOW.getTime() - 50 * DAY) } });
    await subscribe(shop, { source: "form", locale: "en", subscribedAt: new Date("2026-11-20T12:00:00Z") });
    await subscribe(shop, { source: "checkout", locale: "es" });
    await nonAudience(shop);
    await subscribe(otherShop, { source: "checkout", locale: "en", columns: { lastOrderAt: new Date(NOW.getTime() - DAY) } });

    const filters: AudienceFilter[] = [
      { kind: "all" },
      { kind: "segment", sources: ["checkout"] },
      { kind: "segment", locales: ["en", "fr"], ordered: { withinDays: 30, did: false } },
      { kind: "segment", ordered: { withinDays: 30, did: true } },
      { kind: "segment", subscribedAfter: "2026-11-19" },
    ];
    const expected = [4, 2, 2, 1, 4]; // subscribed "now" (the test's wall clock) counts as after 19 November
    for (const [index, filter] of filters.entries()) {
      const count = await countAudience(shop, filter, NOW);
      expect(count, JSON.stringify(filter)).toBe(expected[index]);
      const campaign = await scheduledNow(shop, filter, `Filter ${index}`);
      const reports = await planDueCampaigns(NOW);
      expect(reports).toEqual([expect.objectContaining({ campaignId: campaign.id, outcome: "planned", queued: count, skipped: 0 })]);
      const rows = await rowsOf(campaign.id);
      expect(rows).toHaveLength(count);
      expect(rows.every((row) => row.shop === shop && row.kind === "marketing" && row.status === "queued")).toBe(true);
      const subscribers = await prisma.subscriber.findMany({ where: { id: { in: rows.map((row) => row.subscriberId!) } } });
      expect(subscribers.every((subscriber) => subscriber.shop === shop && subscriber.status === "subscribed" && subscriber.unreachableAt === null)).toBe(true);
    }
  });

  it("writes each recipient's own text, segments and send time, and marks the campaign planned", async () => {
    const { shop } = await createTestShop();
    const ada = await subscribe(shop, { columns: { firstName: "Ada" } });
    const nameless = await subscribe(shop);
    const campaign = await scheduledNow(shop);
    await planDueCampaigns(NOW);
    const rows = await rowsOf(campaign.id);
    const byId = new Map(rows.map((row) => [row.subscriberId, row]));
    expect(byId.get(ada.id)).toMatchObject({
      phone: ada.phone,
      body: expect.stringContaining("Ada, 20% off"),
      status: "queued",
      nextAttemptAt: NOW,
      deferredBy: null,
      skipReason: null,
      segments: 1,
    });
    expect(byId.get(nameless.id)?.body).toContain("Hi there, 20% off");
    const planned = await prisma.campaign.findUniqueOrThrow({ where: { id: campaign.id } });
    expect(planned).toMatchObject({ status: "sending", startedAt: NOW });
    expect(planned.plannedAt).not.toBeNull();
  });

  it("is idempotent: planning again queues nothing, and a planner that died mid-way is finished by the next after its lease", async () => {
    const { shop } = await createTestShop();
    for (let i = 0; i < 7; i++) await subscribe(shop);
    const campaign = await scheduledNow(shop);

    const crashed = await planDueCampaigns(NOW, {
      pageSize: 3,
      afterPage: () => {
        throw new Error("worker killed");
      },
    });
    expect(crashed).toEqual([expect.objectContaining({ campaignId: campaign.id, outcome: "failed", queued: 3, error: "worker killed" })]);
    expect(await rowsOf(campaign.id)).toHaveLength(3);
    expect(await prisma.campaign.findUniqueOrThrow({ where: { id: campaign.id } })).toMatchObject({ status: "sending", plannedAt: null });

    // Within the lease nobody takes it over; after it, the next planner writes only what is missing.
    expect(await planDueCampaigns(later(1000))).toEqual([]);
    const resumed = await planDueCampaigns(later(PLANNING_LEASE_MS + 1000), { pageSize: 3 });
    expect(resumed).toEqual([expect.objectContaining({ campaignId: campaign.id, outcome: "planned", queued: 4 })]);
    const rows = await rowsOf(campaign.id);
    expect(rows).toHaveLength(7);
    expect(new Set(rows.map((row) => row.subscriberId)).size).toBe(7);

    expect(await planDueCampaigns(later(10 * PLANNING_LEASE_MS))).toEqual([]);
    expect(await rowsOf(campaign.id)).toHaveLength(7);
  });

  it("writes a large audience in full-size multi-row INSERTs and the rest, across pages and transactions", async () => {
    const { shop } = await createTestShop();
    const total = 2600;
    // Straight into the table: the consent engine would take a minute for this many, and "everyone" reads no events.
    await prisma.subscriber.createMany({
      data: Array.from({ length: total }, (_, i) => ({
        shop,
        phone: `+1212${String(5_000_000 + i).padStart(7, "0")}`,
        status: "subscribed",
        subscribedAt: new Date(NOW.getTime() - DAY),
        firstName: i % 3 === 0 ? `Name${i % 50}` : null,
      })),
    });
    expect(await countAudience(shop, { kind: "all" }, NOW)).toBe(total);
    const campaign = await scheduledNow(shop);
    const [report] = await planDueCampaigns(NOW, { pageSize: 1500 });
    expect(report).toMatchObject({ campaignId: campaign.id, outcome: "planned", queued: total });
    expect(await prisma.message.count({ where: { campaignId: campaign.id } })).toBe(total);
    const named = await prisma.message.findFirstOrThrow({ where: { campaignId: campaign.id, body: { contains: "Name3," } } });
    expect(named.body).toMatch(/^Acme Outfitters: Name3, 20% off/);
  });

  it("a STOP that arrives while the campaign is being planned keeps that number out of the rest", async () => {
    const { shop } = await createTestShop();
    const members = [];
    for (let i = 0; i < 4; i++) members.push(await subscribe(shop));
    const last = [...members].sort((a, b) => (a.id < b.id ? -1 : 1))[3]!;
    const campaign = await scheduledNow(shop);
    let pages = 0;
    const [report] = await planDueCampaigns(NOW, {
      pageSize: 2,
      afterPage: async () => {
        if (pages++ === 0) await applyConsentChange({ shop, phone: last.phone, action: "opt_out", source: "keyword", evidence: { body: "STOP" } });
      },
    });
    expect(report).toMatchObject({ outcome: "planned", queued: 3 });
    const rows = await rowsOf(campaign.id);
    expect(rows.map((row) => row.subscriberId)).not.toContain(last.id);
    expect(rows).toHaveLength(3);
  });

  it("two planners at once: one claims the campaign, the audience is queued once", async () => {
    const { shop } = await createTestShop();
    for (let i = 0; i < 5; i++) await subscribe(shop);
    const campaign = await scheduledNow(shop);
    const [first, second] = await Promise.all([planDueCampaigns(NOW, { pageSize: 2 }), planDueCampaigns(NOW, { pageSize: 2 })]);
    const reports = [...first!, ...second!].filter((report) => report.campaignId === campaign.id);
    expect(reports).toEqual([expect.objectContaining({ outcome: "planned", queued: 5 })]);
    expect(await rowsOf(campaign.id)).toHaveLength(5);
  });

  it("does not plan a campaign before its time, nor a draft", async () => {
    const { shop } = await createTestShop();
    await subscribe(shop);
    const draft = await createCampaign(shop, { name: "Draft", body: BODY });
    const created = await createCampaign(shop, { name: "Tomorrow", body: BODY });
    const tomorrow = await scheduleCampaign(shop, created.id, { mode: "shop_time", at: later(DAY) }, NOW);
    expect(tomorrow.scheduledAt).toEqual(later(DAY));
    const reports = await planDueCampaigns(NOW);
    expect(reports.map((report) => report.campaignId)).not.toContain(draft.id);
    expect(reports.map((report) => report.campaignId)).not.toContain(tomorrow.id);
    expect(await planDueCampaigns(later(DAY))).toEqual([expect.objectContaining({ campaignId: tomorrow.id, outcome: "planned", queued: 1 })]);
    expect((await rowsOf(tomorrow.id))[0]).toMatchObject({ nextAttemptAt: later(DAY) });
  });

  it("moves texts out of the recipient's quiet hours (federal, state and the shop's own) and says so", async () => {
    const { shop } = await createTestShop({ quietHoursStart: "21:00", quietHoursEnd: "10:00" });
    const newYork = await subscribe(shop, { phone: testPhone("212") }); // 12:00: allowed
    const honolulu = await subscribe(shop, { phone: testPhone("808") }); // 07:00: before 8:00, and the shop waits until 10:00
    const losAngeles = await subscribe(shop, { phone: testPhone("213") }); // 09:00: the shop's quiet hours end at 10:00
    const campaign = await scheduledNow(shop);
    const [report] = await planDueCampaigns(NOW);
    expect(report).toMatchObject({ queued: 3, deferred: 2, skipped: 0 });
    const byId = new Map((await rowsOf(campaign.id)).map((row) => [row.subscriberId, row]));
    expect(byId.get(newYork.id)).toMatchObject({ nextAttemptAt: NOW, deferredBy: null, status: "queued" });
    expect(byId.get(losAngeles.id)).toMatchObject({ nextAttemptAt: new Date("2026-11-27T18:00:00Z"), deferredBy: "quiet_hours", status: "queued" });
    expect(byId.get(honolulu.id)).toMatchObject({ nextAttemptAt: new Date("2026-11-27T20:00:00Z"), deferredBy: "quiet_hours", status: "queued" });
    expect((await getCampaign(shop, campaign.id)).progress).toMatchObject({ total: 3, deferredByQuietHours: 2, byStatus: { queued: 3 } });
  });

  it("sends at a wall time in each recipient's own zone", async () => {
    const { shop } = await createTestShop();
    const newYork = await subscribe(shop, { phone: testPhone("212") });
    const losAngeles = await subscribe(shop, { phone: testPhone("213") });
    const created = await createCampaign(shop, { name: "Local ten o'clock", body: BODY });
    const scheduled = await scheduleCampaign(shop, created.id, { mode: "recipient_local", localSendTime: "2026-11-28T10:00" }, NOW);
    // Planned from the moment 10:00 first happens anywhere (UTC+14), so every row waits for its own 10:00.
    expect(scheduled).toMatchObject({ status: "scheduled", scheduleMode: "recipient_local", localSendTime: "2026-11-28T10:00", scheduledAt: new Date("2026-11-27T20:00:00Z") });
    expect(await planDueCampaigns(NOW)).toEqual([]);
    await planDueCampaigns(new Date("2026-11-27T20:00:00Z"));
    const byId = new Map((await rowsOf(created.id)).map((row) => [row.subscriberId, row]));
    expect(byId.get(newYork.id)).toMatchObject({ nextAttemptAt: new Date("2026-11-28T15:00:00Z"), deferredBy: null });
    expect(byId.get(losAngeles.id)).toMatchObject({ nextAttemptAt: new Date("2026-11-28T18:00:00Z"), deferredBy: null });
  });

  it("writes a text over a frequency cap as skipped, with the reason", async () => {
    const { shop } = await createTestShop({ maxMessagesPerDay: 2, maxMessagesPerMonth: 4 });
    const fresh = await subscribe(shop);
    const busyToday = await subscribe(shop);
    for (const hoursAgo of [2, 5]) await sentBefore(shop, busyToday, new Date(NOW.getTime() - hoursAgo * HOUR));
    const busyThisMonth = await subscribe(shop);
    for (const day of [2, 5, 9, 12]) await sentBefore(shop, busyThisMonth, new Date(`2026-11-${String(day).padStart(2, "0")}T17:00:00Z`));
    const campaign = await scheduledNow(shop);
    const [report] = await planDueCampaigns(NOW);
    expect(report).toMatchObject({ queued: 1, skipped: 2 });
    const byId = new Map((await rowsOf(campaign.id)).map((row) => [row.subscriberId, row]));
    expect(byId.get(fresh.id)).toMatchObject({ status: "queued", skipReason: null });
    expect(byId.get(busyToday.id)).toMatchObject({ status: "skipped", skipReason: "daily_cap" });
    expect(byId.get(busyThisMonth.id)).toMatchObject({ status: "skipped", skipReason: "monthly_cap" });
    expect((await getCampaign(shop, campaign.id)).progress).toMatchObject({
      total: 3,
      byStatus: { queued: 1, skipped: 2 },
      skippedBy: { daily_cap: 1, monthly_cap: 1 },
    });
  });

  it("smart sending skips anyone texted within its window", async () => {
    const { shop } = await createTestShop();
    await prisma.shop.update({ where: { shop }, data: { smartSendingHours: 24 } });
    const recent = await subscribe(shop);
    await sentBefore(shop, recent, new Date(NOW.getTime() - 20 * HOUR));
    const campaign = await scheduledNow(shop);
    await planDueCampaigns(NOW);
    expect((await rowsOf(campaign.id))[0]).toMatchObject({ status: "skipped", skipReason: "smart_sending" });
  });
});

describe("pause, resume and cancel", () => {
  it("a pause stops planning at the next page; after resuming, the rest is planned", async () => {
    const { shop } = await createTestShop();
    for (let i = 0; i < 5; i++) await subscribe(shop);
    const campaign = await scheduledNow(shop);
    const [stopped] = await planDueCampaigns(NOW, { pageSize: 2, afterPage: () => pauseCampaign(shop, campaign.id, NOW).then(() => {}) });
    expect(stopped).toMatchObject({ outcome: "stopped", queued: 2 });
    expect(await rowsOf(campaign.id)).toHaveLength(2);
    expect(await prisma.campaign.findUniqueOrThrow({ where: { id: campaign.id } })).toMatchObject({ status: "paused", plannedAt: null, pausedAt: NOW });
    expect(await planDueCampaigns(later(10 * PLANNING_LEASE_MS))).toEqual([]); // paused: not planned further

    expect(await resumeCampaign(shop, campaign.id)).toMatchObject({ status: "sending", pausedAt: null });
    const [rest] = await planDueCampaigns(new Date(Date.now() + 2 * PLANNING_LEASE_MS), { pageSize: 2 });
    expect(rest).toMatchObject({ outcome: "planned", queued: 3 });
    expect(await rowsOf(campaign.id)).toHaveLength(5);
  });

  it("cancel: queued texts are cancelled, texts already sending or sent are not; cancelling again changes nothing", async () => {
    const { shop } = await createTestShop();
    for (let i = 0; i < 4; i++) await subscribe(shop);
    const campaign = await scheduledNow(shop);
    await planDueCampaigns(NOW);
    const [first, second] = await rowsOf(campaign.id);
    await prisma.message.update({ where: { id: first!.id }, data: { status: "sent", sentAt: NOW } });
    await prisma.message.update({ where: { id: second!.id }, data: { status: "sending", lockedUntil: later(60_000) } });

    const cancelled = await cancelCampaign(shop, campaign.id, later(1000));
    expect(cancelled).toMatchObject({ cancelledMessages: 2, campaign: { status: "cancelled", cancelledAt: later(1000) } });
    const statuses = (await rowsOf(campaign.id)).map((row) => row.status).sort();
    expect(statuses).toEqual(["cancelled", "cancelled", "sending", "sent"]);
    expect(await cancelCampaign(shop, campaign.id, later(2000))).toMatchObject({ cancelledMessages: 0, campaign: { status: "cancelled" } });
    expect(await planDueCampaigns(later(10 * PLANNING_LEASE_MS))).toEqual([]);
  });

  it("a cancel during planning stops it, and no row planned before it stays queued", async () => {
    const { shop } = await createTestShop();
    for (let i = 0; i < 5; i++) await subscribe(shop);
    const campaign = await scheduledNow(shop);
    const [report] = await planDueCampaigns(NOW, { pageSize: 2, afterPage: () => cancelCampaign(shop, campaign.id, NOW).then(() => {}) });
    expect(report).toMatchObject({ outcome: "stopped", queued: 2 });
    expect((await rowsOf(campaign.id)).map((row) => row.status)).toEqual(["cancelled", "cancelled"]);
  });
});

describe("completeFinishedCampaigns", () => {
  it("marks a planned campaign sent once no text is queued or held by a worker", async () => {
    const { shop } = await createTestShop();
    for (let i = 0; i < 2; i++) await subscribe(shop);
    const campaign = await scheduledNow(shop);
    await planDueCampaigns(NOW);
    const [first, second] = await rowsOf(campaign.id);
    expect(await completeFinishedCampaigns(NOW)).not.toContain(campaign.id);

    await prisma.message.update({ where: { id: first!.id }, data: { status: "delivered", sentAt: NOW } });
    await prisma.message.update({ where: { id: second!.id }, data: { status: "sending", lockedUntil: later(60_000) } });
    expect(await completeFinishedCampaigns(NOW)).not.toContain(campaign.id);

    // Accepted by Twilio (no lease): only its delivery report is still to come.
    await prisma.message.update({ where: { id: second!.id }, data: { lockedUntil: null } });
    expect(await completeFinishedCampaigns(later(1000))).toContain(campaign.id);
    expect(await prisma.campaign.findUniqueOrThrow({ where: { id: campaign.id } })).toMatchObject({ status: "sent", completedAt: later(1000) });
  });

  it("leaves a paused campaign and one still being planned alone", async () => {
    const { shop } = await createTestShop();
    await subscribe(shop);
    const paused = await scheduledNow(shop);
    await planDueCampaigns(NOW);
    await pauseCampaign(shop, paused.id, NOW);
    await prisma.message.updateMany({ where: { campaignId: paused.id }, data: { status: "delivered" } });
    const unplanned = await scheduledNow(shop, { kind: "all" }, "Claimed, not planned");
    await prisma.campaign.update({ where: { id: unplanned.id }, data: { status: "sending" } });
    const completed = await completeFinishedCampaigns(later(1000));
    expect(completed).not.toContain(paused.id);
    expect(completed).not.toContain(unplanned.id);
  });
});
