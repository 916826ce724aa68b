/**
 * What unauthenticated oversized bodies cost the server: server/app-server.ts
 * (with the app compiled by Vite, so no build is needed) receives unsigned
 * 100 MB POSTs on a Shopify webhook route, one and then four at once, chunked
 * and with a declared Content-Length; prints the process's RSS before and at
 * its peak, and what each client was answered after sending how much.
 *
 *   node --expose-gc node_modules/tsx/dist/cli.mjs scripts/measure-body-caps.ts
 */
import http from "node:http";
import os from "node:os";
import path from "node:path";
import fs from "node:fs";
import { startAppServer } from "../server/app-server";
import { loadViteBuild } from "../server/vite-build";

const MB = 1024 * 1024;
const BODY_BYTES = 100 * MB;

Object.assign(process.env, {
  SHOPIFY_API_KEY: "measure-api-key",
  SHOPIFY_API_SECRET: "measure-api-secret",
  SHOPIFY_APP_URL: "http://localhost",
  ENCRYPTION_KEY: "ab".repeat(32),
  // Nothing is written (every request is refused), but the app opens its database: a throwaway one, migrated.
  DATABASE_URL: `file:${path.join(fs.mkdtempSync(path.join(os.tmpdir(), "body-caps-")), "app.db")}`,
});

/** POSTs `total` bytes, stopping as soon as the server answers; resolves to what happened. */
function post(url: string, total: number, declared: boolean): Promise<string> {
  return new Promise((resolve) => {
    const headers = { "Content-Type": "application/json", ...(declared ? { "Content-Length": String(total) } : {}) };
    const req = http.request(url, { method: "POST", headers });
    const chunk = Buffer.alloc(256 * 1024, "x");
    let sent = 0;
    let answered = false;
    const pump = () => {
      while (!answered && sent < total) {
        sent += chunk.length;
        if (!req.write(chunk)) return void req.once("drain", pump);
      }
      if (!answered) req.end();
    };
    const sentMb = () => `${(sent / MB).toFixed(1)} MB sent`;
    req.on("response", (res) => {
      answered = true;
      res.resume();
      res.on("end", () => resolve(`${res.statusCode} after ${sentMb()}`));
    });
    req.on("error", (error) => !answered && resolve(`${error.message} after ${sentMb()}`));
    pump();
  });
}

const rssMb = () => process.memoryUsage().rss / MB;
const gc = () => (globalThis as { gc?: () => void }).gc?.();

const { migrate } = await import("../app/db/migrator");
const { resolveDatabaseUrl } = await import("../app/db/database-url");
await migrate(resolveDatabaseUrl());

const vite = await loadViteBuild();
const server = await startAppServer({ port: 0, host: "127.0.0.1", build: vite.build });
const url = `http://127.0.0.1:${server.port}/webhooks/orders/create`;
await post(url, 10_000, true); // load the route once before measuring

for (const [label, count, declared] of [
  ["1 x 100 MB chunked ", 1, false],
  ["4 x 100 MB chunked ", 4, false],
  ["4 x 100 MB declared", 4, true],
] as const) {
  gc();
  const before = rssMb();
  let peak = before;
  const sampler = setInterval(() => (peak = Math.max(peak, rssMb())), 10);
  const answers = await Promise.all(Array.from({ length: count }, () => post(url, BODY_BYTES, declared)));
  clearInterval(sampler);
  console.log(`${label}: RSS ${before.toFixed(0)} MB before, peak ${peak.toFixed(0)} MB (+${(peak - before).toFixed(0)} MB); ${answers.join("; ")}`);
}
await server.close();
await vite.close();
process.exit(0);
