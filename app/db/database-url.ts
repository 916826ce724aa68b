import path from "node:path";

export type DatabaseProvider = "sqlite" | "postgresql";

/** The embedded default: a SQLite file inside the project, created by `npm run setup`. */
export const DEFAULT_DATABASE_URL = "file:./data/app.db";

export function resolveDatabaseUrl(url = process.env.DATABASE_URL): string {
  return url && url.trim() !== "" ? url.trim() : DEFAULT_DATABASE_URL;
}

export function providerOf(url: string): DatabaseProvider {
  if (url.startsWith("file:")) return "sqlite";
  if (/^postgres(ql)?:\/\//.test(url)) return "postgresql";
  throw new Error(
    `DATABASE_URL must start with "file:" (SQLite) or "postgresql://" (PostgreSQL); got "${url.split(":")[0]}:…"`,
  );
}

/** Absolute path of a `file:` URL; relative paths are taken from the project root (the working directory). */
export function sqliteFilePath(url: string, cwd = process.cwd()): string {
  const file = url.replace(/^file:/, "").replace(/\?.*$/, "");
  return path.resolve(cwd, file);
}
