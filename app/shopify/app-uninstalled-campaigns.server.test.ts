/**
 * An uninstall stops the shop's campaigns for good, not only the texts
 * already queued: a campaign scheduled before the merchant removed the app,
 * or one whose planning was cut short, must not start sending by itself the
 * moment the app is installed again (perhaps weeks after its send time).
 */
import { describe, expect, it } from "vitest";
import prisma from "../db.server";
import { planDueCampaigns } from "../campaigns/plan-campaign.server";
import { subscribe } from "../../tests/support/campaign-fixture";
import { createTestShop } from "../../tests/support/shop-fixture";
import { handleAppUninstalled } from "./app-uninstalled.server";

const DAY = 24 * 60 * 60 * 1000;

describe("app/uninstalled and the shop's campaigns", () => {
  it("cancels scheduled, sending and paused campaigns, keeps drafts and finished ones, and a reinstall plans none of them", async () => {
    const { shop } = await createTestShop();
    await subscribe(shop);
    await subscribe(shop);
    const sendAt = new Date(Date.now() + DAY);
    const base = { shop, body: "Acme: 20% off today. Reply STOP to opt out." };
    const scheduled = await prisma.campaign.create({ data: { ...base, name: "scheduled", status: "scheduled", scheduleMode: "shop_time", scheduledAt: sendAt } });
    // Planning claimed it and died before writing a row: its lease has long run out.
    const halfPlanned = await prisma.campaign.create({
      data: { ...base, name: "half planned", status: "sending", scheduleMode: "now", scheduledAt: new Date(Date.now() - DAY), startedAt: new Date(Date.now() - DAY) },
    });
    const paused = await prisma.campaign.create({ data: { ...base, name: "paused", status: "paused", scheduleMode: "now", scheduledAt: new Date(), plannedAt: new Date() } });
    const draft = await prisma.campaign.create({ data: { ...base, name: "draft" } });
    const sent = await prisma.campaign.create({ data: { ...base, name: "sent", status: "sent", scheduleMode: "now", scheduledAt: new Date(), completedAt: new Date() } });

    const uninstalledAt = new Date();
    expect(await handleAppUninstalled(shop, { now: uninstalledAt })).toMatchObject({ outcome: "uninstalled" });

    const statusOf = async (id: string) => (await prisma.campaign.findUniqueOrThrow({ where: { id } })).status;
    expect(await statusOf(scheduled.id)).toBe("cancelled");
    expect(await statusOf(halfPlanned.id)).toBe("cancelled");
    expect(await statusOf(paused.id)).toBe("cancelled");
    expect(await statusOf(draft.id)).toBe("draft");
    expect(await statusOf(sent.id)).toBe("sent");
    expect((await prisma.campaign.findUniqueOrThrow({ where: { id: scheduled.id } })).cancelledAt).toEqual(uninstalledAt);

    // Installed again (what afterAuth does), and the worker runs after the old send time.
    await prisma.shop.update({ where: { shop }, data: { uninstalledAt: null, installedAt: new Date() } });
    const reports = await planDueCampaigns(new Date(sendAt.getTime() + 60_000));

    expect(reports.filter((report) => report.shop === shop)).toEqual([]);
    expect(await prisma.message.count({ where: { shop, kind: "marketing" } })).toBe(0);
  });
});
