import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import prisma, { databaseProvider } from "../db.server";
import { reserveSendSlots, SECOND_END_GUARD_MS, sendRateKey, sendRateOf, senderOf, SenderPace } from "./send-rate.server";

const SECOND = 1000;

describe(`send rate (${databaseProvider()})`, () => {
  it("never hands out more slots of one second than the limit, however the requests interleave", async () => {
    const sender = `+1555${randomUUID().slice(0, 7).replace(/\D/g, "7").padEnd(7, "7")}`;
    const second = Math.floor(Date.now() / SECOND) * SECOND + 60 * SECOND;
    const grants = await Promise.all(Array.from({ length: 10 }, () => reserveSendSlots(sender, second, 3, 7)));
    expect(grants.reduce((sum, granted) => sum + granted, 0)).toBe(7);
    expect(await reserveSendSlots(sender, second, 1, 7)).toBe(0);
    // Another second, and another sender, have budgets of their own.
    expect(await reserveSendSlots(sender, second + SECOND, 5, 7)).toBe(5);
    expect(await reserveSendSlots(`${sender}9`, second, 9, 7)).toBe(7);

    const window = await prisma.rateLimitWindow.findFirstOrThrow({ where: { key: sendRateKey(sender), windowStart: new Date(second) } });
    expect(window.key).toBe(`send|${sender}`);
    expect(window.expiresAt.getTime()).toBe(second + SECOND);
  });

  it("two dispatchers sharing a sender together stay within its rate in every second", async () => {
    const sender = `MG${randomUUID().replace(/-/g, "")}`;
    const perSecond = 4;
    // Two paces = two worker processes: they share nothing but the database.
    const first = new SenderPace(sender, perSecond);
    const second = new SenderPace(sender, perSecond);
    const sentAt: number[] = [];
    const send = async (pace: SenderPace) => {
      const secondEnd = await pace.take(1);
      const now = Date.now();
      expect(now).toBeLessThan(secondEnd);
      sentAt.push(now);
    };
    const started = Date.now();
    await Promise.all([...Array.from({ length: 7 }, () => send(first)), ...Array.from({ length: 7 }, () => send(second))]);

    const perWallSecond = new Map<number, number>();
    for (const at of sentAt) perWallSecond.set(Math.floor(at / SECOND), (perWallSecond.get(Math.floor(at / SECOND)) ?? 0) + 1);
    expect(Math.max(...perWallSecond.values())).toBeLessThanOrEqual(perSecond);
    expect(sentAt).toHaveLength(14);
    // …and not much slower than the rate allows: 14 texts at 4 a second is 4 seconds (3 boundaries), plus the first one's rest.
    expect(Date.now() - started).toBeLessThan(5 * SECOND);
  }, 15_000);

  it("a text that starts in the last part of a second holds a slot of that second and of the next: either way, it counted where it arrives", async () => {
    const sender = `MG${randomUUID().replace(/-/g, "")}`;
    const pace = new SenderPace(sender, 5);
    const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
    // Into the last part of a second, with room left in it for the take to begin.
    let second: number;
    for (;;) {
      await sleep(1000 - SECOND_END_GUARD_MS + 20 - (Date.now() % 1000) + (Date.now() % 1000 > 1000 - SECOND_END_GUARD_MS ? 1000 : 0));
      const now = Date.now();
      second = Math.floor(now / SECOND) * SECOND;
      if (now - second >= 1000 - SECOND_END_GUARD_MS && now - second < 1000 - 50) break;
    }
    const deadline = await pace.take(1);
    const counted = async (at: number) =>
      (await prisma.rateLimitWindow.findUnique({ where: { key_windowStart: { key: sendRateKey(sender), windowStart: new Date(at) } } }))?.count;
    // It may go until the next second ends, and both seconds' budgets count it (a sender of 5 a second reserves one at a time).
    expect(deadline).toBe(second + 2 * SECOND);
    expect(await counted(second)).toBe(1);
    expect(await counted(second + SECOND)).toBe(1);
  }, 10_000);

  it("a text of several segments takes as many slots", async () => {
    const sender = `MG${randomUUID().replace(/-/g, "")}`;
    const pace = new SenderPace(sender, 3);
    const firstEnd = await pace.take(2);
    const secondEnd = await pace.take(2); // only 1 slot left in the first second
    expect(secondEnd).toBeGreaterThan(firstEnd);
    const whole = await pace.take(10); // longer than a second's budget: takes a whole second
    expect(whole).toBeGreaterThan(secondEnd);
  }, 10_000);
});

describe("sender and rate of a shop", () => {
  it("paces the Messaging Service when there is one, else the number; the shop's rate overrides its sender type's", () => {
    expect(senderOf({ messagingServiceSid: "MG1", senderPhoneNumber: "+15550001111" })).toBe("MG1");
    expect(senderOf({ messagingServiceSid: null, senderPhoneNumber: "+15550001111" })).toBe("+15550001111");
    expect(sendRateOf({ senderType: "long_code", maxMessagesPerSecond: null })).toBe(1);
    expect(sendRateOf({ senderType: "toll_free", maxMessagesPerSecond: null })).toBe(3);
    expect(sendRateOf({ senderType: "short_code", maxMessagesPerSecond: null })).toBe(100);
    expect(sendRateOf({ senderType: "short_code", maxMessagesPerSecond: 40 })).toBe(40);
  });
});
