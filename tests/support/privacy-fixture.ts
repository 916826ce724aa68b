/**
 * A customer's whole footprint in a shop, made through the real consent engine
 * and outbox: checkout and keyword consent with full evidence, texts sent
 * (delivered, failed, queued), texts received (before and after subscribing),
 * Shopify sync jobs, a link click. Every personal value is unique to the
 * customer, so a test can search the whole database for it.
 */
import { randomBytes } from "node:crypto";
import prisma from "../../app/db.server";
import { applyConsentChange } from "../../app/consent/consent-engine.server";
import { enqueueMessage } from "../../app/messaging/outbox.server";

export interface CustomerFootprint {
  shop: string;
  customerId: string; // numeric, as Shopify sends it
  phone: string; // E.164, linked to the customer id
  guestPhone: string; // E.164, given at a guest checkout of `guestOrderId`
  guestOrderId: string;
  subscriberIds: string[];
  /** Every personal value: numbers in E.164, national and formatted forms, texts, IP, user agent. */
  secrets: string[];
  /** Message texts that only this customer sent or received. */
  texts: string[];
}

const sid = (prefix: string) => `${prefix}${randomBytes(16).toString("hex")}`;

/** `tag` (lower-case letters) makes every text unique to this customer; `digits` (4) their numbers. */
export async function seedCustomer(
  shop: string,
  options: { customerId: string; digits: string; tag: string; ip: string; inboundNumber?: string },
): Promise<CustomerFootprint> {
  const phone = `+1415555${options.digits}`;
  const guestPhone = `+1628555${options.digits}`;
  const guestOrderId = String(900000 + Number(options.digits));
  const to = options.inboundNumber ?? "+15005550006";
  const customerGid = `gid://shopify/Customer/${options.customerId}`;
  const userAgent = `Mozilla/5.0 (${options.tag}-browser)`;
  const texts = {
    help: `HELP ${options.tag} what is this`,
    stop: `please stop texting me, ${options.tag} here`,
    offer: `${options.tag.toUpperCase()}, your private code ${options.tag}-7731`,
    order: `Your order for ${options.tag} has shipped`,
  };

  // A HELP before they ever subscribed: linked to no subscriber, only to the number.
  await prisma.inboundMessage.create({
    data: { messageSid: sid("SM"), shop, fromPhone: phone, toPhone: to, body: texts.help, intent: "help", replyTwiml: `<Response><Message>Acme help for ${options.tag}</Message></Response>` },
  });
  const checkout = await applyConsentChange({
    shop,
    phone,
    action: "opt_in",
    source: "checkout",
    optInLevel: "single",
    locale: "en",
    shopifyCustomerId: customerGid,
    evidence: {
      orderId: `gid://shopify/Order/${Number(guestOrderId) - 1}`,
      channel: "contact_step",
      phone,
      disclosureVersionId: "dv_1",
      disclosureVersion: 1,
      disclosureHash: "a".repeat(64),
      disclosureText: "Acme: recurring automated marketing texts. Up to 6 msgs/month. Msg & data rates may apply. Reply HELP for help, STOP to cancel.",
      ip: options.ip,
      userAgent,
      shopifyCustomerId: customerGid,
    },
  });
  const subscriber = checkout.subscriber;
  await prisma.subscriber.update({ where: { id: subscriber.id }, data: { timezone: "America/Los_Angeles", region: "US-CA" } });

  const confirmation = await enqueueMessage(shop, { phone, body: "Acme Outfitters: Thanks for subscribing!", kind: "compliance", subscriberId: subscriber.id }, prisma);
  await prisma.message.update({ where: { id: confirmation.id }, data: { status: "delivered", twilioSid: sid("SM"), sentAt: new Date(), deliveredAt: new Date() } });
  const shipped = await enqueueMessage(shop, { phone, body: texts.order, kind: "transactional", subscriberId: subscriber.id }, prisma);
  await prisma.message.update({
    where: { id: shipped.id },
    data: { status: "failed", errorCode: 30003, errorMessage: `Unreachable destination handset ${phone}` },
  });
  await enqueueMessage(shop, { phone, body: texts.offer, kind: "transactional", subscriberId: subscriber.id, sendAt: new Date(Date.now() + 3_600_000) }, prisma);

  const link = await prisma.trackedLink.create({ data: { shop, code: randomBytes(6).toString("hex"), url: "https://acme.test/sale" } });
  await prisma.linkClick.create({ data: { shop, linkId: link.id, subscriberId: subscriber.id } });
  const orderNumber = String(Math.floor(Math.random() * 1e12));
  await prisma.order.create({
    data: { shop, shopifyOrderId: orderNumber, subscriberId: subscriber.id, shopifyCustomerId: customerGid, totalMinor: 5400, currency: "USD", placedAt: new Date() },
  });
  await prisma.orderRefund.create({ data: { shop, shopifyRefundId: String(Math.floor(Math.random() * 1e12)), shopifyOrderId: orderNumber, amountMinor: 1200 } });

  // Their STOP, worded freely: the inbound row and the keyword consent event carry the text and its MessageSid.
  const stopSid = sid("SM");
  await applyConsentChange({
    shop,
    phone,
    action: "opt_out",
    source: "keyword",
    evidence: { messageSid: stopSid, body: texts.stop, from: phone, to, matched: "stop", language: "en" },
  });
  await prisma.inboundMessage.create({
    data: { messageSid: stopSid, shop, fromPhone: phone, toPhone: to, body: texts.stop, intent: "opt_out", subscriberId: subscriber.id, replyTwiml: "<Response/>" },
  });

  // A guest checkout with another number: linked to the customer only through the order.
  const guest = await applyConsentChange({
    shop,
    phone: guestPhone,
    action: "opt_in",
    source: "checkout",
    optInLevel: "single",
    evidence: { orderId: `gid://shopify/Order/${guestOrderId}`, channel: "thank_you", phone: guestPhone, ip: options.ip, userAgent, shopifyCustomerId: null },
  });
  await enqueueMessage(shop, { phone: guestPhone, body: `${texts.offer} (guest)`, kind: "marketing", subscriberId: guest.subscriber.id }, prisma);

  const national = (e164: string) => e164.slice(2);
  const formatted = (e164: string) => `(${e164.slice(2, 5)}) ${e164.slice(5, 8)}-${e164.slice(8)}`;
  const textList = [texts.help, texts.stop, texts.offer, texts.order, `Acme help for ${options.tag}`];
  return {
    shop,
    customerId: options.customerId,
    phone,
    guestPhone,
    guestOrderId,
    subscriberIds: [subscriber.id, guest.subscriber.id],
    secrets: [phone, national(phone), formatted(phone), guestPhone, national(guestPhone), formatted(guestPhone), options.ip, userAgent, ...textList],
    texts: textList,
  };
}
