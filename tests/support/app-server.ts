/**
 * server/app-server.ts (what `npm start` runs), started on a free port with
 * the app compiled by Vite in memory instead of build/, so tests need no
 * `npm run build` and never race another build. The app shares the test's
 * database: DATABASE_URL is set before it loads.
 */
import { startAppServer, type AppServer } from "../../server/app-server";
import { loadViteBuild } from "../../server/vite-build";

export async function startTestAppServer(): Promise<AppServer> {
  const vite = await loadViteBuild();
  try {
    const server = await startAppServer({ port: 0, host: "127.0.0.1", build: vite.build });
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
