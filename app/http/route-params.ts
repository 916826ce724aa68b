/**
 * Ids taken from a URL. Every id the app writes is a cuid (or another short
 * token of letters, digits, "_" and "-"), so anything else cannot name a row:
 * it is answered "not found" (404) at the route, never passed on to the
 * database, and never a 500.
 */
import { z } from "zod";

export const rowIdSchema = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/);

/** The id, or a thrown 404 with `notFound` as its text. */
export function requireRowId(value: string | undefined, notFound: string): string {
  const parsed = rowIdSchema.safeParse(value);
  if (!parsed.success) throw new Response(notFound, { status: 404, headers: { "Content-Type": "text/plain; charset=utf-8" } });
  return parsed.data;
}
