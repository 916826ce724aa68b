/**
 * The subscribers list and its CSV export as Remix calls their loaders, with
 * a session token as App Bridge sends it: each shop sees and exports its own
 * subscribers only, the URL is the page's state, and a request without a
 * valid session is refused.
 */
import { parse } from "csv-parse/sync";
import { describe, expect, it } from "vitest";
import prisma from "../../app/db.server";
import { loader as listLoader } from "../../app/routes/app.subscribers._index";
import { loader as exportLoader } from "../../app/routes/app.subscribers.export";
import { adminRequest } from "../support/admin-request";
import { createTestShop } from "../support/shop-fixture";

async function adminShop() {
  const { shop } = await createTestShop();
  await prisma.session.create({ data: { id: `offline_${shop}`, shop, state: "", accessToken: "shpat_test", isOnline: false } });
  return shop;
}

async function answer<T>(call: () => Promise<T>): Promise<T | Response> {
  try {
    return await call();
  } catch (thrown) {
    if (thrown instanceof Response) return thrown;
    throw thrown;
  }
}

const list = (shop: string, search = "") => listLoader({ request: adminRequest(shop, `/app/subscribers${search}`), params: {}, context: {} });
const exported = (shop: string, search = "") => exportLoader({ request: adminRequest(shop, `/app/subscribers/export${search}`), params: {}, context: {} });

describe("subscribers routes", () => {
  it("list each shop's own subscribers, filtered and paged as the URL says; a cursor from another shop's list shows none of its rows", async () => {
    const shop = await adminShop();
    const other = await adminShop();
    await prisma.subscriber.createMany({
      data: Array.from({ length: 60 }, (_, i) => ({ shop, phone: `+1212555${String(5000 + i)}`, status: i % 3 ? "subscribed" : "pending", firstName: i === 7 ? "Ada" : null })),
    });
    await prisma.subscriber.createMany({ data: [{ shop: other, phone: "+12125555000", status: "subscribed", firstName: "Ada" }] });

    const first = await list(shop);
    expect(first).toMatchObject({ total: 60, filtered: false, notices: [], shopHasSubscribers: true, previousCursor: null });
    expect(first.rows).toHaveLength(50);
    const second = await list(shop, `?after=${first.nextCursor}`);
    expect(second.rows).toHaveLength(10);
    expect(new Set([...first.rows, ...second.rows].map((row) => row.id)).size).toBe(60);

    const ada = await list(shop, "?q=ada&status=subscribed");
    expect(ada).toMatchObject({ total: 1, filtered: true, exportSearch: "q=ada&status=subscribed" });
    expect(ada.rows.map((row) => row.phone)).toEqual(["+12125555007"]);
    expect((await list(shop, "?status=maybe")).notices).toEqual(["Ignored status “maybe”: not one the app knows."]);

    // The other shop: only its one row, whatever cursor it is handed.
    const theirs = await list(other, `?after=${first.nextCursor}`);
    expect(theirs.rows.every((row) => row.phone === "+12125555000")).toBe(true);
    expect((await list(other)).total).toBe(1);
  });

  it("export the shop's own filtered list as a CSV attachment named after the shop", async () => {
    const shop = await adminShop();
    const other = await adminShop();
    await prisma.subscriber.createMany({
      data: [
        { shop, phone: "+12125556001", status: "subscribed" },
        { shop, phone: "+12125556002", status: "unsubscribed" },
        { shop: other, phone: "+12125556003", status: "subscribed" },
      ],
    });
    const response = await exported(shop, "?status=subscribed,unsubscribed&sort=phone-asc");
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(response.headers.get("cache-control")).toBe("no-store");
    expect(response.headers.get("content-disposition")).toMatch(new RegExp(`^attachment; filename="subscribers-${shop.replace(".myshopify.com", "")}-\\d{4}-\\d{2}-\\d{2}\\.csv"$`));
    const records = parse(await response.text(), { bom: true, columns: true }) as Record<string, string>[];
    expect(records.map((record) => [record.phone, record.status])).toEqual([
      ["+12125556001", "subscribed"],
      ["+12125556002", "unsubscribed"],
    ]);
    const theirs = parse(await (await exported(other)).text(), { bom: true, columns: true }) as Record<string, string>[];
    expect(theirs.map((record) => record.phone)).toEqual(["+12125556003"]);
  });

  it("refuse a request without a valid session token", async () => {
    const shop = await adminShop();
    const forged = new Request(`${new URL(adminRequest(shop, "/").url).origin}/app/subscribers/export`, { headers: { Authorization: "Bearer not-a-token" } });
    const response = await answer(() => exportLoader({ request: forged, params: {}, context: {} }));
    expect(response).toBeInstanceOf(Response);
    expect((response as Response).status).toBeGreaterThanOrEqual(400);
    const listed = await answer(() => listLoader({ request: forged, params: {}, context: {} }));
    expect((listed as Response).status).toBeGreaterThanOrEqual(400);
  });
});
