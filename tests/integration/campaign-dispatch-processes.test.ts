/**
 * `npm run worker` as separate processes sharing one database, sending a
 * campaign to the local Twilio-compatible server over HTTP:
 * - two and four workers on PostgreSQL never send one text twice;
 * - a worker killed with SIGKILL mid-batch leaves no duplicate and loses
 *   nothing: every text ends sent, unknown (claimed when it died: never sent
 *   again) or still due, and a later worker sends what was still due;
 * - a STOP texted to the shop (the signed inbound webhook) while the campaign
 *   is going out stops every later text to that number;
 * - the worker plans a scheduled campaign itself.
 */
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import twilio from "twilio";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import prisma, { databaseProvider } from "../../app/db.server";
import { resetEnvCache } from "../../app/env.server";
import { CLAIM_LEASE_MS, expireAbandonedClaims, mostClaimedAtOnce } from "../../app/messaging/outbox.server";
import { startTwilioSandbox, type TwilioSandbox } from "../../app/messaging/twilio-sandbox.server";
import { serveAppRoutes, type AppRoutesServer } from "../support/app-routes-server";
import { inboundParams } from "../support/inbound-sms";
import { createTestShop, TEST_TWILIO_ACCOUNT_SID, TEST_TWILIO_AUTH_TOKEN } from "../support/shop-fixture";

const WORKER = path.join(import.meta.dirname, "../../scripts/worker.ts");
const BODY = "Acme Outfitters: 20% off everything today! Reply STOP to opt out";

let sandbox: TwilioSandbox;
let app: AppRoutesServer;
const savedAppUrl = process.env.SHOPIFY_APP_URL;

beforeAll(async () => {
  // Twilio answers after 30 ms; no status callbacks (they are another test's subject).
  sandbox = await startTwilioSandbox({
    accounts: [{ accountSid: TEST_TWILIO_ACCOUNT_SID, authToken: TEST_TWILIO_AUTH_TOKEN }],
    statusCallbackDelayMs: 3_600_000,
    responseDelayMs: 30,
  });
  app = await serveAppRoutes({});
  process.env.SHOPIFY_APP_URL = app.url;
  resetEnvCache();
});

afterAll(async () => {
  if (savedAppUrl === undefined) delete process.env.SHOPIFY_APP_URL;
  else process.env.SHOPIFY_APP_URL = savedAppUrl;
  resetEnvCache();
  await sandbox?.close();
  await app?.close();
});

interface Worker {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

async function startWorkers(count: number, concurrency: number): Promise<Worker[]> {
  const workers = Array.from({ length: count }, () => {
    const child = spawn(process.execPath, ["--import", "tsx", WORKER], {
      env: { ...process.env, TWILIO_API_BASE_URL: sandbox.url, WORKER_CONCURRENCY: String(concurrency) },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout!.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr!.on("data", (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
    return { child, output: () => output, exited };
  });
  for (const worker of workers) await waitFor(() => worker.output().includes("worker: dispatching the outbox"), 30_000, () => `a worker did not start:\n${worker.output()}`);
  return workers;
}

async function stopWorkers(workers: Worker[]) {
  for (const worker of workers) worker.child.kill("SIGTERM");
  const codes = await Promise.all(workers.map((worker) => worker.exited));
  expect(codes, workers.map((worker) => worker.output()).join("\n----\n")).toEqual(workers.map(() => 0));
}

async function waitFor(done: () => boolean | Promise<boolean>, timeoutMs: number, explain: () => string = () => "") {
  const deadline = Date.now() + timeoutMs;
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms ${explain()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** An IANA zone where it is early afternoon now, so no recipient is in quiet hours while the test runs. */
function afternoonZone(): string {
  const offset = 13 - new Date().getUTCHours(); // local = UTC + offset
  const wrapped = offset > 12 ? offset - 24 : offset < -11 ? offset + 24 : offset;
  // Etc/GMT zones are named with the opposite sign (Etc/GMT-3 is UTC+3).
  return wrapped === 0 ? "Etc/UTC" : `Etc/GMT${wrapped > 0 ? "-" : "+"}${Math.abs(wrapped)}`;
}

let phoneBlock = 0;

/** `count` subscribed numbers, and (unless `planned` is false) a campaign already planned into one queued row each. */
async function campaignOf(shop: string, count: number, options: { planned?: boolean } = {}) {
  const block = ++phoneBlock;
  const now = new Date();
  const zone = afternoonZone();
  const subscribers = Array.from({ length: count }, (_, i) => ({
    id: `sub-${block}-${i}-${shop}`,
    shop,
    phone: `+1555${String(block).padStart(2, "0")}${String(i).padStart(5, "0")}`,
    status: "subscribed",
    optInLevel: "single",
    subscribedAt: new Date(now.getTime() - 86_400_000),
    timezone: zone,
  }));
  await prisma.subscriber.createMany({ data: subscribers });
  if (options.planned === false) return { phones: subscribers.map((s) => s.phone), campaignId: null };
  const campaign = await prisma.campaign.create({ data: { shop, name: "Flash sale", body: BODY, status: "sending", plannedAt: now, startedAt: now } });
  await prisma.message.createMany({
    data: subscribers.map((subscriber, i) => ({
      shop,
      subscriberId: subscriber.id,
      campaignId: campaign.id,
      phone: subscriber.phone,
      body: BODY,
      kind: "marketing",
      // One after the other, so the order of sending is known.
      nextAttemptAt: new Date(now.getTime() - 60_000 + i),
    })),
  });
  return { phones: subscribers.map((s) => s.phone), campaignId: campaign.id };
}

const stillToDo = (shop: string) => prisma.message.count({ where: { shop, OR: [{ status: "queued" }, { status: "sending", lockedUntil: { not: null } }] } });
const sentFrom = (sender: string) => sandbox.messages.filter((m) => m.from === sender && m.body === BODY);

function duplicates(phones: string[]): string[] {
  const seen = new Set<string>();
  return phones.filter((phone) => (seen.has(phone) ? true : (seen.add(phone), false)));
}

/** Per worker process, the rows its dispatch reports say it claimed. */
function claimedPerWorker(workers: Worker[]): number[] {
  return workers.map((worker) =>
    [...worker.output().matchAll(/^worker: (\{"claimed".*\})$/gm)].reduce((sum, match) => sum + (JSON.parse(match[1]!) as { claimed: number }).claimed, 0),
  );
}

describe.runIf(databaseProvider() === "postgresql")("several worker processes on PostgreSQL", () => {
  it.each([2, 4])("%i workers send every text of a campaign exactly once", async (count) => {
    const { shop, inboundNumber } = await createTestShop({ maxMessagesPerSecond: 1000 });
    const workers = await startWorkers(count, 4);
    const rows = 600;
    const { phones } = await campaignOf(shop, rows);
    await waitFor(async () => (await stillToDo(shop)) === 0, 90_000, () => workers.map((w) => w.output()).join("\n"));
    await stopWorkers(workers);

    const sent = sentFrom(inboundNumber).map((m) => m.to);
    expect(duplicates(sent)).toEqual([]);
    expect(new Set(sent)).toEqual(new Set(phones));
    const statuses = await prisma.message.groupBy({ by: ["status"], where: { shop }, _count: { _all: true } });
    expect(statuses).toEqual([{ status: "sending", _count: { _all: rows } }]); // at Twilio, with its MessageSid
    expect(await prisma.message.count({ where: { shop, twilioSid: null } })).toBe(0);
    const claimed = claimedPerWorker(workers);
    expect(claimed.reduce((a, b) => a + b, 0)).toBe(rows);
    expect(claimed.filter((n) => n > 0).length, `claimed per worker: ${claimed.join(", ")}`).toBeGreaterThan(1);
  }, 180_000);
});

describe(`a worker process killed mid-batch (${databaseProvider()})`, () => {
  it("leaves no duplicate and no lost text: each is sent, unknown, or still due and sent by the next worker", async () => {
    const { shop, inboundNumber } = await createTestShop({ maxMessagesPerSecond: 40 });
    const concurrency = 10;
    const [first] = await startWorkers(1, concurrency);
    const rows = 200;
    await campaignOf(shop, rows);
    await waitFor(() => sentFrom(inboundNumber).length >= 50, 60_000, () => first!.output());
    first!.child.kill("SIGKILL");
    await first!.exited;

    const atKill = await prisma.message.findMany({ where: { shop } });
    const sentAtKill = sentFrom(inboundNumber);
    expect(duplicates(sentAtKill.map((m) => m.to))).toEqual([]);
    const held = atKill.filter((m) => m.status === "sending" && m.lockedUntil !== null);
    // Few texts were claimed and not yet recorded: those in flight and the few claimed ahead of the free slots.
    expect(held.length).toBeLessThanOrEqual(mostClaimedAtOnce(concurrency));
    expect(atKill.filter((m) => m.status === "queued").length).toBeGreaterThan(0); // it really died mid-campaign

    // The dead worker's leases run out (as they would CLAIM_LEASE_MS later); a new worker sends what was still due.
    const unknown = await expireAbandonedClaims(new Date(Date.now() + CLAIM_LEASE_MS + 1000));
    expect(unknown).toBe(held.length);
    const second = await startWorkers(1, concurrency);
    await waitFor(async () => (await stillToDo(shop)) === 0, 90_000, () => second[0]!.output());
    await stopWorkers(second);

    const final = await prisma.message.findMany({ where: { shop } });
    const sent = sentFrom(inboundNumber);
    expect(duplicates(sent.map((m) => m.to))).toEqual([]);
    const bySid = new Map(sent.map((m) => [m.sid, m]));
    const accepted = final.filter((m) => m.status === "sending" && m.twilioSid !== null);
    const unknownRows = final.filter((m) => m.status === "unknown");
    expect(accepted.length + unknownRows.length).toBe(rows); // nothing lost, nothing left
    for (const row of accepted) expect(bySid.get(row.twilioSid!)?.to).toBe(row.phone);
    expect(unknownRows.map((m) => m.id).sort()).toEqual(held.map((m) => m.id).sort());
    // An unknown text went out at most once (if the worker died after Twilio took it), never again.
    for (const row of unknownRows) expect(sent.filter((m) => m.to === row.phone).length).toBeLessThanOrEqual(1);
  }, 180_000);
});

describe(`a STOP while a campaign is going out (${databaseProvider()})`, () => {
  it("the worker plans the scheduled campaign, and after the STOP not one more marketing text goes to that number", async () => {
    const { shop, inboundNumber, authToken } = await createTestShop({ maxMessagesPerSecond: 5 });
    const { phones } = await campaignOf(shop, 25, { planned: false });
    const campaign = await prisma.campaign.create({ data: { shop, name: "Planned by the worker", body: BODY, status: "scheduled", scheduleMode: "shop_time", scheduledAt: new Date() } });
    const workers = await startWorkers(1, 5);

    // Planned by the worker, then sent at 5 a second: the last numbers go out seconds after the first.
    await waitFor(() => sentFrom(inboundNumber).length >= 3, 60_000, () => workers[0]!.output());
    const rows = await prisma.message.count({ where: { campaignId: campaign.id } });
    expect(rows).toBe(phones.length);
    const sentSoFar = new Set(sentFrom(inboundNumber).map((m) => m.to));
    const stopper = phones.filter((phone) => !sentSoFar.has(phone)).at(-1)!;

    const params = inboundParams({ inboundNumber }, stopper, "STOP");
    const url = `${app.url}/webhooks/twilio/sms`;
    const answer = await fetch(url, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded", "X-Twilio-Signature": twilio.getExpectedTwilioSignature(authToken, url, params) },
      body: new URLSearchParams(params),
    });
    expect(answer.status).toBe(200);
    const stoppedAt = Date.now();

    await waitFor(async () => (await stillToDo(shop)) === 0, 60_000, () => workers[0]!.output());
    await stopWorkers(workers);

    const toStopper = sentFrom(inboundNumber).filter((m) => m.to === stopper);
    expect(toStopper.filter((m) => m.receivedAt.getTime() >= stoppedAt)).toEqual([]);
    expect(toStopper).toEqual([]);
    const row = await prisma.message.findFirstOrThrow({ where: { campaignId: campaign.id, phone: stopper } });
    expect(["cancelled", "suppressed"]).toContain(row.status);
    // Everyone else got the campaign once.
    const sent = sentFrom(inboundNumber).map((m) => m.to);
    expect(duplicates(sent)).toEqual([]);
    expect(new Set(sent)).toEqual(new Set(phones.filter((phone) => phone !== stopper)));
  }, 180_000);
});
