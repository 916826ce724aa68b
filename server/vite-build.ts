/**
 * The Remix app compiled in memory by Vite (as `npm run dev` compiles it), to
 * hand to startAppServer instead of build/: for tests and measurements that
 * must not wait for, or race, `npm run build`.
 */
import type { ServerBuild } from "@remix-run/node";
import { createServer } from "vite";

export async function loadViteBuild(): Promise<{ build: ServerBuild; close(): Promise<void> }> {
  const vite = await createServer({ server: { middlewareMode: true, hmr: false }, appType: "custom", logLevel: "warn" });
  try {
    return { build: (await vite.ssrLoadModule("virtual:remix/server-build")) as ServerBuild, close: () => vite.close() };
  } catch (error) {
    await vite.close();
    throw error;
  }
}
