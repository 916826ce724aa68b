/**
 * The kinds of reply the classifier used to get wrong, end to end as Twilio
 * delivers them: a real HTTP server answering POST /webhooks/twilio/sms with
 * the production node route, real signatures, the real database (SQLite and
 * PostgreSQL). Each text must change consent (or not) and get the one reply
 * its meaning calls for, in the shop's language when the person wrote in one
 * the app has no wording for.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { applyConsentChange } from "../../app/consent/consent-engine.server";
import prisma from "../../app/db.server";
import { composeComplianceReply, type ComplianceReplyKind } from "../../app/messaging/compose";
import { inboundParams, newPhone } from "../support/inbound-sms";
import { startInboundSmsServer, type InboundSmsServer } from "../support/inbound-sms-server";
import { createTestShop } from "../support/shop-fixture";

type TestShop = Awaited<ReturnType<typeof createTestShop>>;

let server: InboundSmsServer;
beforeAll(async () => {
  server = await startInboundSmsServer();
});
afterAll(() => server.close());

/** Texts `body` from `from` to the shop's number, signed as Twilio signs; returns the messages of the TwiML reply. */
async function text(shop: TestShop, from: string, body: string): Promise<string[]> {
  const response = await server.postSigned(inboundParams(shop, from, body), shop.authToken);
  expect(response.status).toBe(200);
  return [...response.body.matchAll(/<Message>([\s\S]*?)<\/Message>/g)].map((match) => decodeXml(match[1]!));
}

const decodeXml = (s: string) =>
  s.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, "&");

const reply = (shop: TestShop, kind: ComplianceReplyKind, language: "en" | "es" = "en") => {
  const { brandName, supportContact, maxMessagesPerMonth } = shop.settings;
  return composeComplianceReply(kind, { brandName, supportContact, maxMessagesPerMonth }, language);
};

const statusOf = async (shop: TestShop, phone: string) =>
  (await prisma.subscriber.findUnique({ where: { shop_phone: { shop: shop.shop, phone } } }))?.status ?? null;

async function subscribedNumber(shop: TestShop): Promise<string> {
  const phone = newPhone();
  await applyConsentChange({ shop: shop.shop, phone, action: "opt_in", source: "admin", evidence: { note: "test setup" } });
  return phone;
}

describe("inbound replies by kind, over HTTP", () => {
  it.each([
    ["zero-width space inside STOP", "S\u200bTOP"],
    ["soft hyphen and BOM", "\ufeffUN\u00adSUBSCRIBE"],
    ["full-width letters", "ＳＴＯＰ"],
    ["a formal withdrawal", "I withdraw my consent to receive text messages."],
    ["I no longer consent", "I no longer consent"],
    ["Chinese", "请停止发送短信"],
    ["Vietnamese without diacritics", "huy dang ky"],
    ["Korean", "수신거부"],
    ["Russian", "ОТПИСАТЬСЯ"],
    ["removal without 'me'", "Remove from list"],
    ["not the person who signed up", "This isn't my number"],
    ["do-not-disturb", "DND"],
    ["cease and desist", "cease and desist"],
    ["a polite refusal", "I'd rather not get these anymore"],
    ["done with them", "I'm done with these messages"],
    ["an un- verb", "Unfollow"],
    ["leetspeak", "5T0P"],
    ["a swapped pair", "tsop pls"],
    ["Spanish misspelling", "UNSUSCRIBIRME"],
    ["Spanish refusal", "no quiero recibir mensajes"],
    ["French", "je ne veux plus recevoir"],
    ["Italian", "disiscriviti"],
  ])("%s unsubscribes a subscribed number and confirms once, in the shop's language", async (_kind, body) => {
    const shop = await createTestShop();
    const phone = await subscribedNumber(shop);

    expect(await text(shop, phone, body)).toEqual([reply(shop, "opt_out_confirmation")]);
    expect(await statusOf(shop, phone)).toBe("unsubscribed");
  });

  it("a revocation in a language the shop does not reply in is honoured and answered in the shop's first language", async () => {
    const shop = await createTestShop({ supportedLanguages: ["es", "en"] });
    const phone = await subscribedNumber(shop);

    expect(await text(shop, phone, "Пожалуйста, не пишите мне больше")).toEqual([reply(shop, "opt_out_confirmation", "es")]);
    expect(await statusOf(shop, phone)).toBe("unsubscribed");
  });

  it.each(["who's texting me?", "What is this number?", "Hi. Who is this? Why am I getting these?", "how do I get help", "帮助", "ПОМОЩЬ"])(
    "%j gets the HELP reply and changes nothing",
    async (body) => {
      const shop = await createTestShop();
      const phone = await subscribedNumber(shop);

      expect(await text(shop, phone, body)).toEqual([reply(shop, "help")]);
      expect(await statusOf(shop, phone)).toBe("subscribed");
    },
  );

  it.each(["sign me back up", "I want your texts again", "please add me back", "opt me back in"])(
    "%j from a number that opted out resubscribes it: the person's own act",
    async (body) => {
      const shop = await createTestShop();
      const phone = await subscribedNumber(shop);
      await text(shop, phone, "STOP");
      expect(await statusOf(shop, phone)).toBe("unsubscribed");

      expect(await text(shop, phone, body)).toEqual([reply(shop, "resubscribed")]);
      expect(await statusOf(shop, phone)).toBe("subscribed");
    },
  );

  it.each([
    "When does the sale end?", "what time does it end", "quit smoking", "cancel my account on your website",
    "Can I unsubscribe from emails but keep texts?", "Cancel the gift wrap, keep the order",
    "How do I opt out of the paper receipt?", "stop my auto-ship", "unsubscribe me from the newsletter",
  ])(
    "%j keeps the subscriber, with at most one clarifying reply",
    async (body) => {
      const shop = await createTestShop();
      const phone = await subscribedNumber(shop);

      const messages = await text(shop, phone, body);

      expect([[], [reply(shop, "clarify_opt_out")]]).toContainEqual(messages);
      expect(await statusOf(shop, phone)).toBe("subscribed");
    },
  );
});
