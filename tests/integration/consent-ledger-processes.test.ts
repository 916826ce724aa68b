/**
 * Several app processes on one database (several instances behind a load
 * balancer, or the worker beside the app): each groups its own consent changes,
 * and the shop's chain-head lock must still put all of them in one line.
 */
import { fork } from "node:child_process";
import path from "node:path";
import { describe, expect, it } from "vitest";
import prisma, { databaseProvider } from "../../app/db.server";
import { verifyConsentChain } from "../../app/consent/ledger.server";

const WRITER = path.resolve(__dirname, "../support/consent-writer-process.ts");

function writerProcess(shop: string, phonePrefix: string, count: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = fork(WRITER, [shop, phonePrefix, String(count)], {
      execArgv: ["--import", "tsx"],
      env: { ...process.env },
      stdio: ["ignore", "inherit", "inherit", "ipc"],
    });
    child.once("error", reject);
    child.once("exit", (code) => (code === 0 ? resolve() : reject(new Error(`writer process exited with code ${code}`))));
  });
}

describe(`consent changes from several processes at once (${databaseProvider()})`, () => {
  it("keep one unbroken chain per shop", async () => {
    const shop = "many-processes.myshopify.com";
    const perProcess = 25;
    await Promise.all([
      writerProcess(shop, "+1555710", perProcess),
      writerProcess(shop, "+1555720", perProcess),
      writerProcess(shop, "+1555730", perProcess),
    ]);

    expect(await verifyConsentChain(shop)).toEqual({ ok: true, events: 3 * perProcess * 2, redacted: 0 });
    // Each number's own history is in order: opted in, then out.
    const last = await prisma.subscriber.groupBy({ by: ["status"], where: { shop }, _count: true });
    expect(last).toEqual([{ status: "unsubscribed", _count: 3 * perProcess }]);
  }, 120_000);
});
