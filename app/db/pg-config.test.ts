import { describe, expect, it } from "vitest";
import { pgConnectionConfig } from "./pg-config";

describe("pgConnectionConfig", () => {
  it("turns JIT off and puts Prisma's schema first on the search path", () => {
    const { config, schema } = pgConnectionConfig("postgresql://postgres@127.0.0.1:5432/test?schema=tenant_a");
    expect(schema).toBe("tenant_a");
    expect(config.connectionString).toBe("postgresql://postgres@127.0.0.1:5432/test");
    expect(config.options).toBe('-c jit=off -c search_path="tenant_a"');
  });

  it("turns JIT off without a schema too, and refuses a schema name that is not an identifier", () => {
    expect(pgConnectionConfig("postgresql://postgres@127.0.0.1:5432/test").config.options).toBe("-c jit=off");
    expect(() => pgConnectionConfig('postgresql://h/db?schema=a";drop')).toThrow(/Invalid schema name/);
  });
});
