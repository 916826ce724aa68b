import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { createTestShop } from "../../tests/support/shop-fixture";
import { applyConsentChange } from "../consent/consent-engine.server";
import { verifyConsentChain } from "../consent/ledger.server";
import prisma from "../db.server";
import { redactCustomer } from "./customer-redaction.server";
import type { PrivacyPayload } from "./privacy-webhooks";
import { findRedactedSuppression, redactedPhoneKey, redactedRowPlaceholder } from "../consent/redacted-phone.server";

let shop: string;
let otherShop: string;

beforeAll(async () => {
  shop = (await createTestShop()).shop;
  otherShop = (await createTestShop()).shop;
});

const payload = (customer: { id?: string | null; phone?: string | null }, orders: string[] = []): PrivacyPayload<"customers/redact"> => ({
  shop_id: "1",
  shop_domain: shop,
  customer: { email: null, id: null, phone: null, ...customer },
  orders_to_redact: orders,
});

const redact = async (customer: { id?: string | null; phone?: string | null }, orders: string[] = []) => {
  const outcome = await redactCustomer(shop, randomUUID(), payload(customer, orders));
  if (outcome.replayed) throw new Error("a fresh webhook id was taken for a replay");
  return outcome.result;
};

describe("redactedPhoneKey", () => {
  it("is a keyed hash: stable, per shop, per number, and does not contain the number", () => {
    const key = redactedPhoneKey(shop, "+14155550100");
    expect(key).toMatch(/^redacted:[0-9a-f]{64}$/);
    expect(redactedPhoneKey(shop, "+14155550100")).toBe(key);
    expect(redactedPhoneKey(otherShop, "+14155550100")).not.toBe(key);
    expect(redactedPhoneKey(shop, "+14155550101")).not.toBe(key);
    expect(key).not.toContain("4155550100");
  });
});

describe("redactCustomer", () => {
  it("ends a live subscription found by the customer id alone, and leaves no sync job for it", async () => {
    const phone = "+14155550201";
    const { subscriber } = await applyConsentChange({ shop, phone, action: "opt_in", source: "form", evidence: { form: "footer" }, shopifyCustomerId: "gid://shopify/Customer/201" });
    await prisma.subscriber.update({ where: { id: subscriber.id }, data: { firstName: "Ada", lastName: "Lovelace", email: "ada@example.com", lastOrderAt: new Date() } });

    const report = await redact({ id: "201" });
    expect(report).toMatchObject({ subscribers: 1, consentEnded: 1, redactedEvents: 2, deletedSyncJobs: 2 });
    const row = await findRedactedSuppression(shop, phone, prisma);
    expect(row).toMatchObject({ status: "unsubscribed", unsubscribedAt: expect.any(Date) });
    expect(await prisma.subscriber.findUniqueOrThrow({ where: { id: row!.id } })).toMatchObject({ firstName: null, lastName: null, email: null, lastOrderAt: null });
    const events = await prisma.consentEvent.findMany({ where: { shop, subscriberId: row!.id }, orderBy: { seq: "asc" } });
    expect(events.map((event) => [event.kind, event.source, event.toStatus, event.phone])).toEqual([
      ["opted_in", "form", "subscribed", "redacted"],
      ["opted_out", "system", "unsubscribed", "redacted"],
    ]);
    expect(await prisma.shopifySyncJob.count({ where: { shop, subscriberId: row!.id } })).toBe(0);
    expect((await verifyConsentChain(shop)).ok).toBe(true);
  });

  it("ends a pending double opt-in request too: nobody is asked again after an erasure", async () => {
    const phone = "+14155550202";
    await applyConsentChange({ shop, phone, action: "request_opt_in", source: "keyword", evidence: { body: "JOIN" } });
    await redact({ phone });
    expect(await findRedactedSuppression(shop, phone, prisma)).toMatchObject({ status: "unsubscribed" });
  });

  it("keeps the first erased record of a number as its suppression when the number is erased again later", async () => {
    const phone = "+14155550203";
    await applyConsentChange({ shop, phone, action: "opt_out", source: "keyword", evidence: { body: "STOP" } });
    await redact({ phone });
    const first = await findRedactedSuppression(shop, phone, prisma);

    // They come back by their own act (a new row for the number), and are erased once more.
    const { subscriber } = await applyConsentChange({ shop, phone, action: "opt_in", source: "checkout", evidence: { orderId: "gid://shopify/Order/203" } });
    expect(subscriber.id).not.toBe(first!.id);
    await redact({ phone });

    const rows = await prisma.subscriber.findMany({ where: { id: { in: [first!.id, subscriber.id] } }, orderBy: { createdAt: "asc" } });
    expect(rows.map((row) => [row.phone, row.status])).toEqual([
      [redactedPhoneKey(shop, phone), "unsubscribed"],
      [redactedRowPlaceholder(subscriber.id), "unsubscribed"],
    ]);
    expect(await prisma.subscriber.count({ where: { shop, phone } })).toBe(0);
  });

  it("records a request that matches nothing as done, and changes nothing else", async () => {
    const before = await prisma.consentEvent.count({ where: { shop } });
    const report = await redact({ id: "999999", phone: "+14155550999" }, ["123"]);
    expect(report).toMatchObject({ subscribers: 0, consentEnded: 0, erasedMessages: 0, redactedEvents: 0 });
    expect(await prisma.consentEvent.count({ where: { shop } })).toBe(before);
    expect(await prisma.privacyRequest.findUniqueOrThrow({ where: { id: report.privacyRequestId } })).toMatchObject({
      topic: "customers/redact",
      shopifyCustomerId: "gid://shopify/Customer/999999",
      completedAt: expect.any(Date),
    });
  });

  it("never reaches into another shop, even for the same customer id and number", async () => {
    const phone = "+14155550204";
    await applyConsentChange({ shop: otherShop, phone, action: "opt_in", source: "form", evidence: {}, shopifyCustomerId: "gid://shopify/Customer/204" });
    await redact({ id: "204", phone });
    expect(await prisma.subscriber.findUnique({ where: { shop_phone: { shop: otherShop, phone } } })).toMatchObject({
      status: "subscribed",
      shopifyCustomerId: "gid://shopify/Customer/204",
    });
  });

  it("removes the customer's lines from list imports' reports, however the file wrote the number, and only this shop's", async () => {
    const phone = "+14155550205";
    const lines = '2,(415) 555-0205,Not imported,No consent date\n3,+1 212 555 0199,Not imported,No consent date\n';
    const importOf = (owner: string) =>
      prisma.subscriberImport.create({ data: { shop: owner, fileName: "list.csv", fileHash: randomUUID(), mapping: "{}", confirmMode: "double_opt_in", status: "done", report: lines } });
    const ours = await importOf(shop);
    const theirs = await importOf(otherShop);

    const report = await redact({ phone });
    expect(report.erasedImportReportLines).toBe(1);
    expect((await prisma.subscriberImport.findUniqueOrThrow({ where: { id: ours.id } })).report).toBe("3,+1 212 555 0199,Not imported,No consent date\n");
    expect((await prisma.subscriberImport.findUniqueOrThrow({ where: { id: theirs.id } })).report).toBe(lines);
  });
});
