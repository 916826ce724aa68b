import { parse } from "csv-parse/sync";
import { describe, expect, it } from "vitest";
import prisma from "../db.server";
import { applyConsentChange } from "../consent/consent-engine.server";
import { redactedPhoneKey } from "../consent/redacted-phone.server";
import { createTestShop } from "../../tests/support/shop-fixture";
import { EXPORT_COLUMNS, exportFileName, exportSubscribers } from "./subscriber-export.server";
import { readSubscriberQuery } from "./subscriber-search";

const queryOf = (search: string) => readSubscriberQuery(new URLSearchParams(search)).query;

async function csvOf(shop: string, search = "", batchSize = 7) {
  const { body, fileName } = await exportSubscribers(shop, queryOf(search), { batchSize, now: new Date("2026-11-27T03:00:00Z") });
  // Read as bytes: Response.text() would drop the byte-order mark.
  const text = new TextDecoder("utf-8", { ignoreBOM: true }).decode(await new Response(body).arrayBuffer());
  return { text, fileName, records: parse(text, { bom: true, columns: true }) as Record<string, string>[] };
}

describe("subscriber CSV export", () => {
  it("streams every matching row once, in batches, with plain column names; another shop's rows never appear", async () => {
    const { shop } = await createTestShop({ timezone: "America/New_York" });
    const other = await createTestShop();
    await prisma.subscriber.createMany({
      data: Array.from({ length: 23 }, (_, i) => ({
        shop,
        phone: `+1212555${String(3000 + i)}`,
        status: i % 2 ? "subscribed" : "unsubscribed",
        updatedAt: new Date(Date.parse("2026-10-01T00:00:00Z") + Math.floor(i / 4) * 1000), // ties across batch edges
      })),
    });
    await prisma.subscriber.create({ data: { shop: other.shop, phone: "+12125559999", status: "subscribed" } });

    const { text, fileName, records } = await csvOf(shop);
    expect(text.startsWith("\uFEFFphone,status,opt-in level,source,subscribed at,unsubscribed at,region,locale,first name,last name,e-mail,Shopify customer id\n")).toBe(true);
    expect(Object.keys(records[0]!)).toEqual([...EXPORT_COLUMNS]);
    expect(records).toHaveLength(23);
    expect(new Set(records.map((record) => record.phone)).size).toBe(23);
    expect(records.map((record) => record.phone)).not.toContain("+12125559999");
    // The day in the shop's zone: 03:00 UTC is still the 26th in New York.
    expect(fileName).toBe(`subscribers-${shop.replace(".myshopify.com", "")}-2026-11-26.csv`);

    const subscribedOnly = await csvOf(shop, "status=subscribed&sort=phone-asc", 5);
    expect(subscribedOnly.records.map((record) => record.status)).toEqual(Array(11).fill("subscribed"));
    expect(subscribedOnly.records.map((record) => record.phone)).toEqual([...subscribedOnly.records.map((record) => record.phone)].sort());
  });

  it("writes each column as the merchant reads it, and honours the search and the source filter", async () => {
    const { shop } = await createTestShop();
    await applyConsentChange({ shop, phone: "+12125550150", action: "opt_in", source: "checkout", evidence: { test: "export" }, occurredAt: new Date("2026-09-03T18:02:00Z") });
    await applyConsentChange({ shop, phone: "+12125550151", action: "opt_in", source: "keyword", evidence: { test: "export" } });
    await prisma.subscriber.update({
      where: { shop_phone: { shop, phone: "+12125550150" } },
      data: { firstName: "Ada", lastName: "Lovelace", email: "ada@example.com", region: "US-NY", locale: "en", shopifyCustomerId: "gid://shopify/Customer/4400", optInLevel: "single" },
    });
    const { records } = await csvOf(shop, "source=checkout");
    expect(records).toEqual([
      {
        phone: "+12125550150",
        status: "subscribed",
        "opt-in level": "single",
        source: "Checkout",
        "subscribed at": "2026-09-03T18:02:00.000Z",
        "unsubscribed at": "",
        region: "US-NY",
        locale: "en",
        "first name": "Ada",
        "last name": "Lovelace",
        "e-mail": "ada@example.com",
        "Shopify customer id": "4400",
      },
    ]);
    expect((await csvOf(shop, "q=lovelace")).records.map((record) => record.phone)).toEqual(["+12125550150"]);
    expect((await csvOf(shop, "q=nobody")).records).toEqual([]);
  });

  it("guards against formulas in spreadsheets, keeps phone numbers as they are, and quotes commas, quotes and line breaks", async () => {
    const { shop } = await createTestShop();
    await prisma.subscriber.create({
      data: { shop, phone: "+12125550160", firstName: '=HYPERLINK("http://evil.example","click")', lastName: "+SUM(A1:A9)", email: "@evil", locale: "-2+3", region: "US-NY" },
    });
    await prisma.subscriber.create({ data: { shop, phone: "+12125550161", firstName: "Anne, \"Nan\"", lastName: "O'Neil\nSmith" } });
    await prisma.subscriber.create({ data: { shop, phone: redactedPhoneKey(shop, "+12125550162"), status: "unsubscribed" } });
    const { records } = await csvOf(shop, "sort=phone-asc");
    expect(records[0]).toMatchObject({
      phone: "+12125550160",
      "first name": `'=HYPERLINK("http://evil.example","click")`,
      "last name": "'+SUM(A1:A9)",
      "e-mail": "'@evil",
      locale: "'-2+3",
    });
    expect(records[1]).toMatchObject({ phone: "+12125550161", "first name": 'Anne, "Nan"', "last name": "O'Neil\nSmith" });
    // An erased customer's row keeps its opt-out, not its number.
    expect(records[2]).toMatchObject({ phone: "(erased at the customer's request)", status: "unsubscribed" });
  });

  it("reads the next batch only when the reader asks for it", async () => {
    const { shop } = await createTestShop();
    await prisma.subscriber.createMany({ data: Array.from({ length: 30 }, (_, i) => ({ shop, phone: `+1212555${4000 + i}` })) });
    const { body } = await exportSubscribers(shop, queryOf(""), { batchSize: 10 });
    const reader = body.getReader();
    const header = await reader.read();
    expect(new TextDecoder().decode(header.value)).toContain("phone,status");
    // Rows written after the first batch was read still come out: nothing was read ahead of the reader.
    const first = await reader.read();
    expect(new TextDecoder().decode(first.value).trim().split("\n")).toHaveLength(10);
    let rest = "";
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) rest += new TextDecoder().decode(chunk.value);
    expect(rest.trim().split("\n")).toHaveLength(20);
  });

  it("names the file after the shop's handle", () => {
    expect(exportFileName("juniper-pine.myshopify.com", "2026-11-27")).toBe("subscribers-juniper-pine-2026-11-27.csv");
    expect(exportFileName('we"ird/shop', "2026-11-27")).toBe("subscribers-we-ird-shop-2026-11-27.csv");
  });
});
