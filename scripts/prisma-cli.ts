import { execFileSync } from "node:child_process";
import { createRequire } from "node:module";
import type { DatabaseProvider } from "../app/db/database-url";

const require = createRequire(import.meta.url);
const prismaBin = require.resolve("prisma/build/index.js");

/**
 * Runs the Prisma CLI for one provider. DATABASE_URL must be set to a URL of that
 * provider even for commands that do not connect: without it the CLI cannot read
 * the schema, assumes the classic engine and tries to download it.
 */
export function prisma(provider: DatabaseProvider, args: string[], databaseUrl?: string): string {
  const url =
    databaseUrl ??
    (provider === "sqlite" ? "file:./data/app.db" : "postgresql://postgres@127.0.0.1:5432/postgres");
  return execFileSync(process.execPath, [prismaBin, ...args], {
    encoding: "utf8",
    env: { ...process.env, PRISMA_PROVIDER: provider, DATABASE_URL: url, PRISMA_HIDE_UPDATE_MESSAGE: "1" },
    stdio: ["ignore", "pipe", "pipe"],
  })
    .split("\n")
    .filter((line) => !line.startsWith("Loaded Prisma config from"))
    .join("\n");
}
