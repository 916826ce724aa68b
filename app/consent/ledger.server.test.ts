import { beforeEach, describe, expect, it } from "vitest";
import prisma, { withSqlTransaction } from "../db.server";
import type { Sql } from "../db/sql.server";
import { applyConsentChange } from "./consent-engine.server";
import { appendConsentEvent, verifyConsentChain } from "./ledger.server";

const SHOP = "ledger-shop.myshopify.com";
const OTHER = "other-shop.myshopify.com";

async function subscriber(shop: string, phone: string) {
  return prisma.subscriber.create({ data: { shop, phone, status: "pending" } });
}

async function append(shop: string, subscriberId: string, phone: string, i: number) {
  return prisma.$transaction((tx) =>
    appendConsentEvent(tx, shop, {
      subscriberId,
      phone,
      kind: i % 2 === 0 ? "opted_in" : "opted_out",
      source: "keyword",
      fromStatus: i % 2 === 0 ? "unsubscribed" : "subscribed",
      toStatus: i % 2 === 0 ? "subscribed" : "unsubscribed",
      occurredAt: new Date(Date.UTC(2026, 10, 1, 12, 0, i)),
      evidence: { messageSid: `SM${i}`, body: i % 2 === 0 ? "START" : "STOP" },
    }),
  );
}

describe("consent ledger", () => {
  beforeEach(async () => {
    await prisma.consentEvent.deleteMany();
    await prisma.consentChainHead.deleteMany();
    await prisma.subscriber.deleteMany();
  });

  it("chains events per shop and verifies them", async () => {
    const a = await subscriber(SHOP, "+15551230001");
    const b = await subscriber(OTHER, "+15551230001");
    for (let i = 0; i < 5; i++) await append(SHOP, a.id, a.phone, i);
    await append(OTHER, b.id, b.phone, 0);

    const events = await prisma.consentEvent.findMany({ where: { shop: SHOP }, orderBy: { seq: "asc" } });
    expect(events.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5]);
    expect(events[1]!.prevHash).toBe(events[0]!.hash);
    expect(await verifyConsentChain(SHOP)).toEqual({ ok: true, events: 5, redacted: 0 });
    expect(await verifyConsentChain(OTHER)).toEqual({ ok: true, events: 1, redacted: 0 });
  });

  it("reports the first event whose evidence, kind or order was altered", async () => {
    const a = await subscriber(SHOP, "+15551230002");
    for (let i = 0; i < 4; i++) await append(SHOP, a.id, a.phone, i);

    await prisma.consentEvent.update({ where: { shop_seq: { shop: SHOP, seq: 3 } }, data: { evidence: '{"body":"START"}' } });
    expect(await verifyConsentChain(SHOP)).toMatchObject({ ok: false, brokenAt: 3, reason: "phone or evidence was changed" });

    await prisma.consentEvent.update({ where: { shop_seq: { shop: SHOP, seq: 2 } }, data: { kind: "opted_in" } });
    expect(await verifyConsentChain(SHOP)).toMatchObject({ ok: false, brokenAt: 2, reason: "content does not match its hash" });
  });

  it("detects deleted events, in the middle and at the end", async () => {
    const a = await subscriber(SHOP, "+15551230003");
    for (let i = 0; i < 4; i++) await append(SHOP, a.id, a.phone, i);
    await prisma.consentEvent.delete({ where: { shop_seq: { shop: SHOP, seq: 4 } } });
    expect(await verifyConsentChain(SHOP)).toMatchObject({ ok: false, brokenAt: 4, reason: "events after this point were deleted" });
    await prisma.consentEvent.delete({ where: { shop_seq: { shop: SHOP, seq: 2 } } });
    expect(await verifyConsentChain(SHOP)).toMatchObject({ ok: false, brokenAt: 3, reason: "event 2 is missing" });
  });

  it("still verifies after a lawful redaction erased the personal data", async () => {
    const a = await subscriber(SHOP, "+15551230004");
    for (let i = 0; i < 3; i++) await append(SHOP, a.id, a.phone, i);
    await prisma.consentEvent.updateMany({
      where: { shop: SHOP, seq: { lte: 2 } },
      data: { phone: "redacted", evidence: "{}", evidenceSalt: null, redactedAt: new Date() },
    });
    expect(await verifyConsentChain(SHOP)).toEqual({ ok: true, events: 3, redacted: 2 });
  });

  it("keeps one unbroken chain under concurrent appends", async () => {
    const subs = await Promise.all(Array.from({ length: 8 }, (_, i) => subscriber(SHOP, `+1555123010${i}`)));
    await Promise.all(
      Array.from({ length: 40 }, (_, i) => {
        const s = subs[i % subs.length]!;
        return append(SHOP, s.id, s.phone, i);
      }),
    );
    expect(await verifyConsentChain(SHOP)).toEqual({ ok: true, events: 40, redacted: 0 });
  });

  it("keeps one chain when consent changes share a group, even when one rolls back after appending", async () => {
    const change = (phone: string, action: "opt_in" | "opt_out") => (sql: Sql) =>
      applyConsentChange({ shop: SHOP, phone, action, source: "keyword", evidence: { body: action } }, sql);
    const rolledBack = async (sql: Sql) => {
      await change("+15551230299", "opt_out")(sql); // appends (and advances the head this transaction knows)…
      throw new Error("…then fails: its event and its head must both be undone");
    };
    const group = { mayLockChainOf: SHOP };
    const outcomes = await Promise.allSettled([
      withSqlTransaction(change("+15551230201", "opt_out"), group),
      withSqlTransaction(change("+15551230202", "opt_in"), group),
      withSqlTransaction(rolledBack, group),
      withSqlTransaction(change("+15551230203", "opt_out"), group),
      withSqlTransaction(change("+15551230201", "opt_in"), group),
    ]);
    expect(outcomes.map((outcome) => outcome.status)).toEqual(["fulfilled", "fulfilled", "rejected", "fulfilled", "fulfilled"]);
    expect(await verifyConsentChain(SHOP)).toEqual({ ok: true, events: 4, redacted: 0 });
    const events = await prisma.consentEvent.findMany({ where: { shop: SHOP }, orderBy: { seq: "asc" }, select: { seq: true, phone: true } });
    expect(events.map((event) => event.phone)).toEqual(["+15551230201", "+15551230202", "+15551230203", "+15551230201"]);
  });
});
