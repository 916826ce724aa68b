import { afterAll, inject } from "vitest";
import { disconnectPrisma } from "../../app/db.server";
import { copySqliteBase, createPostgresSchema } from "./databases";

// Each test file gets a database of its own, so files run in parallel safely.
if (process.env.TEST_DB_PROVIDER === "postgresql") {
  const { url, drop } = await createPostgresSchema();
  process.env.DATABASE_URL = url;
  afterAll(async () => {
    await disconnectPrisma();
    await drop();
  });
} else {
  process.env.DATABASE_URL = copySqliteBase(inject("sqliteBase"));
  afterAll(async () => {
    await disconnectPrisma();
  });
}
