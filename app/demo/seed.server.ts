/**
 * Seeds the demo shop: settings, a published disclosure, ~200 subscribers whose
 * consent histories cover every source and state, and two campaigns. Idempotent:
 * settings are upserted, and the history is written only into an empty shop.
 * Every consent change goes through the consent engine, like real traffic.
 */
import { createHash, randomBytes } from "node:crypto";
import prisma from "../db.server";
import { applyConsentChange } from "../consent/consent-engine.server";
import type { ConsentAction, ConsentSource } from "../consent/transitions";
import type { Evidence } from "../consent/ledger.server";
import type { MessageStatus } from "../messaging/message-status";
import { saveShopSettings } from "../shops/shop-settings.server";
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

export async function seedDemoShop(options: { twilioAuthToken: string; now?: Date }): Promise<SeedResult> {
  const now = options.now ?? new Date();
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
  const steps = Array.from({ length: DEMO_SUBSCRIBER_COUNT }, (_, i) => storyFor(i, now, random, disclosure)).flatMap((story) =>
    story.steps.map((step) => ({ phone: story.phone, ...step })),
  );
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

  await seedCampaigns(now);
  return { shop: DEMO_SHOP, created: true, subscribers: await prisma.subscriber.count({ where: { shop: DEMO_SHOP } }) };
}

async function seedCampaigns(now: Date) {
  const sentAt = new Date(now.getTime() - 3 * DAY);
  const sent = await prisma.campaign.create({
    data: {
      shop: DEMO_SHOP,
      name: "Black Friday early access",
      body: "Juniper & Pine: Black Friday starts early for you. 30% off everything until Sunday. Reply STOP to opt out.",
      status: "sent",
      scheduledAt: sentAt,
      startedAt: sentAt,
      completedAt: new Date(sentAt.getTime() + 20 * 60_000),
      createdAt: new Date(sentAt.getTime() - DAY),
    },
  });
  await prisma.campaign.create({
    data: {
      shop: DEMO_SHOP,
      name: "Winter restock",
      body: "Juniper & Pine: The wool throws are back in stock. Reply STOP to opt out.",
      status: "draft",
      createdAt: new Date(now.getTime() - DAY),
    },
  });

  // Recipients: everyone who was subscribed when the campaign went out.
  const recipients = await prisma.subscriber.findMany({
    where: { shop: DEMO_SHOP, status: "subscribed", subscribedAt: { lte: sentAt } },
    orderBy: { phone: "asc" },
  });
  const random = prng(7);
  await prisma.message.createMany({
    data: recipients.map((subscriber) => {
      const undelivered = random() < 0.04;
      return {
        shop: DEMO_SHOP,
        subscriberId: subscriber.id,
        campaignId: sent.id,
        phone: subscriber.phone,
        body: sent.body,
        kind: "marketing",
        status: (undelivered ? "undelivered" : "delivered") satisfies MessageStatus,
        attempts: 1,
        twilioSid: `SM${randomBytes(16).toString("hex")}`,
        errorCode: undelivered ? 30003 : null,
        sentAt,
        deliveredAt: undelivered ? null : new Date(sentAt.getTime() + 5_000),
        createdAt: sentAt,
      };
    }),
  });
}

/** The offline session the demo admin authenticates against (no Shopify call needed). */
export async function seedDemoSession(scopes: string) {
  const id = `offline_${DEMO_SHOP}`;
  const data = { shop: DEMO_SHOP, state: "demo", isOnline: false, scope: scopes, accessToken: "demo-offline-access-token" };
  await prisma.session.upsert({ where: { id }, create: { id, ...data }, update: data });
}
