/**
 * What every benchmark script reads the same way: its numeric options, the
 * databases it runs on, and the environment its app processes start with (the
 * test environment's made-up values: nothing here is a real secret).
 */
import { providerOf, type DatabaseProvider } from "../../app/db/database-url";

export const BENCH_APP_ENV = {
  SHOPIFY_API_KEY: "bench-api-key",
  SHOPIFY_API_SECRET: "bench-api-secret",
  SHOPIFY_APP_URL: "https://sms-consent.bench.example",
  ENCRYPTION_KEY: "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
  SCOPES: "read_customers,write_customers,read_orders",
};

export function positive(name: string, value: string): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number < 1) throw new Error(`--${name} must be a positive integer, got ${value}`);
  return number;
}

/** `--db sqlite|postgresql|both`; a PostgreSQL run also needs a postgresql:// `--postgres-url`. */
export function databasesOf(db: string, postgresUrl: string): DatabaseProvider[] {
  const providers: DatabaseProvider[] = db === "both" ? ["sqlite", "postgresql"] : db === "sqlite" || db === "postgresql" ? [db] : [];
  if (providers.length === 0) throw new Error(`--db must be sqlite, postgresql or both, got ${db}`);
  if (providers.includes("postgresql")) providerOf(postgresUrl); // refuses anything but a postgresql:// URL
  return providers;
}
