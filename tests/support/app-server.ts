/**
 * server/app-server.ts (what `npm start` runs), started on a free port with
 * the app compiled by Vite in memory (as `npm run dev` compiles it) instead of
 * build/, so tests need no `npm run build` and never race another build. The
 * app shares the test's database: DATABASE_URL is set before it loads.
 */
import type { ServerBuild } from "@remix-run/node";
import { createServer } from "vite";
import { startAppServer, type AppServer } from "../../server/app-server";

export async function startTestAppServer(): Promise<AppServer> {
  const vite = await createServer({ server: { middlewareMode: true, hmr: false }, appType: "custom", logLevel: "warn" });
  try {
    const build = (await vite.ssrLoadModule("virtual:remix/server-build")) as ServerBuild;
    const server = await startAppServer({ port: 0, host: "127.0.0.1", build });
    return {
      ...server,
      url: `http://127.0.0.1:${server.port}`,
      close: async () => {
        await server.close();
        await vite.close();
      },
    };
  } catch (error) {
    await vite.close();
    throw error;
  }
}
