import type pg from "pg";

/**
 * node-postgres settings for a `postgresql://` URL. Prisma's `?schema=` parameter
 * is honoured by putting that schema first on the search_path, so raw SQL and the
 * Prisma client see the same tables.
 */
export function pgConnectionConfig(url: string): { config: pg.ClientConfig; schema: string | undefined } {
  const parsed = new URL(url);
  const schema = parsed.searchParams.get("schema") ?? undefined;
  if (schema !== undefined && !/^[A-Za-z_][A-Za-z0-9_]*$/.test(schema)) {
    throw new Error(`Invalid schema name in DATABASE_URL: ${schema}`);
  }
  parsed.searchParams.delete("schema");
  return {
    config: {
      connectionString: parsed.toString(),
      ...(schema ? { options: `-c search_path="${schema}"` } : {}),
    },
    schema,
  };
}
