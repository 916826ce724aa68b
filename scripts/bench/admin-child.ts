/**
 * One measurement of `npm run bench:admin` (scripts/bench-admin.ts), in a
 * process of its own on the database the parent seeded (DATABASE_URL), so
 * the process's memory high-water mark is this measurement's alone. Prints
 * one line `RESULT <json>` at the end.
 *
 * BENCH_TASK=loader: the subscribers page loader's domain call (the route
 *   reads the URL with readSubscriberQuery and calls listSubscribers), for
 *   each query of BENCH_QUERIES (JSON: [{ name, params }]), BENCH_RUNS times
 *   after two warm-up calls.
 * BENCH_TASK=export: the CSV export of the shop's whole list, read to its end
 *   as the HTTP response would be, counting rows and bytes; the process's peak
 *   RSS (the kernel's high-water mark) against its RSS before the export.
 * BENCH_TASK=import: the shop's settings saved as the admin saves them, a CSV
 *   of BENCH_ROWS rows from another SMS tool (2% without a consent date, 1%
 *   repeated numbers), imported end to end (H3's importSubscribersCsv: the
 *   worker's chunks, consent engine, double opt-in texts queued).
 */
import os from "node:os";

const task = process.env.BENCH_TASK;
const shop = process.env.BENCH_SHOP!;

const mb = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10;
const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * (sorted.length - 1)))]!;
const round = (ms: number) => Math.round(ms * 10) / 10;

function report(result: Record<string, unknown>): void {
  console.log(`RESULT ${JSON.stringify({ ...result, loadAverage: Number(os.loadavg()[0]!.toFixed(1)) })}`);
}

async function loader(): Promise<void> {
  const runs = Number(process.env.BENCH_RUNS);
  const queries = JSON.parse(process.env.BENCH_QUERIES!) as { name: string; params: Record<string, string> }[];
  const { readSubscriberQuery } = await import("../../app/subscribers/subscriber-search");
  const { listSubscribers } = await import("../../app/subscribers/subscribers.server");
  const results = [];
  for (const { name, params } of queries) {
    const load = () => listSubscribers(shop, readSubscriberQuery(new URLSearchParams(params)).query);
    const first = await load();
    await load(); // warm-up: statements prepared, pages cached
    const wall: number[] = [];
    const cpu: number[] = [];
    for (let i = 0; i < runs; i++) {
      const started = performance.now();
      const cpuStarted = process.cpuUsage();
      await load();
      const used = process.cpuUsage(cpuStarted);
      cpu.push((used.user + used.system) / 1000);
      wall.push(performance.now() - started);
    }
    wall.sort((a, b) => a - b);
    cpu.sort((a, b) => a - b);
    results.push({
      name,
      params,
      total: first.total,
      rows: first.rows.length,
      p50: round(percentile(wall, 0.5)),
      p95: round(percentile(wall, 0.95)),
      cpuP50: round(percentile(cpu, 0.5)),
    });
  }
  report({ task, queries: results });
}

async function exportAll(): Promise<void> {
  const { readSubscriberQuery } = await import("../../app/subscribers/subscriber-search");
  const { exportSubscribers } = await import("../../app/subscribers/subscriber-export.server");
  const prisma = (await import("../../app/db.server")).default;
  await prisma.shop.findUnique({ where: { shop } }); // the client connected, as in a running app
  global.gc?.();
  const rssBefore = process.memoryUsage.rss();
  const started = performance.now();
  const { body } = await exportSubscribers(shop, readSubscriberQuery(new URLSearchParams()).query);
  const reader = body.getReader();
  let bytes = 0;
  let lines = 0;
  let rssSampled = rssBefore;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    bytes += value.byteLength;
    for (let i = 0; i < value.length; i++) if (value[i] === 10) lines += 1;
    rssSampled = Math.max(rssSampled, process.memoryUsage.rss());
  }
  const seconds = (performance.now() - started) / 1000;
  report({
    task,
    rows: lines - 1, // the header line
    megabytes: mb(bytes),
    seconds: Math.round(seconds * 10) / 10,
    rssBeforeMb: mb(rssBefore),
    peakRssMb: mb(process.resourceUsage().maxRSS * 1024),
    peakRssSampledMb: mb(rssSampled),
    heapUsedAfterMb: mb(process.memoryUsage().heapUsed),
  });
}

const AREAS = ["202", "312", "415", "617", "212", "305", "713", "206", "303", "404"];
/** A valid US mobile-looking number per index, distinct for distinct indexes. */
const phoneOf = (i: number) => `+1${AREAS[i % AREAS.length]}${String(2_000_000 + Math.floor(i / AREAS.length)).padStart(7, "0")}`;

function importCsv(rows: number): string {
  const lines = ["Phone Number,First Name,Last Name,Email,SMS Consent Timestamp,Opt-in Source,Disclosure"];
  for (let i = 0; i < rows; i++) {
    // 1% of the rows repeat an earlier number (merged); 2% have no consent date (refused, listed in the report).
    const number = i % 100 === 99 ? phoneOf(i - 50) : phoneOf(i);
    const date = i % 50 === 17 ? "" : `2025-${String(1 + (i % 12)).padStart(2, "0")}-${String(1 + (i % 28)).padStart(2, "0")}T10:00:00Z`;
    lines.push(
      `${number},Name${i},Family${i % 997},p${i}@example.com,${date},Klaviyo popup,"Bench Outfitters: recurring marketing texts. Msg & data rates may apply. Reply STOP to cancel."`
    );
  }
  return `${lines.join("\n")}\n`;
}

async function importRows(): Promise<void> {
  const rows = Number(process.env.BENCH_ROWS);
  const { saveShopSettings } = await import("../../app/shops/shop-settings.server");
  const { importSubscribersCsv } = await import("../../app/subscribers/import/subscriber-import.server");
  await saveShopSettings(shop, {
    brandName: "Bench Outfitters",
    supportContact: "help@bench.example",
    twilioAccountSid: `AC${"1".repeat(32)}`,
    twilioAuthToken: "bench-twilio-auth-token-0123456789",
    senderPhoneNumber: "+15005550006",
    keywordMode: "app",
  } as Parameters<typeof saveShopSettings>[1]);
  const csv = importCsv(rows);
  const started = performance.now();
  const done = await importSubscribersCsv({ shop, fileName: "bench-list.csv", csv, confirmMode: "double_opt_in", staff: "bench" });
  const seconds = (performance.now() - started) / 1000;
  report({
    task,
    rows,
    seconds: Math.round(seconds * 10) / 10,
    rowsPerSecond: Math.round(rows / seconds),
    status: done.status,
    error: done.error,
    processed: done.processedRows,
    subscribed: done.subscribedRows,
    pending: done.pendingRows,
    unchanged: done.unchangedRows,
    refused: done.refusedRows,
    peakRssMb: mb(process.resourceUsage().maxRSS * 1024),
  });
}

try {
  if (task === "loader") await loader();
  else if (task === "export") await exportAll();
  else if (task === "import") await importRows();
  else throw new Error(`BENCH_TASK must be loader, export or import, got ${task}`);
} finally {
  const { disconnectPrisma } = await import("../../app/db.server");
  await disconnectPrisma();
}
