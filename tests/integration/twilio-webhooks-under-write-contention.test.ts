/**
 * Twilio's webhooks while another process writes to the same database, as
 * `npm run worker` does beside the app. On SQLite the two processes share one
 * file and its one write lock: a transaction that began by reading (SQLite's
 * default, deferred BEGIN) and then wrote after the other process committed
 * failed at once with SQLITE_BUSY_SNAPSHOT (or SQLITE_BUSY, which Prisma
 * reports as P1008), and the callback answered 500. Twilio does not retry
 * status callbacks, so that delivery status was lost for good.
 */
import { fork, type ChildProcess } from "node:child_process";
import path from "node:path";
import twilio from "twilio";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { applyConsentChange } from "../../app/consent/consent-engine.server";
import { verifyConsentChain } from "../../app/consent/ledger.server";
import prisma, { databaseProvider } from "../../app/db.server";
import { resetEnvCache } from "../../app/env.server";
import { action as statusCallbackAction } from "../../app/routes/webhooks.twilio.status";
import { serveAppRoutes, type AppRoutesServer } from "../support/app-routes-server";
import { inboundParams, newMessageSid } from "../support/inbound-sms";
import { createTestShop } from "../support/shop-fixture";

const STATUS_PATH = "/webhooks/twilio/status";
const SMS_PATH = "/webhooks/twilio/sms";
const WRITER = path.resolve(__dirname, "../support/busy-writer-process.ts");

let app: AppRoutesServer;
const savedAppUrl = process.env.SHOPIFY_APP_URL;

beforeAll(async () => {
  app = await serveAppRoutes({ [STATUS_PATH]: statusCallbackAction });
  process.env.SHOPIFY_APP_URL = app.url; // what Twilio calls, so what it signs
  resetEnvCache();
});

afterAll(async () => {
  if (savedAppUrl === undefined) delete process.env.SHOPIFY_APP_URL;
  else process.env.SHOPIFY_APP_URL = savedAppUrl;
  resetEnvCache();
  await app?.close();
});

interface Writer {
  /** Stops it; resolves to the number of transactions it committed. */
  stop(): Promise<number>;
}
let writer: (Writer & { child: ChildProcess }) | undefined;

afterEach(async () => {
  if (writer?.child.connected) await writer.stop();
  writer = undefined;
});

/** Starts the busy writer process; resolves once it has made its first write. */
function startBusyWriter(shop: string, mode: "write" | "hold" = "write"): Promise<Writer> {
  const child = fork(WRITER, [shop, mode], { execArgv: ["--import", "tsx"], env: { ...process.env }, stdio: ["ignore", "inherit", "inherit", "ipc"] });
  const exited = new Promise<void>((resolve, reject) => {
    child.once("error", reject);
    child.once("exit", (code) => (code === 0 ? resolve() : reject(new Error(`busy writer exited with code ${code}`))));
  });
  const committed = new Promise<number>((resolve) => child.on("message", (message: { committed?: number }) => message.committed !== undefined && resolve(message.committed)));
  const stop = async () => {
    child.send("stop");
    const count = await committed;
    await exited;
    return count;
  };
  return new Promise((resolve, reject) => {
    exited.catch(reject);
    child.on("message", (message) => {
      if (message !== "writing") return;
      writer = { child, stop };
      resolve(writer);
    });
  });
}

function postSigned(pathname: string, params: Record<string, string>, authToken: string) {
  const url = `${app.url}${pathname}`;
  return fetch(url, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded", "X-Twilio-Signature": twilio.getExpectedTwilioSignature(authToken, url, params) },
    body: new URLSearchParams(params),
  });
}

/** Subscribed numbers, each with a text the worker handed to Twilio (status "sending", with its MessageSid). */
async function sentTexts(shop: string, count: number, prefix: string) {
  const texts = [];
  for (let i = 0; i < count; i++) {
    const phone = `${prefix}${String(i).padStart(4, "0")}`;
    const { subscriber } = await applyConsentChange({ shop, phone, action: "opt_in", source: "form", evidence: { form: "footer" } });
    const message = await prisma.message.create({
      data: { shop, phone, subscriberId: subscriber.id, body: "Acme: your order shipped.", kind: "transactional", status: "sending", twilioSid: newMessageSid(), attempts: 1, sentAt: new Date() },
    });
    texts.push({ phone, message });
  }
  return texts;
}

describe(`Twilio webhooks while another process writes (${databaseProvider()})`, () => {
  it("every signed status callback is applied and none answers 500", async () => {
    const shop = await createTestShop();
    const texts = await sentTexts(shop.shop, 40, "+1312666");
    const busy = await startBusyWriter("busy-worker.myshopify.com");

    // Delivered callbacks read the subscriber before writing; undelivered ones read and write it.
    const callbacks = texts.map(({ message }, i): Record<string, string> =>
      i % 2 === 0
        ? { MessageSid: message.twilioSid!, MessageStatus: "delivered" }
        : { MessageSid: message.twilioSid!, MessageStatus: "undelivered", ErrorCode: "30003" },
    );
    const answers: number[] = [];
    for (let i = 0; i < callbacks.length; i += 4) {
      // A few at a time, as Twilio calls back for texts sent together.
      const batch = await Promise.all(callbacks.slice(i, i + 4).map((params) => postSigned(STATUS_PATH, params, shop.authToken)));
      answers.push(...batch.map((response) => response.status));
    }
    const committedMeanwhile = await busy.stop();

    expect(answers).toEqual(callbacks.map(() => 204));
    expect(committedMeanwhile).toBeGreaterThan(1); // it also committed while the webhooks were answered, not only before
    const rows = await prisma.message.findMany({ where: { shop: shop.shop }, orderBy: { phone: "asc" } });
    expect(rows.map((row) => [row.status, row.errorCode])).toEqual(callbacks.map((c) => (c.MessageStatus === "delivered" ? ["delivered", null] : ["undelivered", 30003])));
    const counts = await prisma.subscriber.findMany({ where: { shop: shop.shop }, orderBy: { phone: "asc" }, select: { undeliverableCount: true } });
    expect(counts.map((s) => s.undeliverableCount)).toEqual(callbacks.map((c) => (c.MessageStatus === "delivered" ? 0 : 1)));
  }, 60_000);

  it("every signed STOP is answered and honoured", async () => {
    const shop = await createTestShop();
    const phones = Array.from({ length: 30 }, (_, i) => `+1312667${String(i).padStart(4, "0")}`);
    for (const phone of phones) await applyConsentChange({ shop: shop.shop, phone, action: "opt_in", source: "form", evidence: { form: "footer" } });
    const busy = await startBusyWriter("busy-worker-2.myshopify.com");

    const answers: number[] = [];
    for (let i = 0; i < phones.length; i += 5) {
      const batch = await Promise.all(phones.slice(i, i + 5).map((phone) => postSigned(SMS_PATH, inboundParams(shop, phone, "STOP"), shop.authToken)));
      answers.push(...batch.map((response) => response.status));
    }
    const committedMeanwhile = await busy.stop();

    expect(answers).toEqual(phones.map(() => 200));
    expect(committedMeanwhile).toBeGreaterThan(1);
    const statuses = await prisma.subscriber.findMany({ where: { shop: shop.shop }, select: { status: true } });
    expect(statuses.map((s) => s.status)).toEqual(phones.map(() => "unsubscribed"));
    expect(await verifyConsentChain(shop.shop)).toMatchObject({ ok: true, events: phones.length * 2 });
  }, 60_000);

  // Only SQLite has one write lock for the whole file; PostgreSQL's row locks keep the writer off these rows.
  it.runIf(databaseProvider() === "sqlite")(
    "a callback that cannot be written before the busy timeout answers 503, writes nothing, and is applied when Twilio retries",
    async () => {
      const shop = await createTestShop();
      const { message } = (await sentTexts(shop.shop, 1, "+1312668"))[0]!;
      const callback = { MessageSid: message.twilioSid!, MessageStatus: "undelivered", ErrorCode: "30003" };
      const holder = await startBusyWriter("lock-holder.myshopify.com", "hold");
      const errors = vi.spyOn(console, "error").mockImplementation(() => {});

      const whileHeld = await postSigned(STATUS_PATH, callback, shop.authToken);

      expect(whileHeld.status).toBe(503);
      expect(whileHeld.headers.get("Retry-After")).toBe("1");
      expect(errors.mock.calls.map((args) => String(args[0]))).toEqual([expect.stringContaining(message.twilioSid!)]);
      errors.mockRestore();
      await holder.stop();
      expect(await prisma.message.findUniqueOrThrow({ where: { id: message.id } })).toEqual(message);
      expect((await prisma.subscriber.findUniqueOrThrow({ where: { id: message.subscriberId! } })).undeliverableCount).toBe(0);

      expect((await postSigned(STATUS_PATH, callback, shop.authToken)).status).toBe(204);
      expect(await prisma.message.findUniqueOrThrow({ where: { id: message.id } })).toMatchObject({ status: "undelivered", errorCode: 30003 });
    },
    60_000,
  );
});
