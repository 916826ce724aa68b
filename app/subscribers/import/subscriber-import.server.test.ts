import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { parse } from "csv-parse/sync";
import { createTestShop } from "../../../tests/support/shop-fixture";
import prisma from "../../db.server";
import * as engine from "../../consent/consent-engine.server";
import { verifyConsentChain } from "../../consent/ledger.server";
import { redactCustomer } from "../../compliance/customer-redaction.server";
import type { ImportMapping } from "./import-mapping";
import {
  createSubscriberImport,
  fileHashOf,
  fileText,
  getSubscriberImport,
  getSubscriberImportReport,
  importSubscribersCsv,
  IMPORT_CHUNK_ROWS,
  IMPORT_LEASE_MS,
  listSubscriberImports,
  runSubscriberImports,
} from "./subscriber-import.server";

// The consent engine, with a switch that makes it fail: a worker killed in the middle of a chunk.
const crash = vi.hoisted(() => ({ on: false, afterCalls: 0, calls: 0 }));
vi.mock("../../consent/consent-engine.server", async (original) => {
  const real = await original<typeof engine>();
  return {
    ...real,
    applyConsentChange: async (...args: Parameters<typeof real.applyConsentChange>) => {
      crash.calls += 1;
      if (crash.on && crash.calls > crash.afterCalls) throw new Error("worker killed (simulated)");
      return real.applyConsentChange(...args);
    },
  };
});

afterEach(() => {
  crash.on = false;
  crash.calls = 0;
});

let shop: string;
let otherShop: string;

beforeAll(async () => {
  shop = (await createTestShop()).shop;
  otherShop = (await createTestShop()).shop;
});

const HEADER = "Phone Number,First Name,Email,SMS Consent Timestamp,Opt-in Source,Disclosure,Double Opt-in";
const DISCLOSURE = "Acme: recurring automated marketing texts, up to 6/mo. Consent not a condition of purchase. Msg & data rates may apply. Reply STOP to cancel.";
const row = (phone: string, extra: Partial<{ name: string; date: string; source: string; disclosure: string; confirmed: string }> = {}) =>
  [
    phone,
    extra.name ?? "Ada",
    "ada@example.com",
    extra.date ?? "2025-06-01T10:00:00Z",
    extra.source ?? "Klaviyo popup",
    extra.disclosure ?? `"${DISCLOSURE}"`,
    extra.confirmed ?? "no",
  ].join(",");

const csvOf = (rows: string[]) => [HEADER, ...rows].join("\n") + "\n";

async function runToEnd(now = new Date()) {
  for (let turn = 0; turn < 50; turn++) {
    const ran = await runSubscriberImports({ now });
    if (ran.imports === 0) return;
  }
  throw new Error("imports did not finish");
}

async function startImport(csv: string, confirmMode: "double_opt_in" | "already_confirmed" = "double_opt_in", fileName = "klaviyo.csv") {
  const mapping: ImportMapping = {
    delimiter: ",",
    dayFirst: false,
    columns: { phone: 0, firstName: 1, email: 2, consentDate: 3, source: 4, disclosureText: 5, confirmed: 6 },
  };
  return createSubscriberImport(shop, { fileName, csv, fileHash: fileHashOf(csv), mapping, confirmMode, staff: "Sam Staff <sam@acme.test>" });
}

async function reportRows(id: string) {
  const report = await getSubscriberImportReport(shop, id);
  return parse(report!.csv, { columns: true }) as Record<string, string>[];
}

describe("importing a list", () => {
  it("asks each number with full evidence to confirm, and reports every other row with its reason", async () => {
    const optedOut = "+12025550911";
    await engine.applyConsentChange({ shop, phone: optedOut, action: "opt_out", source: "keyword", evidence: { body: "STOP" } });
    const erased = "+12025550912";
    await engine.applyConsentChange({ shop, phone: erased, action: "opt_in", source: "checkout", evidence: { orderId: "1" }, shopifyCustomerId: "777" });
    await redactCustomer(shop, "webhook-erase-1", { shop_id: 1, shop_domain: shop, customer: { id: "777", phone: erased }, orders_to_redact: [] } as never);
    const subscribed = "+12025550913";
    await engine.applyConsentChange({ shop, phone: subscribed, action: "opt_in", source: "checkout", evidence: { orderId: "2" } });

    const csv = csvOf([
      row("(202) 555-0101", { name: "Grace" }), // row 2: national form, the shop's country
      row("+1 202 555 0102"),
      row(""), // 4: no phone
      row("call me"), // 5
      row("+44 7400 123456"), // 6: a UK mobile, the shop texts only the US
      row("+12025550103", { date: "" }), // 7
      row("+12025550104", { date: "2999-01-01" }), // 8
      row("+12025550105", { source: "" }), // 9
      row("+12025550106", { disclosure: "" }), // 10
      row(optedOut), // 11
      row(erased), // 12
      row(subscribed), // 13
      row("202-555-0101"), // 14: row 2 again
      row("+12025550107", { date: "yesterday-ish" }), // 15
    ]);
    const { id } = await startImport(csv);
    await runToEnd();

    const done = await getSubscriberImport(shop, id);
    expect(done).toMatchObject({ status: "done", totalRows: 14, processedRows: 14, subscribedRows: 0, pendingRows: 2, unchangedRows: 2, refusedRows: 10 });
    const stored = await prisma.subscriberImport.findUnique({ where: { id } });
    expect(stored?.csv).toBeNull();

    const reasons = Object.fromEntries((await reportRows(id)).map((line) => [line.Row, `${line.Outcome}: ${line.Reason}`]));
    expect(reasons).toEqual({
      "4": "Not imported: No phone number",
      "5": "Not imported: Not a valid phone number (“call me”): it has letters in it",
      "6": "Not imported: A number in United Kingdom (GB): this shop texts only United States (US)",
      "7": "Not imported: No consent date",
      "8": expect.stringMatching(/^Not imported: Consent date is in the future/),
      "9": "Not imported: No consent source (where they agreed)",
      "10": "Not imported: No disclosure text or reference (what they were shown)",
      "11": "Not imported: Opted out here: only the person can subscribe again (by texting in or at checkout)",
      "12": "Not imported: Erased at the customer's request: their opt-out stands",
      "13": "Unchanged: Already subscribed: unchanged",
      "14": "Unchanged: Duplicate of row 2: merged",
      "15": "Not imported: Consent date not understood: “yesterday-ish”",
    });

    const grace = await prisma.subscriber.findFirstOrThrow({ where: { shop, phone: "+12025550101" } });
    expect(grace).toMatchObject({ status: "pending", firstName: "Grace", email: "ada@example.com" });
    const [event] = await prisma.consentEvent.findMany({ where: { shop, subscriberId: grace.id } });
    expect(event).toMatchObject({ kind: "opt_in_requested", source: "import" });
    expect(JSON.parse(event!.evidence)).toMatchObject({
      importId: id,
      fileName: "klaviyo.csv",
      fileHash: fileHashOf(csv),
      row: 2,
      consentAt: "2025-06-01T10:00:00.000Z",
      consentSource: "Klaviyo popup",
      disclosureText: DISCLOSURE,
      staff: "Sam Staff <sam@acme.test>",
    });
    const texts = await prisma.message.findMany({ where: { shop, subscriberId: grace.id } });
    expect(texts).toHaveLength(1);
    expect(texts[0]).toMatchObject({ kind: "compliance", status: "queued" });
    expect(texts[0]!.body).toMatch(/Reply Y/);

    expect(await prisma.subscriber.findFirst({ where: { shop, phone: optedOut } })).toMatchObject({ status: "unsubscribed" });
    expect(await prisma.subscriber.findFirst({ where: { shop, phone: erased } })).toBeNull();
    expect(await verifyConsentChain(shop)).toMatchObject({ ok: true });

    // The same file again changes nothing.
    const events = await prisma.consentEvent.count({ where: { shop } });
    const messages = await prisma.message.count({ where: { shop } });
    const again = await startImport(csv);
    await runToEnd();
    expect(await getSubscriberImport(shop, again.id)).toMatchObject({ status: "done", subscribedRows: 0, pendingRows: 0, unchangedRows: 4, refusedRows: 10 });
    expect(await prisma.consentEvent.count({ where: { shop } })).toBe(events);
    expect(await prisma.message.count({ where: { shop } })).toBe(messages);
    const secondReport = Object.fromEntries((await reportRows(again.id)).map((line) => [line.Row, line.Reason]));
    expect(secondReport["2"]).toBe("Already asked to confirm: unchanged");
  });

  it("records as confirmed only the rows that say so; the others are asked to confirm", async () => {
    const csv = csvOf([row("+13125550101", { confirmed: "yes" }), row("+13125550102", { confirmed: "" }), row("+13125550103", { confirmed: "CONFIRMED_OPT_IN" })]);
    const { id } = await startImport(csv, "already_confirmed");
    await runToEnd();
    expect(await getSubscriberImport(shop, id)).toMatchObject({ status: "done", subscribedRows: 2, pendingRows: 1, refusedRows: 0 });
    const confirmed = await prisma.subscriber.findFirstOrThrow({ where: { shop, phone: "+13125550101" } });
    expect(confirmed).toMatchObject({ status: "subscribed", optInLevel: "confirmed" });
    expect(confirmed.subscribedAt?.toISOString()).toBe("2025-06-01T10:00:00.000Z");
    expect(await prisma.message.count({ where: { shop, subscriberId: confirmed.id } })).toBe(0);
    expect(await prisma.subscriber.findFirst({ where: { shop, phone: "+13125550102" } })).toMatchObject({ status: "pending" });
    expect(await reportRows(id)).toEqual([
      { Row: "3", "Phone (as in the file)": "+13125550102", Outcome: "Asked to confirm by text", Reason: expect.stringMatching(/does not say this number confirmed/) },
    ]);
  });

  it("does not ask a number again that was asked and never replied", async () => {
    const phone = "+13125550201";
    await engine.applyConsentChange({ shop, phone, action: "request_opt_in", source: "checkout", evidence: { orderId: "3" }, pendingExpiresAt: new Date(Date.now() - 1000) });
    await engine.expireStalePending(new Date());
    const { id } = await startImport(csvOf([row(phone)]));
    await runToEnd();
    expect(await getSubscriberImport(shop, id)).toMatchObject({ refusedRows: 1, pendingRows: 0 });
    expect((await reportRows(id))[0]!.Reason).toMatch(/did not reply/);
  });

  it("resumes after a worker dies mid-chunk exactly where the last chunk committed, applying no row twice", async () => {
    const total = Math.floor(IMPORT_CHUNK_ROWS * 2.5);
    const phones = Array.from({ length: total }, (_, i) => `+1415555${String(1000 + i).padStart(4, "0")}`);
    const csv = csvOf(phones.map((phone) => row(phone)));
    const { id } = await startImport(csv, "double_opt_in", "big.csv");
    const before = await prisma.consentEvent.count({ where: { shop } });

    crash.on = true;
    crash.afterCalls = IMPORT_CHUNK_ROWS + 300; // in the middle of the second chunk
    const started = new Date();
    await expect(runSubscriberImports({ now: started, limit: total })).rejects.toThrow(/worker killed/);
    const stopped = await getSubscriberImport(shop, id);
    expect(stopped).toMatchObject({ status: "running", processedRows: IMPORT_CHUNK_ROWS, pendingRows: IMPORT_CHUNK_ROWS });
    expect(await prisma.consentEvent.count({ where: { shop } })).toBe(before + IMPORT_CHUNK_ROWS);

    // Another worker, before the lease ran out: leaves it alone. After: takes it up where it stopped.
    crash.on = false;
    expect((await runSubscriberImports({ now: new Date(started.getTime() + 1000) })).imports).toBe(0);
    const { lockedUntil } = await prisma.subscriberImport.findUniqueOrThrow({ where: { id } });
    expect(lockedUntil!.getTime()).toBeGreaterThanOrEqual(started.getTime() + IMPORT_LEASE_MS);
    await runToEnd(new Date(lockedUntil!.getTime() + 1));

    expect(await getSubscriberImport(shop, id)).toMatchObject({ status: "done", processedRows: total, pendingRows: total, refusedRows: 0, unchangedRows: 0 });
    expect(await prisma.consentEvent.count({ where: { shop } })).toBe(before + total);
    const perPhone = await prisma.consentEvent.groupBy({ by: ["phone"], where: { shop, phone: { startsWith: "+1415555" } }, _count: true });
    expect(perPhone).toHaveLength(total);
    expect(perPhone.every((group) => group._count === 1)).toBe(true);
    expect(await prisma.message.count({ where: { shop, phone: { startsWith: "+1415555" } } })).toBe(total);
    expect(await verifyConsentChain(shop)).toMatchObject({ ok: true });
  });

  it("imports a file end to end in one call (the benchmark's entry point), with the mapping guessed from the headers", async () => {
    const done = await importSubscribersCsv({ shop, fileName: "guess.csv", csv: csvOf([row("+16175550101"), row("+16175550102")]), confirmMode: "double_opt_in" });
    expect(done).toMatchObject({ status: "done", pendingRows: 2 });
  });

  it("keeps the file compressed until the import ends (SQLite rewrites the row at every chunk), then forgets it", async () => {
    const csv = csvOf(Array.from({ length: 200 }, (_, i) => row(`+1617555${String(3000 + i)}`)));
    const { id } = await startImport(csv);
    const kept = await prisma.subscriberImport.findUniqueOrThrow({ where: { id } });
    expect(kept.csv!.startsWith("gzip:")).toBe(true);
    expect(kept.csv!.length).toBeLessThan(csv.length / 3);
    expect(await fileText(kept.csv!)).toBe(csv);
    await runToEnd();
    expect((await prisma.subscriberImport.findUniqueOrThrow({ where: { id } })).csv).toBeNull();
  });

  it("keeps each shop's imports to itself", async () => {
    const { id } = await startImport(csvOf([row("+16175550201")]));
    await runToEnd();
    expect(await getSubscriberImport(otherShop, id)).toBeNull();
    expect(await getSubscriberImportReport(otherShop, id)).toBeNull();
    expect((await listSubscriberImports(otherShop)).map((each) => each.id)).not.toContain(id);
    expect((await listSubscriberImports(shop)).map((each) => each.id)).toContain(id);
    expect(await prisma.subscriber.findFirst({ where: { shop: otherShop, phone: "+16175550201" } })).toBeNull();
  });

  it("fails an import whose file is not readable CSV, in words", async () => {
    const { id } = await startImport(`${HEADER}\n+16175550301,"never closed\n`);
    await runToEnd();
    expect(await getSubscriberImport(shop, id)).toMatchObject({ status: "failed", error: expect.stringMatching(/quoted value is never closed/) });
  });
});
