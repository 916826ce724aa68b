/**
 * Pause and cancel reach texts already claimed by a worker, not only the
 * queued ones: at one text a second (a long code), a worker holds a batch of
 * claimed texts for seconds while they wait for the sender's pace, and the
 * merchant who pressed Cancel meanwhile expects none of them to go.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import prisma from "../db.server";
import { applyConsentChange } from "../consent/consent-engine.server";
import { cancelCampaign, pauseCampaign } from "../campaigns/campaigns.server";
import { createTestShop, TEST_TWILIO_ACCOUNT_SID, TEST_TWILIO_AUTH_TOKEN } from "../../tests/support/shop-fixture";
import { usDaytime } from "../../tests/support/us-daytime";
import { dispatchDueMessages, enqueueMessage } from "./outbox.server";
import { startTwilioSandbox, type TwilioSandbox } from "./twilio-sandbox.server";

let sandbox: TwilioSandbox;
beforeAll(async () => {
  sandbox = await startTwilioSandbox({ accounts: [{ accountSid: TEST_TWILIO_ACCOUNT_SID, authToken: TEST_TWILIO_AUTH_TOKEN }], statusCallbackDelayMs: 60_000 });
  process.env.TWILIO_API_BASE_URL = sandbox.url;
});
afterAll(async () => {
  delete process.env.TWILIO_API_BASE_URL;
  await sandbox.close();
});

async function sendingCampaign(shop: string, phones: string[]) {
  const campaign = await prisma.campaign.create({ data: { shop, name: "Sale", body: "Acme: sale", status: "sending", scheduleMode: "now", scheduledAt: new Date() } });
  for (const phone of phones) {
    const { subscriber } = await applyConsentChange({ shop, phone, action: "opt_in", source: "admin", evidence: { staff: "test" } });
    await enqueueMessage(shop, { phone, subscriberId: subscriber.id, campaignId: campaign.id, body: "Acme: sale! Reply STOP to opt out", kind: "marketing" }, prisma);
  }
  return campaign;
}

const sentFrom = (inboundNumber: string) => sandbox.messages.filter((m) => m.from === inboundNumber);

describe.each([
  ["cancelled", "+1555111007", (shop: string, id: string) => cancelCampaign(shop, id).then(() => {})],
  ["paused", "+1555111008", (shop: string, id: string) => pauseCampaign(shop, id).then(() => {})],
])("a campaign %s while its claimed texts wait for the sender's pace", (status, prefix, stop) => {
  it("sends none of them after the merchant stopped it", async () => {
    const { shop, inboundNumber } = await createTestShop({ maxMessagesPerSecond: 1 });
    const phones = [0, 1, 2].map((digit) => `${prefix}${digit}`);
    const campaign = await sendingCampaign(shop, phones);

    const dispatch = dispatchDueMessages({ now: usDaytime(), concurrency: 3 });
    // All three are claimed at once; at one a second the second and third go about one and two seconds after the first.
    while (sentFrom(inboundNumber).length < 1) await new Promise((resolve) => setTimeout(resolve, 20));
    await stop(shop, campaign.id);
    await dispatch;

    expect(sentFrom(inboundNumber)).toHaveLength(1);
    expect((await prisma.campaign.findUniqueOrThrow({ where: { id: campaign.id } })).status).toBe(status);
  }, 20_000);
});
