/** Builds the Remix app when build/ is missing or older than its sources. */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    const mtime = entry.isDirectory() ? newestMtime(full) : fs.statSync(full).mtimeMs;
    if (mtime > newest) newest = mtime;
  }
  return newest;
}

export async function ensureBuilt(root = process.cwd()): Promise<void> {
  const serverBuild = path.join(root, "build", "server", "index.js");
  const sources = Math.max(newestMtime(path.join(root, "app")), fs.statSync(path.join(root, "vite.config.ts")).mtimeMs);
  if (fs.existsSync(serverBuild) && fs.statSync(serverBuild).mtimeMs >= sources) return;
  console.log("Building the app (remix vite:build)…");
  execFileSync(process.execPath, [path.join(root, "node_modules", "@remix-run", "dev", "dist", "cli.js"), "vite:build"], {
    cwd: root,
    stdio: ["ignore", "inherit", "inherit"],
    env: { ...process.env, NODE_ENV: "production" },
  });
}
