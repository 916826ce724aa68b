/**
 * Every admin route that takes a row id from its URL, over real HTTP against
 * server/app-server.ts: a real id of another shop's row is "not found" (404,
 * the merchant's words on a page), on GET and on every POST the page sends,
 * and such a POST writes nothing anywhere (every table read before and after).
 * The owner gets 200 from the same URL, so the 404 is about the shop, not the id.
 *
 * A route with an id that is added to app/routes/ and not to ROUTES below
 * fails the first test, so no new page slips past this check.
 */
import fs from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import prisma from "../../app/db.server";
import { signSessionToken } from "../../app/demo/demo-link.server";
import type { AppServer } from "../../server/app-server";
import { startTestAppServer } from "../support/app-server";
import { readAllTables } from "../support/database-scan";
import { createTestShop } from "../support/shop-fixture";
import { TEST_ENV } from "../setup/test-env";

let server: AppServer;

beforeAll(async () => {
  server = await startTestAppServer();
}, 120_000);

afterAll(async () => {
  await server?.close();
});

const DESKTOP_CHROME = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";

/** The shop's offline session, as installing the app stores it (authenticate.admin needs it). */
async function installed(shop: string): Promise<void> {
  await prisma.session.upsert({
    where: { id: `offline_${shop}` },
    create: { id: `offline_${shop}`, shop, state: "", accessToken: "shpat_test", scope: TEST_ENV.SCOPES },
    update: {},
  });
}

/** A request as App Bridge makes it from Shopify admin: the shop's session token. */
async function adminFetch(shop: string, path: string, form?: Record<string, string>): Promise<{ status: number; body: string }> {
  const token = signSessionToken({ shop, apiKey: TEST_ENV.SHOPIFY_API_KEY, apiSecret: TEST_ENV.SHOPIFY_API_SECRET });
  const response = await fetch(`${server.url}${path}`, {
    method: form ? "POST" : "GET",
    headers: { Authorization: `Bearer ${token}`, "User-Agent": DESKTOP_CHROME },
    body: form ? new URLSearchParams(form) : undefined,
  });
  return { status: response.status, body: await response.text() };
}

/** The rows one shop owns that a route with an id can name. */
interface Owned {
  shop: string;
  subscriberId: string;
  draftCampaignId: string;
  sendingCampaignId: string;
  pausedCampaignId: string;
  sentCampaignId: string;
  privacyRequestId: string;
  disclosureId: string;
  importId: string;
}

async function ownedRows(): Promise<Owned> {
  const { shop } = await createTestShop();
  await installed(shop);
  const subscriber = await prisma.subscriber.create({ data: { shop, phone: "+12025550143", status: "subscribed" } });
  const campaign = (name: string, status: string) =>
    prisma.campaign.create({ data: { shop, name, body: "New arrivals this week", status, startedAt: status === "draft" ? null : new Date() } });
  const privacyRequest = await prisma.privacyRequest.create({
    data: { shop, topic: "customers/data_request", shopifyCustomerId: "gid://shopify/Customer/42", export: "{}", completedAt: new Date() },
  });
  const disclosure = await prisma.disclosureVersion.create({ data: { shop, version: 1, text: "Get texts from Acme.", contentHash: "0".repeat(64) } });
  const subscriberImport = await prisma.subscriberImport.create({
    data: { shop, fileName: "list.csv", fileHash: "1".repeat(64), mapping: "{}", confirmMode: "double_opt_in", status: "done", report: "phone,reason\n", completedAt: new Date() },
  });
  return {
    shop,
    subscriberId: subscriber.id,
    draftCampaignId: (await campaign("Draft", "draft")).id,
    sendingCampaignId: (await campaign("Sending", "sending")).id,
    pausedCampaignId: (await campaign("Paused", "paused")).id,
    sentCampaignId: (await campaign("Sent", "sent")).id,
    privacyRequestId: privacyRequest.id,
    disclosureId: disclosure.id,
    importId: subscriberImport.id,
  };
}

const VALID_DRAFT = { name: "Taken over", body: "Our winter sale starts today", discountCode: "", scheduleMode: "now", sendAt: "" };

interface RouteCase {
  /** The file in app/routes/. */
  file: string;
  /** The URL naming one of the owner's rows. */
  path: (rows: Owned) => string;
  /** Pages answer with the words of the admin's error page (app/components/route-error.tsx); resource routes with their own sentence. */
  notFoundText: string;
  /** Every form the page posts to that URL, each with what makes it valid, so only the shop can make it fail. */
  posts?: (rows: Owned) => { path: string; form: Record<string, string> }[];
}

const PAGE_NOT_FOUND = "Not found in this shop";

const ROUTES: RouteCase[] = [
  {
    file: "app.campaigns.$id.tsx",
    path: (rows) => `/app/campaigns/${rows.draftCampaignId}`,
    notFoundText: PAGE_NOT_FOUND,
    posts: (rows) => [
      { path: `/app/campaigns/${rows.draftCampaignId}`, form: { intent: "save", ...VALID_DRAFT } },
      { path: `/app/campaigns/${rows.draftCampaignId}`, form: { intent: "schedule", ...VALID_DRAFT } },
      { path: `/app/campaigns/${rows.draftCampaignId}`, form: { intent: "cancel" } },
      { path: `/app/campaigns/${rows.sendingCampaignId}`, form: { intent: "pause" } },
      { path: `/app/campaigns/${rows.pausedCampaignId}`, form: { intent: "resume" } },
    ],
  },
  { file: "app.campaigns.$id_.results.tsx", path: (rows) => `/app/campaigns/${rows.sentCampaignId}/results`, notFoundText: PAGE_NOT_FOUND },
  {
    file: "app.subscribers.$id.tsx",
    path: (rows) => `/app/subscribers/${rows.subscriberId}`,
    notFoundText: PAGE_NOT_FOUND,
    posts: (rows) => [
      { path: `/app/subscribers/${rows.subscriberId}`, form: { intent: "opt_out", reason: "asked_by_phone" } },
      {
        path: `/app/subscribers/${rows.subscriberId}`,
        form: {
          intent: "opt_in",
          reason: "Signed up on the paper form at the till",
          consentMethod: "paper_form",
          consentWhere: "Main street store",
          consentGivenAt: "2026-01-05",
          consentReference: "Binder 3, page 12",
        },
      },
    ],
  },
  { file: "app.privacy.$id.download.tsx", path: (rows) => `/app/privacy/${rows.privacyRequestId}/download`, notFoundText: "No such export in this shop." },
  { file: "app.disclosures.$id.tsx", path: (rows) => `/app/disclosures/${rows.disclosureId}`, notFoundText: PAGE_NOT_FOUND },
  { file: "app.subscribers.import.$id.report.tsx", path: (rows) => `/app/subscribers/import/${rows.importId}/report`, notFoundText: "No such import in this shop." },
];

// A route listed here that is gone (renamed) is skipped; the first test names any route with an id not listed.
const present = ROUTES.filter((route) => fs.existsSync(`app/routes/${route.file}`));

/** A response body's text, shortened, for failure messages. */
const snippet = (body: string) =>
  body
    .replace(/<[^>]+>/g, " ")
    .replace(/\s+/g, " ")
    .slice(0, 300);

describe("admin routes with an id refuse another shop's rows", () => {
  it("every route with an id in app/routes is checked here", () => {
    const withId = fs.readdirSync("app/routes").filter((file) => file.startsWith("app.") && file.includes("$"));
    expect(withId.filter((file) => !ROUTES.some((route) => route.file === file))).toEqual([]);
  });

  it.each(present.map((route) => [route.file, route]))("%s: the owner's row is shown, another shop's is not found", async (_file, route) => {
    const owner = await ownedRows();
    const other = await createTestShop();
    await installed(other.shop);
    const path = route.path(owner);

    const own = await adminFetch(owner.shop, path);
    expect(own.status, snippet(own.body)).toBe(200);

    const elsewhere = await adminFetch(other.shop, path);
    expect(elsewhere.status, snippet(elsewhere.body)).toBe(404);
    expect(elsewhere.body).toContain(route.notFoundText);
    expect(elsewhere.body).not.toContain(owner.shop);
  });

  it.each(present.filter((route) => route.posts).map((route) => [route.file, route]))("%s: another shop's POSTs are not found and write nothing", async (_file, route) => {
    const owner = await ownedRows();
    const other = await createTestShop();
    await installed(other.shop);
    const before = await readAllTables();
    for (const post of route.posts!(owner)) {
      const answer = await adminFetch(other.shop, post.path, post.form);
      expect([answer.status, post.form.intent], snippet(answer.body)).toEqual([404, post.form.intent]);
    }
    const after = await readAllTables();
    expect(after).toEqual(before);

    // The same form from the owner does change something: the refusal above was the shop's, not the form's.
    const first = route.posts!(owner)[0]!;
    const answer = await adminFetch(owner.shop, first.path, first.form);
    expect(answer.status, snippet(answer.body)).toBe(200);
    expect(await readAllTables()).not.toEqual(before);
  });
});
