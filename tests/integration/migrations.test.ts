import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import prisma from "../../app/db.server";
import { migrate, migrationsDir, readMigrations } from "../../app/db/migrator";
import { prisma as prismaCli } from "../../scripts/prisma-cli";

const provider = process.env.TEST_DB_PROVIDER === "postgresql" ? "postgresql" : "sqlite";

describe(`migrations on ${provider}`, () => {
  it("records every migration as prisma migrate does, and a second run applies nothing", async () => {
    const result = await migrate(process.env.DATABASE_URL!);
    const migrations = readMigrations(migrationsDir(provider));
    expect(result).toEqual({ applied: [], alreadyApplied: migrations.length });
    const rows = await prisma.$queryRawUnsafe<Array<{ migration_name: string; checksum: string; finished: number }>>(
      `SELECT migration_name, checksum, CASE WHEN finished_at IS NULL THEN 0 ELSE 1 END AS finished FROM "_prisma_migrations" ORDER BY migration_name`,
    );
    expect(rows.map((r) => [r.migration_name, r.checksum, Number(r.finished)])).toEqual(migrations.map((m) => [m.name, m.checksum, 1]));
  });

  it("refuses a migration that was edited after it was applied", async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "edited-migration-"));
    fs.cpSync(path.join(process.cwd(), "prisma"), path.join(root, "prisma"), { recursive: true });
    const [first] = readMigrations(migrationsDir(provider, root));
    fs.appendFileSync(path.join(migrationsDir(provider, root), first!.name, "migration.sql"), "\n-- edited\n");
    await expect(migrate(process.env.DATABASE_URL!, root)).rejects.toThrow(/edited after it was applied/);
  });

  // Prisma 6.19's migrate cannot talk to PostgreSQL through the pg adapter (prisma/orm#27403),
  // so the end-to-end check with Prisma's own CLI runs on SQLite; both share the migrator.
  if (provider === "sqlite") {
    it("leaves nothing for `prisma migrate deploy` to do", async () => {
      const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "deploy-check-")), "fresh.db");
      await migrate(`file:${file}`);
      const output = prismaCli("sqlite", ["migrate", "deploy"], `file:${file}`);
      expect(output).toContain("No pending migrations to apply");
    });
  }
});
