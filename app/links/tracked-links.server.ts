/**
 * Tracked links in bulk, for planning: each recipient of a campaign gets a
 * link of their own for each URL in the text (so a click is theirs), made in
 * memory while their text is rendered and written with the page's Message
 * rows, in the same transaction, as multi-row INSERTs.
 *
 *   const links = planTrackedLinks(campaign, { appUrl, now });
 *   body = renderCampaignText(template, values, program, { rewriteLink: links.rewriteLinkFor(subscriberId) });
 *   … INSERT the Message rows …
 *   await insertTrackedLinks(sql, links.rowsFor(subscriberIdsWhoseMessageWasWritten));
 *
 * Codes are random (short-code.ts), so two can meet: the INSERT skips a code
 * already taken (ON CONFLICT DO NOTHING RETURNING tells which), and that
 * link gets a new code, in its row and in the recipient's Message text, which
 * is why the Message rows are written first. A short link's length never
 * changes, so the text's segments and cost stay what planning counted.
 */
import { randomUUID } from "node:crypto";
import type { Sql, SqlValue } from "../db/sql.server";
import { linkExpiresAt } from "./link-expiry";
import { newShortCode } from "./short-code";
import { shortLinkUrl } from "./short-link";
import { withUtm } from "./utm";

export interface TrackedLinkRow {
  id: string;
  shop: string;
  campaignId: string | null;
  subscriberId: string | null;
  code: string;
  /** The merchant's URL, with UTM parameters when the shop wants them. */
  url: string;
  expiresAt: Date;
  createdAt: Date;
}

export interface LinkCampaign {
  id: string;
  shop: string;
  name: string;
  /** Shop.utmTracking. */
  utmTracking: boolean;
}

export interface PlannedLinks {
  /** For renderCampaignText's `rewriteLink`: the same URL twice in one text is one link. */
  rewriteLinkFor(subscriberId: string): (url: string) => string;
  /** The rows to insert for these recipients (those whose Message row was written), in the order their links were made. */
  rowsFor(subscriberIds: Iterable<string>): TrackedLinkRow[];
}

export function planTrackedLinks(campaign: LinkCampaign, options: { appUrl: string; now: Date }): PlannedLinks {
  const expiresAt = linkExpiresAt(options.now);
  const byRecipient = new Map<string, Map<string, TrackedLinkRow>>();
  const targets = new Map<string, string>();
  const targetOf = (url: string) => {
    let target = targets.get(url);
    if (target === undefined) {
      target = campaign.utmTracking ? withUtm(url, { campaignName: campaign.name, campaignId: campaign.id }) : url;
      targets.set(url, target);
    }
    return target;
  };
  return {
    rewriteLinkFor(subscriberId) {
      let links = byRecipient.get(subscriberId);
      if (!links) byRecipient.set(subscriberId, (links = new Map()));
      const recipientLinks = links;
      return (url) => {
        let row = recipientLinks.get(url);
        if (!row) {
          row = {
            id: randomUUID(),
            shop: campaign.shop,
            campaignId: campaign.id,
            subscriberId,
            code: newShortCode(),
            url: targetOf(url),
            expiresAt,
            createdAt: options.now,
          };
          recipientLinks.set(url, row);
        }
        return shortLinkUrl(options.appUrl, row.code);
      };
    },
    rowsFor(subscriberIds) {
      const rows: TrackedLinkRow[] = [];
      for (const subscriberId of subscriberIds) rows.push(...(byRecipient.get(subscriberId)?.values() ?? []));
      return rows;
    },
  };
}

const COLUMNS = ["id", "shop", "campaignId", "subscriberId", "code", "url", "expiresAt", "createdAt"] as const;
const TUPLE = `(${COLUMNS.map(() => "?").join(", ")})`;
/** 512 rows × 8 parameters: far under SQLite's 32,766 and PostgreSQL's 65,535. */
const MAX_ROWS_PER_INSERT = 512;
/** Rounds of new codes for codes already taken; each round's odds of another meeting are those of the first. */
const MAX_RECODE_ROUNDS = 5;

/**
 * Inserts the rows (multi-row INSERTs, statement sizes from a fixed set so
 * each text is prepared once). A code already taken gets a new one, in the
 * row and in the text of the recipient's Message of that campaign. Call it
 * in the transaction that wrote those Message rows. Changes the rows it was
 * given to carry the codes they were stored with.
 */
export async function insertTrackedLinks(sql: Sql, rows: readonly TrackedLinkRow[], appUrl: string): Promise<void> {
  let pending = [...rows];
  for (let round = 0; pending.length > 0; round += 1) {
    if (round === MAX_RECODE_ROUNDS) throw new Error(`${pending.length} tracked link codes were taken ${MAX_RECODE_ROUNDS} times in a row`);
    const taken: TrackedLinkRow[] = [];
    for (const chunk of sizedChunks(pending, MAX_ROWS_PER_INSERT)) {
      const params: SqlValue[] = [];
      for (const row of chunk) params.push(row.id, row.shop, row.campaignId, row.subscriberId, row.code, row.url, row.expiresAt, row.createdAt);
      const inserted = await sql.all(
        `INSERT INTO "TrackedLink" (${COLUMNS.map((column) => `"${column}"`).join(", ")}) VALUES ${chunk.map(() => TUPLE).join(", ")}
          ON CONFLICT ("code") DO NOTHING RETURNING "code"`,
        params,
      );
      if (inserted.length === chunk.length) continue;
      const stored = new Set(inserted.map((row) => String(row.code)));
      taken.push(...chunk.filter((row) => !stored.has(row.code)));
    }
    for (const row of taken) {
      const code = newShortCode();
      if (row.campaignId !== null && row.subscriberId !== null) {
        await sql.run(`UPDATE "Message" SET "body" = REPLACE("body", ?, ?) WHERE "campaignId" = ? AND "subscriberId" = ?`, [
          shortLinkUrl(appUrl, row.code),
          shortLinkUrl(appUrl, code),
          row.campaignId,
          row.subscriberId,
        ]);
      }
      row.code = code;
    }
    pending = taken;
  }
}

/** Full chunks of `max` (a power of two), then the binary digits of the rest: a dozen statement texts at most. */
function sizedChunks<T>(items: readonly T[], max: number): T[][] {
  const chunks: T[][] = [];
  let offset = 0;
  for (let size = max; size >= 1; ) {
    if (items.length - offset >= size) {
      chunks.push(items.slice(offset, offset + size));
      offset += size;
      if (size !== max) size /= 2;
    } else {
      size /= 2;
    }
  }
  return chunks;
}
