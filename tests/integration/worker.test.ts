/**
 * `npm run worker` as a process: it runs its loop against the real database
 * and stops cleanly when its supervisor sends SIGTERM (a deploy, a restart),
 * instead of hanging until it is killed.
 */
import { spawn } from "node:child_process";
import path from "node:path";
import { describe, expect, it } from "vitest";

const WORKER = path.join(import.meta.dirname, "../../scripts/worker.ts");

describe("npm run worker", () => {
  it("stops by itself on SIGTERM", async () => {
    const child = spawn(process.execPath, ["--import", "tsx", WORKER], { env: process.env, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));

    const started = Date.now();
    while (!output.includes("worker: dispatching the outbox")) {
      if (Date.now() - started > 20_000) throw new Error(`the worker did not start:\n${output}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await new Promise((resolve) => setTimeout(resolve, 1_500)); // a few turns of its loop, every background part up
    child.kill("SIGTERM");

    const stopped = await Promise.race([exited, new Promise<"hung">((resolve) => setTimeout(() => resolve("hung"), 10_000))]);
    if (stopped === "hung") child.kill("SIGKILL");
    expect(stopped, output).toBe(0);
  });
});
