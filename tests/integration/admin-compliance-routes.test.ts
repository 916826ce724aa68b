/**
 * The Compliance page's routes as Remix calls their loaders, with a session
 * token as App Bridge sends it: the page's figures, the ledger check, the
 * audit of texts sent and the consent records CSV each cover the shop's own
 * rows only; a bad date range is a 400 in words; a request without a valid
 * session is refused.
 */
import { parse } from "csv-parse/sync";
import { describe, expect, it } from "vitest";
import prisma from "../../app/db.server";
import { applyConsentChange } from "../../app/consent/consent-engine.server";
import { loader as pageLoader } from "../../app/routes/app.compliance";
import { loader as ledgerLoader } from "../../app/routes/app.compliance.ledger";
import { loader as recordsLoader } from "../../app/routes/app.compliance.records";
import { loader as auditLoader } from "../../app/routes/app.compliance.sending-audit";
import { adminRequest } from "../support/admin-request";
import { testPhone } from "../support/campaign-fixture";
import { createTestShop } from "../support/shop-fixture";

async function adminShop() {
  const { shop } = await createTestShop({ timezone: "America/New_York" });
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

const args = (shop: string, path: string) => ({ request: adminRequest(shop, path), params: {}, context: {} });
const DAY = 24 * 3600_000;

/** Two consent events, a privacy request, and a marketing text sent at 23:00 in New York yesterday. */
async function activity(shop: string) {
  const phone = testPhone();
  const recently = new Date(Date.now() - 2 * DAY);
  await applyConsentChange({ shop, phone, action: "opt_in", source: "keyword", occurredAt: recently, evidence: { body: "JOIN", messageSid: `SM-${shop}` } });
  await applyConsentChange({ shop, phone, action: "opt_out", source: "keyword", occurredAt: new Date(recently.getTime() + 60_000), evidence: { body: "STOP" } });
  await prisma.privacyRequest.create({ data: { shop, topic: "customers/redact", completedAt: new Date() } });
  const subscriber = await prisma.subscriber.findFirstOrThrow({ where: { shop, phone } });
  const lateYesterday = new Date(Math.floor(Date.now() / DAY) * DAY - DAY + 4 * 3600_000); // 04:00 UTC: 23:00 or midnight in New York
  await prisma.message.create({ data: { shop, subscriberId: subscriber.id, phone, body: "Sale", kind: "marketing", status: "delivered", sentAt: lateYesterday } });
  return { phone };
}

describe("compliance routes", () => {
  it("the page, the ledger check and the audit count the shop's own rows only", async () => {
    const shop = await adminShop();
    const other = await adminShop();
    await activity(shop);
    await activity(other);
    // The other shop's ledger is tampered with: this shop's check is not affected.
    await prisma.consentEvent.update({ where: { shop_seq: { shop: other, seq: 1 } }, data: { evidence: "{}" } });

    const page = await pageLoader(args(shop, "/app/compliance"));
    expect(page.report.ledger.events).toBe(2);
    expect(page.report.privacy).toMatchObject({ total: 1, last30Days: 1 });
    expect(page.defaultFrom).toMatch(/^\d{4}-\d{2}-\d{2}$/);

    expect((await ledgerLoader(args(shop, "/app/compliance/ledger"))).check).toMatchObject({ ok: true, events: 2 });
    expect((await ledgerLoader(args(other, "/app/compliance/ledger"))).check).toMatchObject({ ok: false, brokenAt: 1, problem: "evidence_changed" });

    const { audit } = await auditLoader(args(shop, "/app/compliance/sending-audit"));
    expect(audit).toMatchObject({ textsChecked: 1, quietHours: 1, dailyCap: 0, monthlyCap: 0 });
    expect(audit!.exceptions.every((exception) => exception.subscriberId !== null)).toBe(true);
    const theirs = await prisma.subscriber.findMany({ where: { shop: other }, select: { id: true } });
    expect(audit!.exceptions.some((exception) => theirs.some((row) => row.id === exception.subscriberId))).toBe(false);
  });

  it("the records CSV holds the shop's own events of the range; a bad range is a 400 in words", async () => {
    const shop = await adminShop();
    const other = await adminShop();
    const { phone } = await activity(shop);
    const { phone: theirPhone } = await activity(other);
    const from = new Date(Date.now() - 10 * DAY).toISOString().slice(0, 10);
    const to = new Date(Date.now() + DAY).toISOString().slice(0, 10);

    const response = (await recordsLoader(args(shop, `/app/compliance/records?from=${from}&to=${to}`))) as Response;
    expect(response.status).toBe(200);
    expect(response.headers.get("Content-Type")).toBe("text/csv; charset=utf-8");
    expect(response.headers.get("Content-Disposition")).toBe(`attachment; filename="consent-records_${shop}_${from}_to_${to}.csv"`);
    const rows = parse(await response.text(), { columns: true }) as Record<string, string>[];
    expect(rows.map((row) => [row.Shop, row.Phone, row.Kind])).toEqual([
      [shop, phone, "opted_in"],
      [shop, phone, "opted_out"],
    ]);
    expect(rows.some((row) => row.Phone === theirPhone)).toBe(false);

    for (const [query, words] of [
      ["?from=2026-11-30&to=2026-11-01", "The first day (2026-11-30) is after the last day (2026-11-01): swap them."],
      ["?from=2026-11-01", "Choose the last day of the records."],
      ["?from=nonsense&to=2026-11-01", 'The first day, "nonsense", is not a date: use a date like 2026-11-01.'],
    ] as const) {
      const refused = await answer(() => recordsLoader(args(shop, `/app/compliance/records${query}`)));
      expect(refused).toBeInstanceOf(Response);
      expect([(refused as Response).status, await (refused as Response).text()]).toEqual([400, words]);
    }
  });

  it("refuse a request without a valid session token", async () => {
    const shop = await adminShop();
    const forged = (path: string) => ({
      request: new Request(`${new URL(adminRequest(shop, "/").url).origin}${path}`, { headers: { Authorization: "Bearer not-a-token" } }),
      params: {},
      context: {},
    });
    for (const [loader, path] of [
      [recordsLoader, "/app/compliance/records?from=2026-11-01&to=2026-11-30"],
      [ledgerLoader, "/app/compliance/ledger"],
      [auditLoader, "/app/compliance/sending-audit"],
      [pageLoader, "/app/compliance"],
    ] as const) {
      const refused = await answer(() => (loader as (a: ReturnType<typeof forged>) => Promise<unknown>)(forged(path)));
      expect(refused, path).toBeInstanceOf(Response);
      expect((refused as Response).status, path).toBeGreaterThanOrEqual(400);
    }
  });
});
