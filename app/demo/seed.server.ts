/**
 * Seeds the demo shop: settings, a published disclosure, ~200 subscribers whose
 * consent histories cover every source and state (with first names, languages,
 * and for those who ordered, the state and zone of their address), and three
 * campaigns: two sent the way the sending rules would have sent them, and a
 * draft ready to send. The sent ones' texts carry each recipient's own
 * tracked link; some recipients clicked, and orders came in over the last 30
 * days (credited by the real attribution rule), one of them partly refunded,
 * so the results page and the dashboard's charts show something on first
 * open. Idempotent: settings are upserted, and the history is
 * written only into an empty shop. Every consent change goes through the
 * consent engine, like real traffic.
 */
import { createHash, randomBytes } from "node:crypto";
import type { Prisma, Subscriber } from "@prisma/client";
import { DateTime } from "luxon";
import prisma, { withSqlTransaction } from "../db.server";
import { env } from "../env.server";
import { applyConsentChange } from "../consent/consent-engine.server";
import type { ConsentAction, ConsentSource } from "../consent/transitions";
import type { Evidence } from "../consent/ledger.server";
import type { MessageStatus } from "../messaging/message-status";
import { nextAllowedSendTime } from "../sending-rules/quiet-hours";
import { numberPlace, recipientLocation } from "../sending-rules/recipient-location.server";
import { saveShopSettings } from "../shops/shop-settings.server";
import { storedAudience, type AudienceFilter } from "../campaigns/audience";
import { campaignProgramOf, recipientText } from "../campaigns/campaign-message";
import { insertTrackedLinks, planTrackedLinks, type PlannedLinks } from "../links/tracked-links.server";
import { recordOrder, recordRefund } from "../attribution/orders.server";
import { DEMO_INBOUND_NUMBER, DEMO_SHOP, DEMO_TWILIO_ACCOUNT_SID } from "./demo-mode.server";

const DAY = 24 * 60 * 60 * 1000;
export const DEMO_SUBSCRIBER_COUNT = 200;

export const DEMO_DISCLOSURE =
  "Yes, text me offers from Juniper & Pine. Recurring automated marketing msgs, up to 6 msgs/month, to the number provided. " +
  "Consent is not a condition of purchase. Msg & data rates may apply. Reply STOP to cancel, HELP for help. Terms & Privacy apply.";

/** Small deterministic PRNG so every demo database tells the same story. */
function prng(seed: number) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// Fictional numbers: 555-01xx is reserved for fiction in the North American plan.
const AREA_CODES = ["212", "305", "415", "512", "617", "720"];
export function demoPhone(index: number): string {
  return `+1${AREA_CODES[index % AREA_CODES.length]}55501${String(Math.floor(index / AREA_CODES.length)).padStart(2, "0")}`;
}

type Step = { action: ConsentAction; source: ConsentSource; at: Date; evidence: Evidence; pendingExpiresAt?: Date };
interface Story {
  phone: string;
  steps: Step[];
}

const FIRST_NAMES = ["Olivia", "Marcus", "Priya", "Diego", "Hannah", "Kenji", "Amélie", "Jamal", "Sofía", "Liam", "Grace", "Mateo", "Aisha", "Noah", "Chloe", "Ethan", "Zoe"];
// Customers keep their number when they move: a few of those who ordered live in another state than their area code's.
const MOVED_TO = [
  { region: "US-CT", timezone: "America/New_York" },
  { region: "US-AZ", timezone: "America/Phoenix" },
  { region: "US-OK", timezone: "America/Chicago" },
  { region: "US-WA", timezone: "America/Los_Angeles" },
];

/** What else the shop knows of a subscriber: a first name (most), a language, and for customers who ordered, the order and the address. */
interface Profile {
  firstName: string | null;
  locale: string;
  lastOrderAt: Date | null;
  /** The shipping address's state and zone; null when only the number is known (then the area code says where). */
  address: { region: string; timezone: string } | "area_code" | null;
}

function profileFor(index: number, story: Story, now: Date, random: () => number): Profile {
  const orders = story.steps.filter((step) => step.source === "checkout").map((step) => step.at);
  const roll = random();
  const lastOrder = orders.at(-1) ?? null;
  return {
    firstName: index % 7 === 3 ? null : FIRST_NAMES[index % FIRST_NAMES.length]!,
    locale: roll < 0.1 ? "es" : roll < 0.15 ? "fr" : "en",
    // Some customers ordered again after the order that subscribed them.
    lastOrderAt: lastOrder && index % 3 === 0 ? new Date(lastOrder.getTime() + random() * (now.getTime() - lastOrder.getTime()) * 0.5) : lastOrder,
    address: !lastOrder ? null : index % 9 === 0 ? MOVED_TO[index % MOVED_TO.length]! : "area_code",
  };
}

function storyFor(index: number, now: Date, random: () => number, disclosure: { id: string; contentHash: string }): Story {
  const phone = demoPhone(index);
  const start = new Date(now.getTime() - (5 + random() * 85) * DAY);
  const later = (days: number) => new Date(start.getTime() + days * DAY);
  const checkout = (at: Date): Step => ({
    action: "opt_in",
    source: "checkout",
    at,
    evidence: {
      orderId: `gid://shopify/Order/${5_000_000 + index}`,
      disclosureVersionId: disclosure.id,
      disclosureHash: disclosure.contentHash,
      ip: `203.0.113.${index % 250}`,
      userAgent: "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X)",
    },
  });
  const keyword = (action: ConsentAction, at: Date, body: string, extra: Partial<Step> = {}): Step => ({
    action,
    source: "keyword",
    at,
    evidence: { messageSid: `SM${createHash("md5").update(`${index}-${body}-${at.getTime()}`).digest("hex")}`, body },
    ...extra,
  });
  const roll = index % 20;
  if (roll < 10) return { phone, steps: [checkout(start)] };
  if (roll < 12) {
    return {
      phone,
      steps: [
        keyword("request_opt_in", start, "JOIN", { pendingExpiresAt: later(3) }),
        keyword("confirm", new Date(start.getTime() + 4 * 60_000), "Y"),
      ],
    };
  }
  if (roll === 12) return { phone, steps: [{ action: "opt_in", source: "form", at: start, evidence: { formId: "footer-signup", ip: "198.51.100.7" } }] };
  if (roll === 13) return { phone, steps: [{ action: "opt_in", source: "import", at: start, evidence: { file: "klaviyo-export.csv", row: index } }] };
  if (roll === 14) return { phone, steps: [checkout(start), keyword("opt_out", later(2 + random() * 3), "STOP")] };
  if (roll === 15) return { phone, steps: [checkout(start), keyword("opt_out", later(1.5), "please stop texting me")] };
  if (roll === 16) {
    return { phone, steps: [checkout(start), keyword("opt_out", later(1), "STOP"), keyword("opt_in", later(3), "START")] };
  }
  if (roll === 17) {
    const recent = new Date(now.getTime() - random() * 2 * DAY);
    return { phone, steps: [keyword("request_opt_in", recent, "JOIN", { pendingExpiresAt: new Date(recent.getTime() + 3 * DAY) })] };
  }
  if (roll === 18) {
    return {
      phone,
      steps: [
        keyword("request_opt_in", start, "JOIN", { pendingExpiresAt: later(3) }),
        { action: "expire", source: "system", at: later(3), evidence: { reason: "no reply within 72 hours" } },
      ],
    };
  }
  return {
    phone,
    steps: [checkout(start), { action: "carrier_opt_out", source: "carrier", at: later(4), evidence: { errorCode: 21610 } }],
  };
}

export interface SeedResult {
  shop: string;
  created: boolean;
  subscribers: number;
}

export async function seedDemoShop(options: { twilioAuthToken: string; now?: Date; /** The short links' host (SHOPIFY_APP_URL by default). */ appUrl?: string }): Promise<SeedResult> {
  const now = options.now ?? new Date();
  const appUrl = options.appUrl ?? env().SHOPIFY_APP_URL;
  await saveShopSettings(
    DEMO_SHOP,
    {
      brandName: "Juniper & Pine",
      supportContact: "help@juniperandpine.example",
      termsUrl: "https://juniperandpine.example/policies/terms-of-service",
      privacyUrl: "https://juniperandpine.example/policies/privacy-policy",
      twilioAccountSid: DEMO_TWILIO_ACCOUNT_SID,
      twilioAuthToken: options.twilioAuthToken,
      senderPhoneNumber: DEMO_INBOUND_NUMBER,
      keywordMode: "app", // the demo answers every keyword itself so its replies can be seen
      doubleOptIn: true,
      extraOptInKeywords: ["JOIN"],
      supportedLanguages: ["en", "es", "fr"],
    },
    { demo: true },
  );

  if ((await prisma.subscriber.count({ where: { shop: DEMO_SHOP } })) > 0) {
    return { shop: DEMO_SHOP, created: false, subscribers: await prisma.subscriber.count({ where: { shop: DEMO_SHOP } }) };
  }

  const disclosure = await prisma.disclosureVersion.upsert({
    where: { shop_version_locale: { shop: DEMO_SHOP, version: 1, locale: "en" } },
    create: {
      shop: DEMO_SHOP,
      version: 1,
      locale: "en",
      text: DEMO_DISCLOSURE,
      contentHash: createHash("sha256").update(DEMO_DISCLOSURE).digest("hex"),
      publishedAt: new Date(now.getTime() - 120 * DAY),
    },
    update: {},
  });

  // Apply every step of every story in time order, as the ledger would have seen them.
  const random = prng(20261123);
  const stories = Array.from({ length: DEMO_SUBSCRIBER_COUNT }, (_, i) => storyFor(i, now, random, disclosure));
  const steps = stories.flatMap((story) => story.steps.map((step) => ({ phone: story.phone, ...step })));
  steps.sort((a, b) => a.at.getTime() - b.at.getTime());
  for (const step of steps) {
    await applyConsentChange({
      shop: DEMO_SHOP,
      phone: step.phone,
      action: step.action,
      source: step.source,
      occurredAt: step.at,
      evidence: step.evidence,
      optInLevel: step.source === "keyword" ? "confirmed" : "single",
      pendingExpiresAt: step.pendingExpiresAt ?? null,
    });
  }

  const profileRandom = prng(11);
  const profiles = new Map(stories.map((story, index) => [story.phone, profileFor(index, story, now, profileRandom)]));
  for (const [phone, profile] of profiles) {
    // A customer's address is where their number's prefix places them, or (MOVED_TO) another state.
    const place = profile.address === "area_code" ? await numberPlace(phone) : null;
    const address = profile.address === "area_code" ? (place ? { region: place.regions[0] ?? null, timezone: place.zones[0] ?? null } : null) : profile.address;
    await prisma.subscriber.update({
      where: { shop_phone: { shop: DEMO_SHOP, phone } },
      data: {
        firstName: profile.firstName,
        locale: profile.locale,
        lastOrderAt: profile.lastOrderAt,
        region: address?.region ?? null,
        timezone: address?.timezone ?? null,
      },
    });
  }

  // The source each subscriber is subscribed on: their latest opt-in or confirmation.
  const consentSourceOf = new Map(
    stories.map((story) => [story.phone, story.steps.filter((step) => step.action === "opt_in" || step.action === "confirm").at(-1)?.source ?? null]),
  );
  const sent = await seedCampaigns(now, consentSourceOf, appUrl);
  await seedClicksAndOrders(now, sent, stories);
  return { shop: DEMO_SHOP, created: true, subscribers: await prisma.subscriber.count({ where: { shop: DEMO_SHOP } }) };
}

/** Smart sending on the demo shop: nobody gets two marketing texts within this many hours. */
const DEMO_SMART_SENDING_HOURS = 16;


/**
 * The shop's campaign history, as the sending rules would have written it:
 * "Fall favorites" and "Weekend flash sale" went to everyone earlier in the
 * month (so what campaigns earned spreads over the dashboard's 30 days);
 * "Early access for VIPs" went to recent checkout customers at 18:00 the
 * evening before Black Friday; "Black Friday early access" went to everyone at
 * 09:30 in the shop's zone, so recipients where it was still before 08:00
 * (or 09:00 in Texas) were deferred to their first allowed minute, and the
 * VIPs texted 15½ hours earlier were skipped by smart sending. A few texts
 * were undelivered. "Winter restock" is a draft ready to send.
 */
async function seedCampaigns(now: Date, consentSourceOf: ReadonlyMap<string, ConsentSource | null>, appUrl: string): Promise<SentCampaign[]> {
  const settings = await prisma.shop.update({ where: { shop: DEMO_SHOP }, data: { smartSendingHours: DEMO_SMART_SENDING_HOURS } });
  const zone = settings.timezone;
  const quietHours = { start: settings.quietHoursStart, end: settings.quietHoursEnd };
  const program = campaignProgramOf(settings);
  const blackFridayAt = DateTime.fromJSDate(now, { zone }).minus({ days: 3 }).set({ hour: 9, minute: 30, second: 0, millisecond: 0 });
  const vipAt = blackFridayAt.minus({ days: 1 }).set({ hour: 18, minute: 0 });

  const subscribers = await prisma.subscriber.findMany({ where: { shop: DEMO_SHOP, status: "subscribed" }, orderBy: { phone: "asc" } });
  const subscribedBy = (at: Date) => subscribers.filter((subscriber) => subscriber.subscribedAt && subscriber.subscribedAt <= at);
  const random = prng(7);
  const undelivered = () => random() < 0.04;

  // Each recipient's link is their own, made the way planning makes them (app/links/).
  const linksOf = (campaign: { id: string; name: string }, plannedAt: Date) =>
    planTrackedLinks({ id: campaign.id, shop: DEMO_SHOP, name: campaign.name, utmTracking: settings.utmTracking }, { appUrl, now: plannedAt });
  const written: [{ id: string }, SeedRow[], PlannedLinks][] = [];

  const earlier = [
    { name: "Fall favorites", daysAgo: 24, hour: 11, body: `{first_name|Hi}, our fall favorites are back: flannel, wool and cedar candles. See them at https://${DEMO_SHOP}/collections/fall Reply STOP to opt out.` },
    { name: "Weekend flash sale", daysAgo: 12, hour: 12, body: `{first_name|Hi}, 48 hours only: 20% off throws and blankets at https://${DEMO_SHOP}/collections/flash-sale Reply STOP to opt out.` },
  ];
  for (const { name, daysAgo, hour, body } of earlier) {
    const at = DateTime.fromJSDate(now, { zone }).minus({ days: daysAgo }).set({ hour, minute: 0, second: 0, millisecond: 0 });
    const campaign = await prisma.campaign.create({
      data: {
        shop: DEMO_SHOP,
        name,
        body,
        audience: storedAudience({ kind: "all" }),
        status: "sent",
        scheduleMode: "shop_time",
        scheduledAt: at.toJSDate(),
        plannedAt: at.toJSDate(),
        startedAt: at.toJSDate(),
        createdAt: at.minus({ days: 1 }).toJSDate(),
      },
    });
    const links = linksOf(campaign, at.toJSDate());
    const rows = await Promise.all(
      subscribedBy(at.toJSDate()).map((subscriber, i) => sentRow(campaign, subscriber, at.toJSDate(), i, { program, quietHours, zone, undelivered: undelivered(), links })),
    );
    written.push([campaign, rows, links]);
  }

  const vipAudience: AudienceFilter = { kind: "segment", sources: ["checkout"], ordered: { withinDays: 30, did: true } };
  const vip = await prisma.campaign.create({
    data: {
      shop: DEMO_SHOP,
      name: "Early access for VIPs",
      body: `{first_name|Hi}, you're on the VIP list: Black Friday opens for you tonight. Use {discount_code} for 30% off: https://${DEMO_SHOP}/collections/vip Reply STOP to opt out.`,
      discountCode: "VIP30",
      audience: storedAudience(vipAudience),
      status: "sent",
      scheduleMode: "shop_time",
      scheduledAt: vipAt.toJSDate(),
      plannedAt: vipAt.toJSDate(),
      startedAt: vipAt.toJSDate(),
      createdAt: vipAt.minus({ days: 2 }).toJSDate(),
    },
  });
  const orderedBy = (subscriber: Subscriber, at: Date) =>
    subscriber.lastOrderAt !== null && subscriber.lastOrderAt <= at && at.getTime() - subscriber.lastOrderAt.getTime() <= 30 * DAY;
  const vipRecipients = subscribedBy(vipAt.toJSDate()).filter((subscriber) => orderedBy(subscriber, vipAt.toJSDate()) && consentSourceOf.get(subscriber.phone) === "checkout");
  const vipLinks = linksOf(vip, vipAt.toJSDate());
  const vipRows = await Promise.all(
    vipRecipients.map((subscriber, i) => sentRow(vip, subscriber, vipAt.toJSDate(), i, { program, quietHours, zone, undelivered: undelivered(), links: vipLinks })),
  );
  const vipSentTo = new Map(vipRows.map((row) => [row.subscriberId, row.sentAt ?? null]));

  const blackFriday = await prisma.campaign.create({
    data: {
      shop: DEMO_SHOP,
      name: "Black Friday early access",
      body: `{first_name|Hi}, Black Friday starts early for you: 30% off everything until Sunday at https://${DEMO_SHOP}/collections/sale Reply STOP to opt out.`,
      audience: storedAudience({ kind: "all" }),
      status: "sent",
      scheduleMode: "shop_time",
      scheduledAt: blackFridayAt.toJSDate(),
      plannedAt: blackFridayAt.toJSDate(),
      startedAt: blackFridayAt.toJSDate(),
      createdAt: blackFridayAt.minus({ days: 1 }).toJSDate(),
    },
  });
  const blackFridayLinks = linksOf(blackFriday, blackFridayAt.toJSDate());
  const blackFridayRows = await Promise.all(
    subscribedBy(blackFridayAt.toJSDate()).map((subscriber, i) => {
      const lastText = vipSentTo.get(subscriber.id);
      if (lastText && blackFridayAt.toMillis() - lastText.getTime() < DEMO_SMART_SENDING_HOURS * 60 * 60_000) {
        return skippedRow(blackFriday, subscriber, blackFridayAt.toJSDate(), "smart_sending", program, blackFridayLinks);
      }
      return sentRow(blackFriday, subscriber, blackFridayAt.toJSDate(), i, { program, quietHours, zone, undelivered: undelivered(), links: blackFridayLinks });
    }),
  );

  const sent: SentCampaign[] = [];
  written.push([vip, vipRows, vipLinks], [blackFriday, blackFridayRows, blackFridayLinks]);
  for (const [campaign, rows, links] of written) {
    await prisma.message.createMany({ data: rows });
    // Planning writes a text's links with it, skipped texts included (app/campaigns/plan-campaign.server.ts).
    const linkRows = links.rowsFor(rows.map((row) => row.subscriberId));
    await withSqlTransaction((sql) => insertTrackedLinks(sql, linkRows, appUrl));
    const lastSent = Math.max(...rows.map((row) => (row.sentAt ? row.sentAt.getTime() : 0)));
    await prisma.campaign.update({ where: { id: campaign.id }, data: { completedAt: new Date(lastSent + 60_000) } });
    sent.push({ id: campaign.id, rows, linkIdOf: new Map(linkRows.map((link) => [link.subscriberId!, link.id])) });
  }

  await prisma.campaign.create({
    data: {
      shop: DEMO_SHOP,
      name: "Winter restock",
      body: "{first_name|Hi there}, the wool throws are back in stock, and {discount_code} takes 15% off them this week. Reply STOP to opt out.",
      discountCode: "COZY15",
      audience: storedAudience({ kind: "all" }),
      status: "draft",
      scheduleMode: "now",
      createdAt: new Date(now.getTime() - DAY),
    },
  });
  return sent;
}

/** A sent campaign's texts, and each recipient's tracked link. */
interface SentCampaign {
  id: string;
  rows: SeedRow[];
  linkIdOf: ReadonlyMap<string, string>;
}

/** Of those a campaign was delivered to: this share clicked, and of those who clicked, this share bought. */
const CLICK_SHARE = 0.14;
const CLICKERS_WHO_BUY = 0.35;
/** Of those delivered to who did not click, this share bought within the day anyway. */
const DELIVERED_WHO_BUY = 0.04;
const MINUTE = 60_000;

/**
 * What came of the sent campaigns, and the shop's other orders: clicks on
 * recipients' tracked links after delivery (some twice), orders by some who
 * clicked and some who did not, and the checkout orders of the last 30 days
 * that subscribed customers. Every order goes through recordOrder in the order
 * it was placed, so the real attribution rule credits it (a click in the
 * window, else a delivery, else nothing); one is partly refunded.
 */
async function seedClicksAndOrders(now: Date, campaigns: readonly SentCampaign[], stories: readonly Story[]) {
  const random = prng(10);
  const before = (at: number) => Math.min(at, now.getTime() - MINUTE);
  const clicks: Prisma.LinkClickCreateManyInput[] = [];
  const orders: { phone: string; placedAt: Date; totalMinor: number }[] = [];
  const price = () => 1800 + Math.round(random() * 120) * 100 + 95; // $18.95 to $138.95
  for (const campaign of campaigns) {
    for (const row of campaign.rows) {
      if (!(row.deliveredAt instanceof Date)) continue;
      const deliveredAt = row.deliveredAt.getTime();
      if (random() < CLICK_SHARE) {
        // Most click within the hour; some the next day.
        const clickedAt = before(deliveredAt + MINUTE + random() ** 3 * 30 * 60 * MINUTE);
        const times = random() < 0.2 ? [clickedAt, before(clickedAt + (2 + random() * 60) * MINUTE)] : [clickedAt];
        for (const time of times) {
          clicks.push({ shop: DEMO_SHOP, linkId: campaign.linkIdOf.get(row.subscriberId)!, campaignId: campaign.id, subscriberId: row.subscriberId, clickedAt: new Date(time) });
        }
        if (random() < CLICKERS_WHO_BUY) orders.push({ phone: row.phone, placedAt: new Date(before(clickedAt + (3 + random() * 40) * MINUTE)), totalMinor: price() });
      } else if (random() < DELIVERED_WHO_BUY) {
        orders.push({ phone: row.phone, placedAt: new Date(before(deliveredAt + (1 + random() * 20) * 60 * MINUTE)), totalMinor: price() });
      }
    }
  }
  await prisma.linkClick.createMany({ data: clicks });

  const ordersFrom = now.getTime() - 30 * DAY;
  const checkoutOrders = stories.flatMap((story) =>
    story.steps
      .filter((step) => step.source === "checkout" && step.action === "opt_in" && step.at.getTime() >= ordersFrom)
      .map((step) => ({ phone: story.phone, placedAt: step.at, totalMinor: price(), shopifyOrderId: String(step.evidence.orderId).split("/").pop()! })),
  );
  const all = [...checkoutOrders, ...orders.map((order, i) => ({ ...order, shopifyOrderId: String(6_000_000 + i) }))];
  all.sort((a, b) => a.placedAt.getTime() - b.placedAt.getTime());
  let refunded = false;
  for (const order of all) {
    const outcome = await recordOrder(DEMO_SHOP, { ...order, currency: "USD", shopifyCustomerId: null });
    if (outcome.status !== "recorded") continue;
    if (outcome.subscriberId) {
      // Their latest order, as orders/create keeps it.
      await prisma.subscriber.updateMany({ where: { id: outcome.subscriberId, OR: [{ lastOrderAt: null }, { lastOrderAt: { lt: order.placedAt } }] }, data: { lastOrderAt: order.placedAt } });
    }
    if (!refunded && outcome.attribution?.kind === "click") {
      // One buyer sent back half of what a campaign sold them.
      const refund = { shopifyRefundId: "8000001", shopifyOrderId: order.shopifyOrderId, refunded: [{ amountMinor: Math.round(order.totalMinor / 2), currency: "USD" }], unreadable: 0 };
      await recordRefund(DEMO_SHOP, refund);
      refunded = true;
    }
  }
}

/** An outbox row as the seed writes it: its subscriber and send time are always dates and ids, never Prisma's wider inputs. */
type SeedRow = Prisma.MessageCreateManyInput & { subscriberId: string; phone: string; sentAt?: Date | null; deliveredAt?: Date | null };

interface SendContext {
  program: ReturnType<typeof campaignProgramOf>;
  quietHours: { start: string; end: string };
  zone: string;
  undelivered: boolean;
  links: PlannedLinks;
}

/** A text that went out: at the campaign's time, or at the recipient's first allowed minute when that was quiet hours there. */
async function sentRow(
  campaign: { id: string; body: string; discountCode: string | null },
  subscriber: Subscriber,
  plannedAt: Date,
  index: number,
  context: SendContext,
): Promise<SeedRow> {
  const location = await recipientLocation({ phone: subscriber.phone, timezone: subscriber.timezone, region: subscriber.region }, context.zone);
  const due = nextAllowedSendTime(location, context.quietHours, plannedAt);
  const sentAt = new Date(due.getTime() + index * 400); // the sender's rate spreads a campaign over a few seconds
  const text = recipientText(campaign, context.program, subscriber, { rewriteLink: context.links.rewriteLinkFor(subscriber.id) });
  return {
    shop: DEMO_SHOP,
    subscriberId: subscriber.id,
    campaignId: campaign.id,
    phone: subscriber.phone,
    body: text.body,
    segments: text.segments.segments,
    kind: "marketing",
    status: (context.undelivered ? "undelivered" : "delivered") satisfies MessageStatus,
    attempts: 1,
    nextAttemptAt: due,
    deferredBy: due.getTime() > plannedAt.getTime() ? "quiet_hours" : null,
    twilioSid: `SM${randomBytes(16).toString("hex")}`,
    errorCode: context.undelivered ? 30003 : null,
    sentAt,
    deliveredAt: context.undelivered ? null : new Date(sentAt.getTime() + 5_000),
    createdAt: plannedAt,
  };
}

function skippedRow(
  campaign: { id: string; body: string; discountCode: string | null },
  subscriber: Subscriber,
  plannedAt: Date,
  reason: "smart_sending",
  program: SendContext["program"],
  links: PlannedLinks,
): SeedRow {
  const text = recipientText(campaign, program, subscriber, { rewriteLink: links.rewriteLinkFor(subscriber.id) });
  return {
    shop: DEMO_SHOP,
    subscriberId: subscriber.id,
    campaignId: campaign.id,
    phone: subscriber.phone,
    body: text.body,
    segments: text.segments.segments,
    kind: "marketing",
    status: "skipped" satisfies MessageStatus,
    skipReason: reason,
    nextAttemptAt: plannedAt,
    createdAt: plannedAt,
  };
}

/** The offline session the demo admin authenticates against (no Shopify call needed). */
export async function seedDemoSession(scopes: string) {
  const id = `offline_${DEMO_SHOP}`;
  const data = { shop: DEMO_SHOP, state: "demo", isOnline: false, scope: scopes, accessToken: "demo-offline-access-token" };
  await prisma.session.upsert({ where: { id }, create: { id, ...data }, update: data });
}
