import type { TestProject } from "vitest/node";
import { createSqliteBase, postgresReachable, testPostgresUrl } from "./databases";

declare module "vitest" {
  export interface ProvidedContext {
    sqliteBase: string;
  }
}

export default async function setup(project: TestProject) {
  if (process.env.TEST_DB_PROVIDER === "postgresql" || project.config.env?.TEST_DB_PROVIDER === "postgresql") {
    const problem = await postgresReachable();
    if (problem) {
      // Never a silent pass: the PostgreSQL suite is part of the contract.
      throw new Error(
        `PostgreSQL test database ${testPostgresUrl()} is not reachable (${problem}). ` +
          "Start PostgreSQL or set TEST_POSTGRES_URL (see README), or run `npm run test:sqlite` for the SQLite suite only.",
      );
    }
    return;
  }
  project.provide("sqliteBase", await createSqliteBase());
}
