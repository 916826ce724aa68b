import type pg from "pg";

/**
 * node-postgres settings for a `postgresql://` URL. Prisma's `?schema=` parameter
 * is honoured by putting that schema first on the search_path, so raw SQL and the
 * Prisma client see the same tables.
 *
 * JIT compilation is off: PostgreSQL compiles any query it estimates as costly,
 * and for this app's short queries (a count over a shop's 100,000 subscribers)
 * the compile took about a second, longer than the query.
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
      options: ["-c jit=off", ...(schema ? [`-c search_path="${schema}"`] : [])].join(" "),
    },
    schema,
  };
}
