/**
 * An edit racing planning: whichever commits first wins, and the texts
 * planned are always the text the campaign shows afterwards (an edit never
 * lands after planning read the campaign, and planning never reads half an
 * edit). A campaign the edit held locked is planned by the next tick.
 */
import { describe, expect, it } from "vitest";
import prisma from "../db.server";
import { subscribe } from "../../tests/support/campaign-fixture";
import { createTestShop } from "../../tests/support/shop-fixture";
import { CampaignError, createCampaign, scheduleCampaign, updateCampaign } from "./campaigns.server";
import { planDueCampaigns } from "./plan-campaign.server";

const NOW = new Date("2026-11-27T17:00:00Z");
const ORIGINAL = "Acme Outfitters: 20% off everything this weekend. Reply STOP to opt out";
const EDITED = "Acme Outfitters: 30% off everything this weekend. Reply STOP to opt out";

describe("an edit racing planning", () => {
  it("plans exactly the text the campaign keeps, every time", async () => {
    const { shop } = await createTestShop();
    for (let i = 0; i < 3; i++) await subscribe(shop);
    for (let round = 0; round < 16; round++) {
      const campaign = await createCampaign(shop, { name: `Race ${round}`, body: ORIGINAL });
      await scheduleCampaign(shop, campaign.id, { mode: "now" }, NOW);
      // Planning starts at once in the first round (it wins), then a little later each round (the edit wins, or they overlap).
      const planLater = round === 0 ? planDueCampaigns(NOW) : new Promise((resolve) => setTimeout(resolve, round * 2)).then(() => planDueCampaigns(NOW));
      const [edit] = await Promise.allSettled([updateCampaign(shop, campaign.id, { body: EDITED }, NOW), planLater]);
      if (edit.status === "rejected") expect(edit.reason).toBeInstanceOf(CampaignError);
      // The worker's next tick. On PostgreSQL planning's claim skips a campaign an edit holds locked at that moment
      // (SKIP LOCKED, as every durable job's claim): that campaign is planned on the next tick, with the edit.
      await planDueCampaigns(NOW);

      const kept = await prisma.campaign.findUniqueOrThrow({ where: { id: campaign.id } });
      const bodies = new Set((await prisma.message.findMany({ where: { campaignId: campaign.id } })).map((row) => row.body.split(" ")[1]));
      expect(kept.status).toBe("sending");
      expect([...bodies]).toEqual([kept.body.split(" ")[1]]);
      expect(kept.body).toBe(edit.status === "fulfilled" ? EDITED : ORIGINAL);
    }
  }, 60_000);
});
