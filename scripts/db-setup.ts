/**
 * `npm run setup` (also run by `npm install`): derive the PostgreSQL schema,
 * generate both Prisma clients, and migrate the configured database
 * (DATABASE_URL, default: the embedded SQLite file data/app.db).
 */
import fs from "node:fs";
import path from "node:path";
import { providerOf, resolveDatabaseUrl } from "../app/db/database-url";
import { migrate } from "../app/db/migrator";
import { postgresSchemaFrom } from "../app/db/schema-twin";
import { prisma } from "./prisma-cli";

const root = process.cwd();
const source = fs.readFileSync(path.join(root, "prisma/schema.prisma"), "utf8");
const twinPath = path.join(root, "prisma/postgresql/schema.prisma");
const twin = postgresSchemaFrom(source);
if (!fs.existsSync(twinPath) || fs.readFileSync(twinPath, "utf8") !== twin) {
  fs.mkdirSync(path.dirname(twinPath), { recursive: true });
  fs.writeFileSync(twinPath, twin);
  console.log("setup: wrote prisma/postgresql/schema.prisma from prisma/schema.prisma");
}

fs.mkdirSync(path.join(root, "data"), { recursive: true });
for (const provider of ["sqlite", "postgresql"] as const) {
  prisma(provider, ["generate", "--no-hints"]);
  console.log(`setup: generated the ${provider} Prisma client`);
}

if (process.env.SKIP_DB_MIGRATE !== "1") {
  const url = resolveDatabaseUrl();
  const result = await migrate(url, root);
  console.log(
    `setup: ${providerOf(url)} database migrated (${result.applied.length} applied, ${result.alreadyApplied} already there)`,
  );
}
