import fs from "node:fs";
import { describe, expect, it } from "vitest";
import { postgresSchemaFrom } from "./schema-twin";

describe("PostgreSQL schema twin", () => {
  it("is exactly what `npm run setup` derives from prisma/schema.prisma", () => {
    const source = fs.readFileSync("prisma/schema.prisma", "utf8");
    expect(fs.readFileSync("prisma/postgresql/schema.prisma", "utf8")).toBe(postgresSchemaFrom(source));
  });

  it("changes only the provider and the client output", () => {
    const twin = postgresSchemaFrom('generator client {\n  output = "../node_modules/.prisma/client"\n}\ndatasource db {\n  provider = "sqlite"\n}\n');
    expect(twin).toContain('provider = "postgresql"');
    expect(twin).toContain("node_modules/.prisma/client-postgresql");
  });

  it("fails loudly when the source no longer has the expected lines", () => {
    expect(() => postgresSchemaFrom("datasource db {}")).toThrow(/expected sqlite datasource/);
  });
});
