import { parse } from "csv-parse/sync";
import { describe, expect, it } from "vitest";
import prisma from "../db.server";
import { applyConsentChange } from "../consent/consent-engine.server";
import { canonicalJson, eventHashOf, evidenceDigestOf } from "../consent/ledger.server";
import { createTestShop } from "../../tests/support/shop-fixture";
import { testPhone } from "../../tests/support/campaign-fixture";
import { consentRecordsCsv, RECORD_COLUMNS } from "./consent-records.server";
import { parseRecordsRange } from "./records-range";

async function readCsv(stream: ReadableStream<Uint8Array>): Promise<Record<string, string>[]> {
  const text = await new Response(stream).text();
  return parse(text, { columns: true, bom: true }) as Record<string, string>[];
}

const range = (from: string, to: string, zone = "America/New_York") => {
  const parsed = parseRecordsRange(new URLSearchParams({ from, to }), zone);
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.range;
};

describe("consentRecordsCsv", () => {
  it("writes every event of the range in chain order, with its evidence, the disclosure shown and the hashes; only this shop's", async () => {
    const { shop } = await createTestShop({ timezone: "America/New_York" });
    const other = await createTestShop();
    const disclosure = await prisma.disclosureVersion.create({
      data: { shop, version: 3, locale: "en", text: "Acme: recurring marketing texts. Msg & data rates may apply. Reply STOP to cancel.", contentHash: "a".repeat(64) },
    });
    const phone = testPhone();
    await applyConsentChange({ shop, phone, action: "opt_in", source: "checkout", occurredAt: new Date("2026-10-31T12:00:00Z"), evidence: { orderId: "1000" } });
    await applyConsentChange({
      shop,
      phone,
      action: "opt_out",
      source: "keyword",
      occurredAt: new Date("2026-11-01T04:30:00Z"), // 00:30 on Nov 1 in New York: inside
      evidence: { messageSid: "SM1", body: "=HYPERLINK(\"http://x\")", from: phone },
    });
    await applyConsentChange({
      shop,
      phone,
      action: "opt_in",
      source: "checkout",
      occurredAt: new Date("2026-11-03T18:02:00Z"),
      evidence: { orderId: "1043", disclosureVersionId: disclosure.id, ip: "203.0.113.9", userAgent: "Mozilla/5.0", channel: "thank_you" },
    });
    await applyConsentChange({ shop, phone, action: "opt_out", source: "keyword", occurredAt: new Date("2026-12-01T05:30:00Z"), evidence: { body: "STOP" } }); // Dec 1 in New York: outside
    await applyConsentChange({ shop: other.shop, phone: testPhone(), action: "opt_in", source: "keyword", occurredAt: new Date("2026-11-10T12:00:00Z"), evidence: { body: "JOIN" } });

    const rows = await readCsv(consentRecordsCsv(shop, range("2026-11-01", "2026-11-30"), "America/New_York") as unknown as ReadableStream<Uint8Array>);
    expect(Object.keys(rows[0]!)).toEqual([...RECORD_COLUMNS]);
    expect(rows.map((row) => [row["Event #"], row["Kind"], row["Source"]])).toEqual([
      ["2", "opted_out", "keyword"],
      ["3", "resubscribed", "checkout"],
    ]);
    const [stop, checkout] = rows as [Record<string, string>, Record<string, string>];
    expect(stop).toMatchObject({
      Shop: shop,
      "Occurred at (UTC)": "2026-11-01T04:30:00.000Z",
      "Occurred at (shop time)": "2026-11-01T00:30:00.000-04:00",
      Phone: phone,
      Event: "opted out",
      "Status before": "subscribed",
      "Status after": "unsubscribed",
      "Message SID": "SM1",
      "Text received": "'=HYPERLINK(\"http://x\")", // a formula in a text received is written as text
      "Other evidence": `from: ${phone}`,
    });
    expect(checkout).toMatchObject({
      "Order id": "1043",
      "IP address": "203.0.113.9",
      "User agent": "Mozilla/5.0",
      "Other evidence": "channel: thank_you",
      "Disclosure version": "3",
      "Disclosure language": "en",
      "Disclosure SHA-256": "a".repeat(64),
      "Disclosure text shown": disclosure.text,
    });

    // The chain can be checked offline from the file alone.
    for (const row of rows) {
      expect(evidenceDigestOf(row["Evidence salt"]!, row.Phone!, row["Evidence as recorded (JSON)"]!)).toBe(row["Evidence digest"]);
      const hash = eventHashOf({
        shop: row.Shop!,
        seq: Number(row["Event #"]),
        subscriberId: row["Subscriber id"]!,
        kind: row.Kind!,
        source: row.Source!,
        fromStatus: row["Status before"] || null,
        toStatus: row["Status after"]!,
        occurredAt: new Date(row["Occurred at (UTC)"]!),
        evidenceDigest: row["Evidence digest"]!,
        prevHash: row["Previous event hash"]!,
      });
      expect(hash).toBe(row["Event hash"]);
    }
    expect(checkout["Previous event hash"]).toBe(stop["Event hash"]);
    expect(canonicalJson(JSON.parse(stop["Evidence as recorded (JSON)"]!))).toBe(stop["Evidence as recorded (JSON)"]);
  });

  it("writes only the header for a range without events", async () => {
    const { shop } = await createTestShop();
    const text = await new Response(consentRecordsCsv(shop, range("2020-01-01", "2020-01-31"), "UTC") as unknown as ReadableStream<Uint8Array>).text();
    expect(text.trim()).toBe(RECORD_COLUMNS.map((column) => (column.includes(",") ? `"${column}"` : column)).join(","));
  });
});
