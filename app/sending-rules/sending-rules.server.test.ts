import { randomBytes } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { createTestShop } from "../../tests/support/shop-fixture";
import prisma, { sqlOf, withSqlTransaction } from "../db.server";
import { marketingHistoryFor, marketingRulesAtDispatch } from "./sending-rules.server";

const HOUR = 60 * 60 * 1000;
// Friday 20 November 2026, 15:00 in New York (EST): inside every window.
const AFTERNOON = new Date("2026-11-20T20:00:00Z");
const ago = (hours: number, from = AFTERNOON) => new Date(from.getTime() - hours * HOUR);

let shop: string;
let otherShop: string;

beforeAll(async () => {
  shop = (await createTestShop({ timezone: "America/New_York" })).shop;
  otherShop = (await createTestShop()).shop;
});

let phoneCounter = 0;
/** A unique number on a real New York exchange (212 555): placed by its prefix in America/New_York. */
const nextPhone = (areaCode = "212555") => `+1${areaCode}${String(++phoneCounter).padStart(4, "0")}`;

async function subscriber(atShop: string, fields: { phone?: string; timezone?: string | null; region?: string | null } = {}) {
  return prisma.subscriber.create({
    data: { shop: atShop, phone: fields.phone ?? nextPhone(), status: "subscribed", timezone: fields.timezone ?? null, region: fields.region ?? null },
  });
}

interface TextFields {
  status?: string;
  kind?: string;
  sentAt?: Date | null;
  updatedAt?: Date;
  nextAttemptAt?: Date;
  lockedUntil?: Date | null;
}

async function text(atShop: string, subscriberId: string, fields: TextFields = {}) {
  const message = await prisma.message.create({
    data: {
      shop: atShop,
      subscriberId,
      phone: "+12125550000",
      body: "Acme: sale",
      kind: fields.kind ?? "marketing",
      status: fields.status ?? "delivered",
      sentAt: fields.sentAt === undefined ? ago(1) : fields.sentAt,
      nextAttemptAt: fields.nextAttemptAt ?? ago(30 * 24),
      lockedUntil: fields.lockedUntil ?? null,
    },
  });
  // Prisma stamps updatedAt itself; set it as the worker that last wrote the row would have.
  const updatedAt = fields.updatedAt ?? ago(30 * 24);
  await sqlOf(prisma).run(`UPDATE "Message" SET "updatedAt" = ? WHERE "id" = ?`, [updatedAt, message.id]);
  return message;
}

describe("marketingHistoryFor", () => {
  it("counts marketing texts that were or may have been sent, oldest first, and nothing else", async () => {
    const { id } = await subscriber(shop);
    await text(shop, id, { status: "delivered", sentAt: ago(2) });
    await text(shop, id, { status: "sent", sentAt: ago(5) });
    await text(shop, id, { status: "undelivered", sentAt: ago(1) });
    await text(shop, id, { status: "accepted", sentAt: ago(3) }); // written before November 2026: means "sending"
    for (const status of ["queued", "failed", "cancelled", "suppressed", "skipped"]) await text(shop, id, { status, sentAt: ago(4) });
    await text(shop, id, { kind: "transactional", sentAt: ago(4) });
    await text(shop, id, { kind: "compliance", sentAt: ago(4) });
    await text(shop, id, { sentAt: ago(33 * 24) }); // older than the caps look
    await text(otherShop, id, { sentAt: ago(4) }); // the same id at another shop cannot be counted here

    const history = await marketingHistoryFor(shop, [id], AFTERNOON);
    expect(history.get(id)).toEqual([ago(5), ago(3), ago(2), ago(1)]);
  });

  it("dates a text that may have gone but has no sentAt by the latest moment it could have gone", async () => {
    const claimed = await subscriber(shop);
    // Claimed by a worker 10 minutes ago (its claim stamped updatedAt), due an hour before.
    await text(shop, claimed.id, { status: "sending", sentAt: null, updatedAt: ago(10 / 60), nextAttemptAt: ago(1), lockedUntil: ago(8 / 60) });
    const lost = await subscriber(shop);
    // Declared unknown long ago (35 days), but due 2 days ago: the due time is the latest.
    await text(shop, lost.id, { status: "unknown", sentAt: null, updatedAt: ago(35 * 24), nextAttemptAt: ago(48) });

    const history = await marketingHistoryFor(shop, [claimed.id, lost.id], AFTERNOON);
    expect(history.get(claimed.id)).toEqual([ago(8 / 60)]);
    expect(history.get(lost.id)).toEqual([ago(48)]);
  });

  it("leaves out the message being dispatched when asked to", async () => {
    const { id } = await subscriber(shop);
    await text(shop, id, { sentAt: ago(3) });
    const own = await text(shop, id, { status: "sending", sentAt: null, updatedAt: AFTERNOON });
    expect((await marketingHistoryFor(shop, [id], AFTERNOON)).get(id)).toHaveLength(2);
    expect((await marketingHistoryFor(shop, [id], AFTERNOON, { excludeMessageId: own.id })).get(id)).toEqual([ago(3)]);
  });

  it("reads thousands of subscribers in one pass, leaving out the texts of those in between who were not asked about", async () => {
    const count = 2_500;
    const ids = Array.from({ length: count }, (_, index) => `sub_${String(index).padStart(5, "0")}_${randomBytes(4).toString("hex")}`);
    await prisma.subscriber.createMany({
      data: ids.map((id, index) => ({ id, shop, phone: `+1212666${String(index).padStart(4, "0")}`, status: "subscribed" })),
    });
    const withHistory = [0, 499, 500, 1_000, 1_700, count - 1].map((index) => ids[index]!);
    // Inside the span of the ids asked about, but not asked about: their texts must not be handed out.
    const notAsked = new Set([1, 700, count - 2].map((index) => ids[index]!));
    await prisma.message.createMany({
      data: [...withHistory, ...notAsked].flatMap((subscriberId, index) =>
        [1, 2].map((hours) => ({ shop, subscriberId, phone: "+12125550000", body: "Acme: sale", kind: "marketing", status: "sent", sentAt: ago(hours + index) })),
      ),
    });
    const asked = ids.filter((id) => !notAsked.has(id));

    // In any order, with a repeat; on the Prisma client and in a plain-SQL transaction alike.
    const shuffled = [...asked].reverse();
    for (const history of [
      await marketingHistoryFor(shop, [...shuffled, asked[0]!], AFTERNOON),
      await withSqlTransaction((sql) => marketingHistoryFor(shop, asked, AFTERNOON, { sql })),
    ]) {
      expect([...history.keys()].sort()).toEqual([...withHistory].sort());
      withHistory.forEach((id, index) => expect(history.get(id)).toEqual([ago(2 + index), ago(1 + index)]));
    }
    expect(await marketingHistoryFor(shop, [], AFTERNOON)).toEqual(new Map());
  });
});

describe("marketingRulesAtDispatch", () => {
  const dispatch = (subscriber: { id: string; phone: string }, at: Date, atShop = shop, id?: string) =>
    marketingRulesAtDispatch({ shop: atShop, subscriberId: subscriber.id, phone: subscriber.phone, id }, at);

  it("sends inside the window and under every cap", async () => {
    const recipient = await subscriber(shop);
    await text(shop, recipient.id, { sentAt: ago(5) });
    expect(await dispatch(recipient, AFTERNOON)).toEqual({ action: "send" });
  });

  it("defers to the next allowed minute at the recipient, in their own zone", async () => {
    // 22:30 in Chicago (04:30Z): federal quiet hours until 08:00 Central, 14:00Z.
    const recipient = await subscriber(shop, { timezone: "America/Chicago" });
    expect(await dispatch(recipient, new Date("2026-11-21T04:30:00Z"))).toEqual({
      action: "defer",
      until: new Date("2026-11-21T14:00:00Z"),
      reason: "quiet_hours",
    });
  });

  it("applies the state of the recipient: Florida stops at 20:00, New York at 21:00", async () => {
    const at = new Date("2026-11-21T01:30:00Z"); // 20:30 in New York and Miami
    const floridian = await subscriber(shop, { region: "US-FL" });
    const newYorker = await subscriber(shop);
    // Florida with a New York number and no known zone: both of Florida's zones count, so 08:00 Central (14:00Z).
    expect(await dispatch(floridian, at)).toEqual({ action: "defer", until: new Date("2026-11-21T14:00:00Z"), reason: "quiet_hours" });
    const miami = await subscriber(shop, { region: "US-FL", phone: nextPhone("305222") });
    expect(await dispatch(miami, at)).toEqual({ action: "defer", until: new Date("2026-11-21T13:00:00Z"), reason: "quiet_hours" });
    expect(await dispatch(newYorker, at)).toEqual({ action: "send" });
  });

  it("places a subscriber we know nothing of by their number: El Paso is on Mountain time, in Texas", async () => {
    // Saturday 21 November, 08:30 in El Paso (15:30Z): Texas waits for 9:00 Mountain, 16:00Z.
    const elPaso = await subscriber(shop, { phone: nextPhone("915532") });
    expect(await dispatch(elPaso, new Date("2026-11-21T15:30:00Z"))).toEqual({
      action: "defer",
      until: new Date("2026-11-21T16:00:00Z"),
      reason: "quiet_hours",
    });
  });

  it("applies the shop's own quiet hours, which only narrow the window", async () => {
    const early = (await createTestShop({ timezone: "America/New_York", quietHoursStart: "17:00", quietHoursEnd: "10:00" })).shop;
    const recipient = await subscriber(early);
    expect(await dispatch(recipient, AFTERNOON, early)).toEqual({ action: "send" }); // 15:00
    expect(await dispatch(recipient, new Date("2026-11-20T22:30:00Z"), early)).toEqual({
      action: "defer",
      until: new Date("2026-11-21T15:00:00Z"), // 10:00 EST
      reason: "quiet_hours",
    });
  });

  it("skips, with the reason, a text over the daily cap, the state's stricter cap, the monthly cap or the smart-sending gap", async () => {
    const strict = (await createTestShop({ timezone: "America/New_York", maxMessagesPerDay: 5, maxMessagesPerMonth: 8, smartSendingHours: 0 })).shop;
    const newYorker = await subscriber(strict);
    const floridian = await subscriber(strict, { region: "US-FL" });
    for (const recipient of [newYorker, floridian]) for (const hours of [1, 2, 3]) await text(strict, recipient.id, { sentAt: ago(hours) });
    expect(await dispatch(newYorker, AFTERNOON, strict)).toEqual({ action: "send" });
    expect(await dispatch(floridian, AFTERNOON, strict)).toEqual({ action: "skip", reason: "daily_cap" });

    const monthly = await subscriber(strict);
    for (const days of [2, 4, 6, 8, 10, 12, 14, 16]) await text(strict, monthly.id, { sentAt: ago(days * 24) });
    expect(await dispatch(monthly, AFTERNOON, strict)).toEqual({ action: "skip", reason: "monthly_cap" });
    // On 1 December (New York) the month starts again.
    expect(await dispatch(monthly, new Date("2026-12-01T15:00:00Z"), strict)).toEqual({ action: "send" });

    const smart = (await createTestShop({ timezone: "America/New_York", smartSendingHours: 16 })).shop;
    const recent = await subscriber(smart);
    await text(smart, recent.id, { sentAt: ago(12) });
    expect(await dispatch(recent, AFTERNOON, smart)).toEqual({ action: "skip", reason: "smart_sending" });
    expect(await dispatch(recent, ago(-5), smart)).toEqual({ action: "send" }); // 17 hours after, 20:00 in New York
  });

  it("does not count the text being dispatched against its own cap", async () => {
    const recipient = await subscriber(shop);
    await text(shop, recipient.id, { sentAt: ago(3) });
    await text(shop, recipient.id, { sentAt: ago(2) });
    const own = await text(shop, recipient.id, { status: "sending", sentAt: null, updatedAt: AFTERNOON, lockedUntil: ago(-0.03) });
    expect(await dispatch(recipient, AFTERNOON, shop, own.id)).toEqual({ action: "send" });
    // Without its id, the claimed row looks like a third text of the day.
    expect(await dispatch(recipient, AFTERNOON)).toEqual({ action: "skip", reason: "daily_cap" });
  });

  it("finds the subscriber by number when the text names none, and counts only this shop's texts", async () => {
    const recipient = await subscriber(shop, { region: "US-FL" });
    const elsewhere = await subscriber(otherShop, { phone: recipient.phone });
    for (const hours of [1, 2, 3]) await text(otherShop, elsewhere.id, { sentAt: ago(hours) });
    expect(await marketingRulesAtDispatch({ shop, subscriberId: null, phone: recipient.phone }, new Date("2026-11-21T01:30:00Z"))).toMatchObject({
      action: "defer", // Florida's 20:00, from the subscriber's stored region
    });
    expect(await dispatch(recipient, AFTERNOON)).toEqual({ action: "send" });
    expect(await dispatch(elsewhere, AFTERNOON, otherShop)).toEqual({ action: "skip", reason: "daily_cap" });
  });

  it("skips a text the shop's quiet hours leave no minute for, and refuses an unknown shop", async () => {
    const closed = (await createTestShop({ quietHoursStart: "08:00", quietHoursEnd: "21:00" })).shop;
    const recipient = await subscriber(closed);
    expect(await dispatch(recipient, AFTERNOON, closed)).toEqual({ action: "skip", reason: "no_send_window" });
    await expect(dispatch(recipient, AFTERNOON, "nobody.myshopify.com")).rejects.toThrow(/No settings/);
  });
});
