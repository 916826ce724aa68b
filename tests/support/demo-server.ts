/**
 * `npm run demo` (scripts/demo.ts) as a browser test starts it: on a free port
 * and a database of its own, until it prints the admin link; and a headless
 * Chromium that Shopify's library does not take for a bot.
 */
import { type ChildProcess, spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { chromium, type Browser, type Page } from "playwright-core";
import { freePort } from "./free-port";

const CHROMIUM = process.env.CHROMIUM_PATH || "/usr/bin/chromium";
const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];

/** Shopify's library answers bots (and headless Chrome's default user agent is one) with 410 Gone. */
const DESKTOP_CHROME = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36";

export interface DemoServer {
  adminLink: string;
  databaseUrl: string;
  /** Everything the demo printed, for failure messages. */
  output: () => string;
  /** SIGTERM, then SIGKILL to its whole process group (the app and its worker) if it hangs; the exit code, or "killed". */
  stop: () => Promise<number | null | "killed">;
}

export async function startDemo(timeoutMs = 200_000): Promise<DemoServer> {
  const port = await freePort();
  const databaseUrl = `file:${path.join(fs.mkdtempSync(path.join(os.tmpdir(), "demo-e2e-")), "demo.db")}`;
  const child = spawn(process.execPath, ["node_modules/tsx/dist/cli.mjs", "scripts/demo.ts"], {
    // Its own address as the public URL (not the tests' made-up one): the Twilio test server posts delivery reports there.
    env: { ...process.env, PORT: String(port), DATABASE_URL: databaseUrl, NODE_ENV: "development", DEMO_MODE: "", SHOPIFY_APP_URL: `http://localhost:${port}` },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true, // its own process group, so the worker it starts goes with it
  });
  const output: string[] = [];
  child.stdout?.on("data", (chunk: Buffer) => output.push(chunk.toString()));
  child.stderr?.on("data", (chunk: Buffer) => output.push(chunk.toString()));
  const adminLink = await waitForAdminLink(child, output, timeoutMs);
  return { adminLink, databaseUrl, output: () => output.join(""), stop: () => stopDemo(child) };
}

function waitForAdminLink(child: ChildProcess, output: string[], timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`npm run demo printed no admin link in time:\n${output.join("")}`)), timeoutMs);
    const check = () => {
      const match = /^(http:\/\/localhost:\d+\/app\?\S+)$/m.exec(output.join(""));
      if (!match) return;
      clearTimeout(timer);
      child.stdout?.off("data", check);
      resolve(match[1]!);
    };
    child.stdout?.on("data", check);
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`npm run demo exited with ${code}:\n${output.join("")}`));
    });
  });
}

async function stopDemo(child: ChildProcess): Promise<number | null | "killed"> {
  if (child.exitCode !== null || child.pid === undefined) return child.exitCode;
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  child.kill("SIGTERM");
  const code = await Promise.race([exited, new Promise<"hung">((resolve) => setTimeout(() => resolve("hung"), 15_000))]);
  if (code !== "hung") {
    killGroup(child.pid, "SIGTERM"); // anything of its group still running (its worker) goes too
    return code;
  }
  killGroup(child.pid, "SIGKILL");
  return "killed";
}

function killGroup(pid: number, signal: NodeJS.Signals) {
  try {
    process.kill(-pid, signal);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ESRCH") throw error; // nothing left to stop
  }
}

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}

/** A desktop-sized page whose uncaught errors are collected in `errors`. */
export async function openPage(browser: Browser, height = 1400): Promise<{ page: Page; errors: string[] }> {
  // A context of its own, as axe-core (tests/support/axe.ts) requires of the page it checks.
  const context = await browser.newContext({ viewport: { width: 1280, height }, userAgent: DESKTOP_CHROME });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on("pageerror", (error) => errors.push(error.message));
  return { page, errors };
}
