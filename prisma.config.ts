// Prisma CLI configuration. Prisma's native engines cannot be downloaded on our
// machines, so the CLI runs its WebAssembly schema engine through a driver
// adapter. PRISMA_PROVIDER picks which of the two schemas the CLI works on.
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaPg } from "@prisma/adapter-pg";
import { defineConfig } from "prisma/config";
import { resolveDatabaseUrl, sqliteFilePath } from "./app/db/database-url";

const postgres = process.env.PRISMA_PROVIDER === "postgresql";

export default defineConfig({
  experimental: { adapter: true },
  engine: "js",
  schema: postgres ? "prisma/postgresql/schema.prisma" : "prisma/schema.prisma",
  async adapter() {
    const url = resolveDatabaseUrl();
    return postgres
      ? new PrismaPg({ connectionString: url })
      : new PrismaBetterSQLite3({ url: `file:${sqliteFilePath(url)}` });
  },
});
