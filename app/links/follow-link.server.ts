/**
 * What `GET /l/<code>` does: one lookup of the link by its unique code, and,
 * for a person's click on a live link, one INSERT of the click. Nothing is
 * cached in this process: an expired link stops working the moment it
 * expires, and a link deleted with its shop (shop/redact) the moment it is
 * deleted.
 *
 * Both run in a transaction of the group commit (db/group-commit.ts), so
 * clicks that arrive together share one COMMIT. On PostgreSQL the clicks of
 * a group also run as one batch: their links are read in one query before
 * them (`prepare`), and their clicks go as one multi-row INSERT.
 */
import { randomUUID } from "node:crypto";
import { withSqlTransaction } from "../db.server";
import type { BatchHint } from "../db/group-commit";
import { readDate, type Sql, type SqlRow } from "../db/sql.server";
import { isLinkExpired } from "./link-expiry";
import { visitKind, type LinkVisit, type VisitKind } from "./link-visitor";
import { isShortCode } from "./short-code";

export type LinkAnswer =
  /** Redirect to `url`; `recorded`: whether the visit was recorded as a click (a person's, not a preview's). */
  | { kind: "redirect"; url: string; visit: VisitKind; recorded: boolean }
  /** No such link (never was, or deleted with its shop). */
  | { kind: "unknown" }
  /** The link's time is over: the page leads to the shop instead. */
  | { kind: "expired"; shop: string };

interface LinkRow {
  id: string;
  shop: string;
  campaignId: string | null;
  subscriberId: string | null;
  url: string;
  expiresAt: Date | null;
}

const SELECT_LINK = `SELECT "code", "id", "shop", "campaignId", "subscriberId", "url", "expiresAt" FROM "TrackedLink"`;
const INSERT_CLICK = `INSERT INTO "LinkClick" ("id", "shop", "linkId", "campaignId", "subscriberId", "clickedAt") VALUES (?, ?, ?, ?, ?, ?)`;
const KNOWN = (code: string) => `TrackedLink:${code}`;

const linkOf = (row: SqlRow): LinkRow => ({
  id: String(row.id),
  shop: String(row.shop),
  campaignId: row.campaignId == null ? null : String(row.campaignId),
  subscriberId: row.subscriberId == null ? null : String(row.subscriberId),
  url: String(row.url),
  expiresAt: readDate(row.expiresAt),
});

/** A batch's links in one query, kept in Sql.known for its units (PostgreSQL; see group-commit.ts). */
const CLICK_BATCH: Omit<BatchHint<string>, "data"> = {
  key: "link-clicks",
  async prepare(sql, codes) {
    const distinct = [...new Set(codes)];
    const rows = await sql.all(`${SELECT_LINK} WHERE "code" IN (${distinct.map(() => "?").join(", ")})`, distinct);
    const found = new Map(rows.map((row) => [String(row.code), linkOf(row)]));
    for (const code of distinct) sql.known?.set(KNOWN(code), found.get(code) ?? null);
  },
};

async function findLink(sql: Sql, code: string): Promise<LinkRow | null> {
  const known = sql.known?.get(KNOWN(code));
  if (known !== undefined) return known as LinkRow | null;
  const [row] = await sql.all(`${SELECT_LINK} WHERE "code" = ?`, [code]);
  return row ? linkOf(row) : null;
}

export async function followTrackedLink(code: string, visit: LinkVisit, now: Date = new Date()): Promise<LinkAnswer> {
  if (!isShortCode(code)) return { kind: "unknown" };
  const kind = visitKind(visit);
  return withSqlTransaction(
    async (sql): Promise<LinkAnswer> => {
      const link = await findLink(sql, code);
      // Only http(s) targets are ever written (campaign-text.ts rewrites nothing else); anything else is not followed.
      if (!link || !/^https?:\/\//i.test(link.url)) return { kind: "unknown" };
      if (isLinkExpired(link.expiresAt, now)) return { kind: "expired", shop: link.shop };
      const recorded = kind === "click";
      if (recorded) await sql.defer(INSERT_CLICK, [randomUUID(), link.shop, link.id, link.campaignId, link.subscriberId, now]);
      return { kind: "redirect", url: link.url, visit: kind, recorded };
    },
    { batch: { ...CLICK_BATCH, data: code } },
  );
}
