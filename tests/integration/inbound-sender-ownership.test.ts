/**
 * One shop cannot take another's inbound texts (issue 8, defect 2): a number
 * or Messaging Service belongs to one shop, and when a webhook's Messaging
 * Service and number are configured in two different shops, the shop whose
 * Twilio account signed the webhook gets it. The victim's STOP is sent over
 * real HTTP to the node:http route production serves, signed as Twilio signs.
 */
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import prisma from "../../app/db.server";
import { saveSettingsForm } from "../../app/settings/save-settings.server";
import { inboundParams, newPhone, type InboundParams } from "../support/inbound-sms";
import { startInboundSmsServer, type InboundSmsServer } from "../support/inbound-sms-server";
import { createTestShop } from "../support/shop-fixture";

const ATTACKER_AUTH_TOKEN = "attacker-auth-token-0123456789";

let server: InboundSmsServer;
beforeAll(async () => {
  server = await startInboundSmsServer();
});
afterAll(async () => {
  await server.close();
});

const postSigned = (params: InboundParams, authToken: string) => server.postSigned(params, authToken);
const newServiceSid = () => `MG${randomBytes(16).toString("hex")}`;
const statusOf = async (shop: string, phone: string) => (await prisma.subscriber.findUnique({ where: { shop_phone: { shop, phone } } }))?.status ?? null;
const optOutsOf = (shop: string, phone: string) => prisma.consentEvent.count({ where: { shop, phone, kind: "opted_out" } });

describe("a victim's STOP reaches the victim", () => {
  it("when another shop tried to save the victim's number, the save is refused and the STOP works", async () => {
    const victim = await createTestShop();
    const attacker = await createTestShop({ twilioAuthToken: ATTACKER_AUTH_TOKEN });
    const form = new FormData();
    for (const [name, value] of Object.entries({ brandName: "Attacker", supportContact: "help@attacker.test", senderPhoneNumber: victim.inboundNumber, smsCountries: "US" })) form.set(name, value);

    expect(await saveSettingsForm(attacker.shop, form)).toMatchObject({ ok: false, errors: { senderPhoneNumber: expect.stringContaining("Another shop") } });

    const phone = newPhone();
    const reply = await postSigned(inboundParams(victim, phone, "STOP"), victim.authToken);
    expect(reply.status).toBe(200);
    expect(reply.body).toContain("unsubscribed");
    expect(await statusOf(victim.shop, phone)).toBe("unsubscribed");
    expect(await optOutsOf(victim.shop, phone)).toBe(1);
  });

  it("when another shop configured the victim's number and the victim uses a Messaging Service", async () => {
    // The victim saved only its Messaging Service; its number, in that service, was free for another shop to claim.
    const messagingServiceSid = newServiceSid();
    const victim = await createTestShop({ messagingServiceSid });
    await prisma.shop.update({ where: { shop: victim.shop }, data: { senderPhoneNumber: null } });
    const attacker = await createTestShop({ twilioAuthToken: ATTACKER_AUTH_TOKEN, senderPhoneNumber: victim.inboundNumber });

    const phone = newPhone();
    const reply = await postSigned(inboundParams(victim, phone, "STOP", { MessagingServiceSid: messagingServiceSid }), victim.authToken);

    expect(reply.status).toBe(200);
    expect(await statusOf(victim.shop, phone)).toBe("unsubscribed");
    expect(await optOutsOf(victim.shop, phone)).toBe(1);
    expect(await statusOf(attacker.shop, phone)).toBeNull();
  });

  it("when another shop configured the victim's Messaging Service and the victim its number", async () => {
    const messagingServiceSid = newServiceSid();
    const victim = await createTestShop();
    const attacker = await createTestShop({ twilioAuthToken: ATTACKER_AUTH_TOKEN, messagingServiceSid });

    const phone = newPhone();
    const reply = await postSigned(inboundParams(victim, phone, "STOP", { MessagingServiceSid: messagingServiceSid }), victim.authToken);

    expect(reply.status).toBe(200);
    expect(await statusOf(victim.shop, phone)).toBe("unsubscribed");
    expect(await statusOf(attacker.shop, phone)).toBeNull();
  });

  it("a webhook the other shop signs itself for the victim's number changes nothing at the victim", async () => {
    const messagingServiceSid = newServiceSid();
    const victim = await createTestShop();
    const attacker = await createTestShop({ twilioAuthToken: ATTACKER_AUTH_TOKEN, messagingServiceSid });
    const phone = newPhone();
    expect((await postSigned(inboundParams(victim, phone, "START"), victim.authToken)).status).toBe(200);
    const before = await statusOf(victim.shop, phone);
    expect(before).not.toBeNull();

    const forged = await postSigned(inboundParams(victim, phone, "STOP", { MessagingServiceSid: messagingServiceSid }), ATTACKER_AUTH_TOKEN);

    expect(forged.status).toBe(200); // the attacker's own shop answers its own signature
    expect(await statusOf(victim.shop, phone)).toBe(before);
    expect(await optOutsOf(victim.shop, phone)).toBe(0);
    expect(await statusOf(attacker.shop, phone)).toBe("unsubscribed");
  });
});
