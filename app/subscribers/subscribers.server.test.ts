import { describe, expect, it } from "vitest";
import prisma from "../db.server";
import { appendConsentEvent } from "../consent/ledger.server";
import { applyConsentChange } from "../consent/consent-engine.server";
import { redactedPhoneKey } from "../consent/redacted-phone.server";
import { countAudience } from "../campaigns/audience.server";
import { createTestShop } from "../../tests/support/shop-fixture";
import { SUBSCRIBER_SORTS, readSubscriberQuery, type SubscriberSort } from "./subscriber-search";
import { getSubscriberHistory, listSubscribers, type SubscriberRow } from "./subscribers.server";

const queryOf = (search: string) => readSubscriberQuery(new URLSearchParams(search)).query;

async function list(shop: string, search = "", pageSize?: number) {
  return listSubscribers(shop, queryOf(search), pageSize ? { pageSize } : {});
}

const phones = (rows: SubscriberRow[]) => rows.map((row) => row.phone);

/** Walks every page forward, then back from the last, checking each page's links; the rows in order. */
async function walk(shop: string, search: string, pageSize: number) {
  const forward: SubscriberRow[] = [];
  const pages: SubscriberRow[][] = [];
  let page = await list(shop, search, pageSize);
  expect(page.previousCursor).toBeNull();
  for (;;) {
    forward.push(...page.rows);
    pages.push(page.rows);
    if (!page.nextCursor) break;
    page = await list(shop, `${search}&after=${page.nextCursor}`, pageSize);
    expect(page.previousCursor).not.toBeNull();
  }
  // Back from the last page: the same pages, in reverse.
  for (let index = pages.length - 2; index >= 0; index--) {
    page = await list(shop, `${search}&before=${page.previousCursor}`, pageSize);
    expect(page.rows.map((row) => row.id)).toEqual(pages[index]!.map((row) => row.id));
  }
  expect(page.previousCursor).toBeNull();
  return forward;
}

function expectedOrder(rows: SubscriberRow[], sort: SubscriberSort): string[] {
  const [key, direction] = sort.split("-");
  const valueOf = (row: SubscriberRow) => (key === "phone" ? row.phone : key === "updated" ? row.updatedAt.toISOString() : (row.subscribedAt?.toISOString() ?? null));
  const sign = direction === "desc" ? -1 : 1;
  return [...rows]
    .sort((a, b) => {
      const [va, vb] = [valueOf(a), valueOf(b)];
      if (va === null || vb === null) {
        if (va !== vb) return va === null ? 1 : -1; // no date: last, either way
      } else if (va !== vb) return va < vb ? -sign : sign;
      return a.id < b.id ? -sign : sign;
    })
    .map((row) => row.id);
}

describe("listSubscribers: keyset pages", () => {
  it("covers every row exactly once in every sort order, forward and back, with ties and missing dates; another shop's rows never appear", async () => {
    const { shop } = await createTestShop();
    const other = await createTestShop();
    const base = Date.parse("2026-06-01T12:00:00Z");
    const data = Array.from({ length: 37 }, (_, i) => ({
      shop,
      phone: `+1212555${String(1000 + ((i * 7) % 37)).padStart(4, "0")}`,
      status: i % 4 === 0 ? "pending" : "subscribed",
      // Ties: every three rows share a last change; every fourth has no subscribed date.
      updatedAt: new Date(base + Math.floor(i / 3) * 60_000),
      subscribedAt: i % 4 === 0 ? null : new Date(base - (i % 5) * 86_400_000),
    }));
    await prisma.subscriber.createMany({ data });
    await prisma.subscriber.createMany({ data: data.slice(0, 10).map((row) => ({ ...row, shop: other.shop })) });

    const everyone = (await list(shop, "", 100)).rows;
    expect(everyone).toHaveLength(37);
    for (const sort of SUBSCRIBER_SORTS) {
      const walked = await walk(shop, `sort=${sort}`, 5);
      expect(walked.map((row) => row.id), sort).toEqual(expectedOrder(everyone, sort));
    }
    // A filter pages the same way.
    const pending = await walk(shop, "status=pending&sort=subscribed-desc", 3);
    expect(pending).toHaveLength(10);
    expect(new Set(pending.map((row) => row.id)).size).toBe(10);
    expect((await list(other.shop, "", 100)).total).toBe(10);
  });

  it("counts every match, not just the page", async () => {
    const { shop } = await createTestShop();
    await prisma.subscriber.createMany({ data: Array.from({ length: 12 }, (_, i) => ({ shop, phone: `+1212555${2000 + i}`, status: "subscribed" })) });
    const page = await list(shop, "", 5);
    expect(page).toMatchObject({ total: 12, shopHasSubscribers: true });
    expect(page.rows).toHaveLength(5);
  });
});

describe("listSubscribers: search", () => {
  it("finds a number written in any form, by part of its digits, and by the customer's name or e-mail", async () => {
    const { shop } = await createTestShop();
    const other = await createTestShop();
    await prisma.subscriber.createMany({
      data: [
        { shop, phone: "+14155550123", firstName: "Ada", lastName: "Lovelace", email: "ada@analytical.example" },
        { shop, phone: "+14155550199", firstName: "Grace", lastName: "Hopper", email: "grace@navy.example" },
        { shop, phone: "+12125550123", firstName: "Adam", lastName: "Smith", email: "adam_s@wealth.example" },
        { shop: other.shop, phone: "+14155550123", firstName: "Ada", lastName: "Lovelace", email: "ada@analytical.example" },
      ],
    });
    const found = async (q: string) => phones((await list(shop, `q=${encodeURIComponent(q)}`)).rows).sort();
    for (const form of ["(415) 555-0123", "+1 415 555 0123", "4155550123", "+14155550123", "1-415-555-0123"]) {
      expect(await found(form), form).toEqual(["+14155550123"]);
    }
    expect(await found("555-01")).toEqual(["+12125550123", "+14155550123", "+14155550199"]);
    expect(await found("+1 415")).toEqual(["+14155550123", "+14155550199"]);
    expect(await found("0123")).toEqual(["+12125550123", "+14155550123"]);
    expect(await found("ada")).toEqual(["+12125550123", "+14155550123"]);
    expect(await found("ADA lovelace")).toEqual(["+14155550123"]);
    expect(await found("hopper")).toEqual(["+14155550199"]);
    expect(await found("navy.example")).toEqual(["+14155550199"]);
    // LIKE's wildcards are taken literally: "_" is an underscore, not any character.
    expect(await found("adam_s")).toEqual(["+12125550123"]);
    expect(await found("a_a")).toEqual([]);
    expect(await found("nobody")).toEqual([]);
  });

  it("reads a national number in the shop's own country", async () => {
    const { shop } = await createTestShop({ smsCountries: ["GB"] });
    await prisma.subscriber.create({ data: { shop, phone: "+447700900123" } });
    expect(phones((await list(shop, "q=07700%20900123")).rows)).toEqual(["+447700900123"]);
    // Digits that read as a whole (other) UK number are still looked for inside the numbers held.
    for (const part of ["7700 900", "555 012", "0123"]) {
      await prisma.subscriber.upsert({ where: { shop_phone: { shop, phone: "+447700555012" } }, create: { shop, phone: "+447700555012" }, update: {} });
      expect((await list(shop, `q=${encodeURIComponent(part)}`)).total, part).toBeGreaterThan(0);
    }
  });

  it("finds an erased customer's row by its number without showing the number, and never by a part of its hash", async () => {
    const { shop } = await createTestShop();
    await prisma.subscriber.create({ data: { shop, phone: redactedPhoneKey(shop, "+12125550177"), status: "unsubscribed" } });
    const found = await list(shop, "q=(212)%20555-0177");
    expect(found.rows).toMatchObject([{ phone: "", erased: true, status: "unsubscribed" }]);
    for (const digits of ["0", "1", "2", "5", "7"]) expect((await list(shop, `q=${digits}`)).total).toBe(0);
    // The phone order pages past it.
    const pages = await walk(shop, "sort=phone-asc", 1);
    expect(pages).toHaveLength(1);
  });
});

describe("listSubscribers: filters", () => {
  it("filters by status, consent source of the latest opt-in, opt-in level, region and subscribed days in the shop's zone", async () => {
    const { shop } = await createTestShop({ timezone: "America/Los_Angeles" });
    const opt = (phone: string, source: "checkout" | "keyword" | "import", occurredAt: string) =>
      applyConsentChange({ shop, phone, action: "opt_in", source, evidence: { test: "filters" }, occurredAt: new Date(occurredAt) });
    await opt("+12125550101", "checkout", "2026-03-01T07:30:00Z"); // 28 Feb, 23:30 in Los Angeles
    await opt("+12125550102", "keyword", "2026-03-01T08:30:00Z"); // 1 Mar, 00:30 in Los Angeles
    await opt("+12125550103", "import", "2026-03-05T20:00:00Z");
    // Checkout first, then a keyword opt-in after an opt-out: the latest opt-in's source counts.
    await opt("+12125550104", "checkout", "2026-02-01T12:00:00Z");
    await applyConsentChange({ shop, phone: "+12125550104", action: "opt_out", source: "keyword", evidence: { body: "STOP" }, occurredAt: new Date("2026-02-02T12:00:00Z") });
    await opt("+12125550104", "keyword", "2026-03-10T12:00:00Z");
    await applyConsentChange({ shop, phone: "+12125550105", action: "request_opt_in", source: "checkout", evidence: { test: "pending" } });
    await prisma.subscriber.updateMany({ where: { shop, phone: { in: ["+12125550101", "+12125550103"] } }, data: { region: "US-FL" } });
    await prisma.subscriber.updateMany({ where: { shop, phone: "+12125550102" }, data: { region: "US-NY" } });
    await prisma.subscriber.updateMany({ where: { shop, phone: "+12125550103" }, data: { optInLevel: "confirmed" } });

    const found = async (search: string) => phones((await list(shop, `${search}&sort=phone-asc`)).rows);
    expect(await found("status=pending")).toEqual(["+12125550105"]);
    expect(await found("status=pending,subscribed")).toHaveLength(5);
    expect(await found("source=checkout")).toEqual(["+12125550101", "+12125550105"]);
    expect(await found("source=keyword")).toEqual(["+12125550102", "+12125550104"]);
    expect(await found("source=keyword,import")).toEqual(["+12125550102", "+12125550103", "+12125550104"]);
    expect(await found("optInLevel=confirmed")).toEqual(["+12125550103"]);
    expect(await found("region=US-FL")).toEqual(["+12125550101", "+12125550103"]);
    expect(await found("region=us-ny,US-FL&source=checkout")).toEqual(["+12125550101"]);
    expect(await found("from=2026-03-01&to=2026-03-05")).toEqual(["+12125550102", "+12125550103"]);
    expect(await found("to=2026-02-28")).toEqual(["+12125550101"]);
    expect(await found("from=2026-03-06")).toEqual(["+12125550104"]);

    // The same people a campaign to these sources would reach, among the subscribed.
    for (const source of ["checkout", "keyword", "import", "form"] as const) {
      const audience = await countAudience(shop, { kind: "segment", sources: [source] });
      expect((await list(shop, `status=subscribed&source=${source}`)).total, source).toBe(audience);
    }

    const row = (await list(shop, "q=2125550104")).rows[0];
    expect(row).toMatchObject({ source: "keyword", status: "subscribed" });
  });

  it("tells a shop without subscribers from a filter that matches nobody", async () => {
    const { shop } = await createTestShop();
    expect(await list(shop)).toMatchObject({ total: 0, shopHasSubscribers: false, rows: [], nextCursor: null, previousCursor: null });
    expect(await list(shop, "status=expired")).toMatchObject({ total: 0, shopHasSubscribers: false });
    await prisma.subscriber.create({ data: { shop, phone: "+12125550100", status: "subscribed" } });
    expect(await list(shop, "status=expired")).toMatchObject({ total: 0, shopHasSubscribers: true });
  });
});

describe("subscriber history", () => {
  it("shows a subscriber's evidence to its own shop and to no other", async () => {
    const a = await createTestShop();
    const b = await createTestShop();
    const subscriber = await prisma.subscriber.create({ data: { shop: a.shop, phone: "+15551239999", status: "subscribed" } });
    await prisma.$transaction((tx) =>
      appendConsentEvent(tx, a.shop, {
        subscriberId: subscriber.id,
        phone: subscriber.phone,
        kind: "opted_in",
        source: "checkout",
        fromStatus: null,
        toStatus: "subscribed",
        occurredAt: new Date("2026-11-01T10:00:00Z"),
        evidence: { orderId: "gid://shopify/Order/1", ip: "203.0.113.9" },
      }),
    );
    const history = await getSubscriberHistory(a.shop, subscriber.id);
    expect(history?.events).toMatchObject([{ seq: 1, kind: "opted_in", evidence: { orderId: "gid://shopify/Order/1", ip: "203.0.113.9" } }]);
    expect(await getSubscriberHistory(b.shop, subscriber.id)).toBeNull();
  });
});
