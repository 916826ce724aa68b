/**
 * `npm start` with NODE_ENV=production refuses the demo's published values
 * (issue 8, defect 6): a real process, which must exit non-zero before it
 * listens, naming each offending variable and how to fix it. The refusal comes
 * before the build is loaded, so no build is needed to check it.
 */
import { spawn } from "node:child_process";
import path from "node:path";
import { describe, expect, it } from "vitest";
import prisma from "../../app/db.server";
import { DEFAULT_DEMO_TWILIO_AUTH_TOKEN, DEMO_ENCRYPTION_KEY, DEMO_SHOP, DEMO_SHOPIFY_API_KEY, DEMO_SHOPIFY_API_SECRET } from "../../app/demo/demo-mode.server";
import { TEST_ENV } from "../setup/test-env";

const START = path.join(import.meta.dirname, "../../server/start.ts");

/** Runs `npm start`'s entry point; resolves with its exit code and output, or "listening" if it got that far (then it is stopped). */
function start(environment: Record<string, string>): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, ["--import", "tsx", START], {
    env: { ...process.env, ...TEST_ENV, PORT: "0", HOST: "127.0.0.1", ...environment },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const collect = (chunk: Buffer) => {
    output += chunk.toString();
    if (output.includes("listening on")) child.kill("SIGTERM");
  };
  child.stdout.on("data", collect);
  child.stderr.on("data", collect);
  const timer = setTimeout(() => child.kill("SIGKILL"), 25_000);
  return new Promise((resolve) =>
    child.once("exit", (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    }),
  );
}

describe("npm start in production", () => {
  it("refuses the demo's API secret, naming the variable and the fix", async () => {
    const { code, output } = await start({ NODE_ENV: "production", SHOPIFY_API_SECRET: DEMO_SHOPIFY_API_SECRET });
    expect(code).toBe(1);
    expect(output).toContain("Refusing to start with NODE_ENV=production: these variables hold the demo's published values, which anyone can read:");
    expect(output).toContain("  - SHOPIFY_API_SECRET: set it to your app's client secret from the Partner dashboard");
    expect(output).not.toContain("listening on");
  });

  it("names every demo value in use at once", async () => {
    const { code, output } = await start({
      NODE_ENV: "production",
      SHOPIFY_API_KEY: DEMO_SHOPIFY_API_KEY,
      SHOPIFY_API_SECRET: DEMO_SHOPIFY_API_SECRET,
      ENCRYPTION_KEY: DEMO_ENCRYPTION_KEY.toUpperCase(),
      DEMO_TWILIO_AUTH_TOKEN: DEFAULT_DEMO_TWILIO_AUTH_TOKEN,
    });
    expect(code).toBe(1);
    for (const variable of ["SHOPIFY_API_KEY", "SHOPIFY_API_SECRET", "ENCRYPTION_KEY", "DEMO_TWILIO_AUTH_TOKEN"]) expect(output).toContain(`  - ${variable}: `);
    expect(output).toContain("openssl rand -hex 32");
  });

  it("refuses a database that npm run demo seeded", async () => {
    await prisma.shop.create({ data: { shop: DEMO_SHOP, brandName: "Juniper & Pine", supportContact: "help@juniperandpine.example", demo: true } });
    try {
      const { code, output } = await start({ NODE_ENV: "production" });
      expect(code).toBe(1);
      expect(output).toContain(`the database holds the demo shop (${DEMO_SHOP})`);
      expect(output).toContain("Point DATABASE_URL at a database of its own for production.");
    } finally {
      await prisma.shop.delete({ where: { shop: DEMO_SHOP } });
    }
  });

  it("gets past these checks with values of its own (then needs the build)", async () => {
    const { output } = await start({ NODE_ENV: "production" });
    expect(output).not.toContain("Refusing to start");
    expect(output).toMatch(/listening on|build[\\/]server[\\/]index\.js/); // it went on to serve the build, or to look for it
  });
});
