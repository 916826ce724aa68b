/**
 * Planning: a due campaign becomes one outbox row per member of its audience,
 * written in bulk, with every sending rule applied on the way.
 *
 * The audience is read through the same WHERE clause that counts it
 * (audience.server.ts): its ids in one pass, then its members in pages by id. For each page, in
 * memory: each recipient's text (campaign-message.ts), their location, the
 * time their text is due (campaign-schedule.ts), moved out of quiet hours
 * (deferredBy "quiet_hours"), and the frequency caps over their marketing
 * history (one query per page): over a cap, the row is written "skipped" with
 * the reason. The page is then written as multi-row INSERTs … ON CONFLICT
 * ("campaignId", "subscriberId") DO NOTHING: no round trip per recipient, and
 * a recipient already planned is never planned twice. Each link in a text
 * becomes that recipient's own tracked short link (app/links/): the text is
 * rendered once per first name with a slot per link and filled per
 * recipient, and the links are written in the same transaction as the
 * Message rows, only for the rows actually written.
 *
 * Campaign status: planning claims a due campaign with the durable-job claim
 * of app/queues/job-lease.server.ts (scheduled → sending, one statement), so
 * of two workers only one plans it. Campaign.plannedAt is
 * set only once every page is written. A worker that dies mid-way leaves the
 * campaign "sending" without plannedAt; once its lease (Campaign.updatedAt,
 * renewed with every batch) has run out, another worker claims it and plans
 * the rest: the rows already written are left out of its pages. Each batch of
 * rows is written in a transaction that first renews the lease while the
 * campaign is still "sending", so a pause or cancel stops planning at the next
 * batch, and a cancel never misses rows written after it (see cancelCampaign).
 */
import { randomUUID } from "node:crypto";
import type { Shop } from "@prisma/client";
import prisma, { sqlOf, withSqlTransaction } from "../db.server";
import { env } from "../env.server";
import { readRequiredDate, type Sql, type SqlValue } from "../db/sql.server";
import { claimDueJobs, type JobTable } from "../queues/job-lease.server";
import { slottedText, type SlottedText } from "../links/link-slots";
import { shortLinkPlaceholder } from "../links/short-link";
import { insertTrackedLinks, planTrackedLinks, type TrackedLinkRow } from "../links/tracked-links.server";
import type { MessageStatus } from "../messaging/message-status";
import { countSegments } from "../messaging/segments";
import { capVerdict } from "../sending-rules/frequency-caps";
import { NoAllowedSendTimeError, nextAllowedSendTime, type ShopQuietHours } from "../sending-rules/quiet-hours";
import { recipientLocator, type RecipientLocation, type RecipientLocator } from "../sending-rules/recipient-location.server";
import { marketingHistoryFor } from "../sending-rules/sending-rules.server";
import { stateDailyCap } from "../sending-rules/state-quiet-hours";
import { readStoredAudience } from "./audience";
import { audienceIds, audienceMembersAmong, audienceWhere, type AudienceMember, type SqlCondition } from "./audience.server";
import { campaignProgramOf, recipientText } from "./campaign-message";
import { boundedChunks } from "./chunk-sizes";
import { intendedSendTime, scheduleOfCampaign, type CampaignSchedule } from "./campaign-schedule";
import type { CampaignStatus } from "./campaign-status";

/** A planner renews its claim with every page; one that has not for this long is taken to have died. */
export const PLANNING_LEASE_MS = 60_000;
/** Recipients computed per page (their history, locations and texts are held in memory together). */
export const PLANNING_PAGE_SIZE = 8192;
/** Campaigns looked at per call. */
const CAMPAIGNS_PER_CALL = 20;

/** Why a text was written "skipped" instead of "queued". */
export type PlanningSkipReason = "daily_cap" | "monthly_cap" | "smart_sending" | "no_send_window";

export interface PlanReport {
  campaignId: string;
  shop: string;
  /** planned: every page written (plannedAt set); stopped: paused or cancelled meanwhile; failed: see error (a later call resumes it). */
  outcome: "planned" | "stopped" | "failed";
  queued: number;
  deferred: number;
  skipped: number;
  error?: string;
}

export interface PlanningOptions {
  pageSize?: number;
  /** Called after each page is written (tests stop planning mid-way through it). */
  afterPage?: (campaignId: string, written: number) => void | Promise<void>;
}

const SENDING: CampaignStatus = "sending";

/** Plans every campaign that is due at `now` (and resumes any whose planner died). The worker calls it on every tick. */
export async function planDueCampaigns(now: Date = new Date(), options: PlanningOptions = {}): Promise<PlanReport[]> {
  const sql = sqlOf(prisma);
  const reports: PlanReport[] = [];
  // One at a time: a campaign is claimed just before it is planned, so its lease is not running out while others are.
  while (reports.length < CAMPAIGNS_PER_CALL) {
    const claimed = await claimCampaign(sql, now);
    if (!claimed) break;
    reports.push(await planClaimed(claimed, now, options));
  }
  return reports;
}

/**
 * Planning as a durable job: a campaign is due once scheduled and its time has
 * come; planning holds it "sending" with plannedAt empty, its lease kept in
 * updatedAt (renewed by every batch written, writeBatch); once that ran out
 * the campaign is taken over as it is, and its pages leave out what is written.
 */
const PLANNING_JOBS: JobTable = { table: "Campaign", ready: "scheduled" satisfies CampaignStatus, leased: SENDING, due: { at: "scheduledAt" }, countsAttempts: false, lease: "updatedAt" };
const STILL_PLANNING = { sql: `"job"."plannedAt" IS NULL`, params: [] };
const SHOP_INSTALLED = { sql: `EXISTS (SELECT 1 FROM "Shop" AS "h" WHERE "h"."shop" = "job"."shop" AND "h"."uninstalledAt" IS NULL)`, params: [] };

interface ClaimedCampaign {
  id: string;
  shop: string;
  name: string;
  body: string;
  audience: string;
  discountCode: string | null;
  schedule: CampaignSchedule;
}

/** scheduled → sending, or a dead planner's campaign taken over: one statement (job-lease.server.ts), so only one worker gets it. */
async function claimCampaign(sql: Sql, now: Date): Promise<ClaimedCampaign | null> {
  const [row] = await claimDueJobs(sql, PLANNING_JOBS, {
    now,
    limit: 1,
    leaseMs: PLANNING_LEASE_MS,
    takeOver: STILL_PLANNING,
    eligible: SHOP_INSTALLED,
    set: { sql: `"startedAt" = COALESCE("startedAt", ?)`, params: [now] },
    returning: ["id", "shop", "name", "body", "audience", "discountCode", "scheduleMode", "scheduledAt", "localSendTime"],
  });
  if (!row) return null;
  const scheduledAt = row.scheduledAt == null ? null : readRequiredDate(row.scheduledAt);
  const localSendTime = row.localSendTime == null ? null : String(row.localSendTime);
  return {
    id: String(row.id),
    shop: String(row.shop),
    name: String(row.name),
    body: String(row.body),
    audience: String(row.audience),
    discountCode: row.discountCode == null ? null : String(row.discountCode),
    // A campaign scheduled without its time (which scheduleCampaign never writes) goes now rather than never.
    schedule: scheduleOfCampaign({ scheduleMode: String(row.scheduleMode), scheduledAt, localSendTime }) ?? { mode: "now" },
  };
}

async function planClaimed(campaign: ClaimedCampaign, now: Date, options: PlanningOptions): Promise<PlanReport> {
  const report: PlanReport = { campaignId: campaign.id, shop: campaign.shop, outcome: "planned", queued: 0, deferred: 0, skipped: 0 };
  try {
    const shop = await prisma.shop.findUniqueOrThrow({ where: { shop: campaign.shop } });
    const context = planningContext(campaign, shop, now, await recipientLocator());
    const audience = audienceWhere(campaign.shop, readStoredAudience(campaign.audience), { now, shopTimezone: shop.timezone });
    const where = notYetPlanned(audience, campaign.id);
    const pageSize = options.pageSize ?? PLANNING_PAGE_SIZE;
    const startedAt = Date.now();
    // The lease is renewed on the caller's clock, advanced by the time planning has taken.
    const clock = () => new Date(now.getTime() + (Date.now() - startedAt));
    // Read on the plain-SQL path (app/db/sql.server.ts): Prisma's raw queries cost more per row than the rows themselves.
    const ids = await withSqlTransaction((sql) => audienceIds(sql, where));
    for (let start = 0; start < ids.length; start += pageSize) {
      // Read again by id: whoever left the audience since the ids were read (a STOP) is not in the page.
      // Their history in the same read: one range scan over the page's span of ids (marketingHistoryFor).
      const { members, history } = await withSqlTransaction(async (sql) => {
        const members = await audienceMembersAmong(sql, where, ids.slice(start, start + pageSize));
        const history = await marketingHistoryFor(campaign.shop, members.map((member) => member.id), now, { sql });
        return { members, history };
      });
      const rows = plannedRows(context, members, history);
      for (let start = 0; start < rows.length; start += ROWS_PER_TRANSACTION) {
        const batch = rows.slice(start, start + ROWS_PER_TRANSACTION);
        if (!(await writeBatch(campaign.id, batch, clock(), context.appUrl))) return { ...report, outcome: "stopped" };
        for (const row of batch) {
          if (row.status === "skipped") report.skipped += 1;
          else report.queued += 1;
          if (row.deferredBy) report.deferred += 1;
        }
      }
      await options.afterPage?.(campaign.id, rows.length);
    }
    const finished = await sqlOf(prisma).run(
      `UPDATE "Campaign" SET "plannedAt" = ?, "updatedAt" = ? WHERE "id" = ? AND "status" = 'sending' AND "plannedAt" IS NULL`,
      [clock(), clock(), campaign.id],
    );
    return finished === 1 ? report : { ...report, outcome: "stopped" };
  } catch (error) {
    return { ...report, outcome: "failed", error: error instanceof Error ? error.message : String(error) };
  }
}

/** Members that have no row of this campaign yet: after a crash, the pages hold only what is left (the unique index answers). */
function notYetPlanned(audience: SqlCondition, campaignId: string): SqlCondition {
  return {
    sql: `${audience.sql} AND NOT EXISTS (SELECT 1 FROM "Message" AS "m" WHERE "m"."campaignId" = ? AND "m"."subscriberId" = "s"."id")`,
    params: [...audience.params, campaignId],
  };
}

interface PlanningContext {
  campaign: ClaimedCampaign;
  shop: Shop;
  now: Date;
  /**
   * A recipient's text depends only on their first name and their own short
   * links: rendered once per name with a slot per link (app/links/link-slots.ts),
   * filled per recipient. Segments are counted with every link at its final
   * length, so they are every recipient's.
   */
  textFor: (firstName: string | null) => PlannedText;
  /** SHOPIFY_APP_URL: the short links' host. */
  appUrl: string;
  locate: RecipientLocator;
  /**
   * When a recipient's text may go depends only on their location (the
   * locator hands out one object per distinct location): worked out once per
   * location, not once per recipient.
   */
  timingAt: (location: RecipientLocation) => SendTiming;
}

/** When the text to a location is due and may go (null: the rules leave no minute), and the state's cap there. */
interface SendTiming {
  intended: Date;
  sendAt: Date | null;
  deferredBy: "quiet_hours" | null;
  stateDailyCap: number | null;
}

interface PlannedText {
  slotted: SlottedText;
  segments: number;
}

const TEXT_CACHE_LIMIT = 20_000;

function planningContext(campaign: ClaimedCampaign, shop: Shop, now: Date, locate: RecipientLocator): PlanningContext {
  const program = campaignProgramOf(shop);
  const appUrl = env().SHOPIFY_APP_URL;
  const placeholder = shortLinkPlaceholder(appUrl);
  const texts = new Map<string | null, PlannedText>();
  const textFor = (firstName: string | null) => {
    let text = texts.get(firstName);
    if (!text) {
      const slotted = slottedText((rewriteLink) => recipientText(campaign, program, { firstName }, { rewriteLink }).body);
      text = { slotted, segments: countSegments(slotted.fill(() => placeholder)).segments };
      if (texts.size < TEXT_CACHE_LIMIT) texts.set(firstName, text);
    }
    return text;
  };
  const quietHours = { start: shop.quietHoursStart, end: shop.quietHoursEnd };
  const timings = new Map<RecipientLocation, SendTiming>();
  const timingAt = (location: RecipientLocation) => {
    let timing = timings.get(location);
    if (!timing) {
      timing = sendTiming(campaign.schedule, location, quietHours, now);
      if (timings.size < TIMING_CACHE_LIMIT) timings.set(location, timing);
    }
    return timing;
  };
  return { campaign, shop, now, textFor, appUrl, locate, timingAt };
}

const TIMING_CACHE_LIMIT = 20_000;

function sendTiming(schedule: CampaignSchedule, location: RecipientLocation, quietHours: ShopQuietHours, now: Date): SendTiming {
  const intended = intendedSendTime(schedule, location.zones, now);
  const stateCap = stateDailyCap(location.regions);
  try {
    const sendAt = nextAllowedSendTime(location, quietHours, intended);
    return { intended, sendAt, deferredBy: sendAt.getTime() > intended.getTime() ? "quiet_hours" : null, stateDailyCap: stateCap };
  } catch (error) {
    if (!(error instanceof NoAllowedSendTimeError)) throw error;
    return { intended, sendAt: null, deferredBy: null, stateDailyCap: stateCap };
  }
}

interface PlannedRow {
  subscriberId: string;
  phone: string;
  body: string;
  segments: number;
  status: MessageStatus;
  nextAttemptAt: Date;
  skipReason: PlanningSkipReason | null;
  deferredBy: "quiet_hours" | null;
  /** The recipient's tracked links in `body`, written only if their Message row is. */
  links: TrackedLinkRow[];
}

function plannedRows(
  { campaign, shop, now, textFor, appUrl, locate, timingAt }: PlanningContext,
  members: readonly AudienceMember[],
  history: ReadonlyMap<string, Date[]>,
): PlannedRow[] {
  const noHistory: Date[] = [];
  const links = planTrackedLinks({ id: campaign.id, shop: shop.shop, name: campaign.name, utmTracking: shop.utmTracking }, { appUrl, now });
  return members.map((member): PlannedRow => {
    const timing = timingAt(locate(member, shop.timezone));
    const text = textFor(member.firstName);
    const body = text.slotted.urls.length === 0 ? text.slotted.fill(noLink) : text.slotted.fill(links.rewriteLinkFor(member.id));
    const base = { subscriberId: member.id, phone: member.phone, body, segments: text.segments, links: links.rowsFor([member.id]) };
    if (timing.sendAt === null) return { ...base, status: "skipped", nextAttemptAt: timing.intended, skipReason: "no_send_window", deferredBy: null };
    const { sendAt, deferredBy } = timing;
    const verdict = capVerdict(
      { sentAt: history.get(member.id) ?? noHistory },
      {
        dailyCap: shop.maxMessagesPerDay,
        monthlyCap: shop.maxMessagesPerMonth,
        smartSendingHours: shop.smartSendingHours,
        stateDailyCap: timing.stateDailyCap,
        timezone: shop.timezone,
      },
      sendAt,
    );
    if (!verdict.ok) return { ...base, status: "skipped", nextAttemptAt: sendAt, skipReason: verdict.reason, deferredBy };
    return { ...base, status: "queued", nextAttemptAt: sendAt, skipReason: null, deferredBy };
  });
}

const noLink = (url: string) => url;

const MESSAGE_COLUMNS = [
  "id",
  "shop",
  "subscriberId",
  "campaignId",
  "phone",
  "body",
  "kind",
  "status",
  "nextAttemptAt",
  "skipReason",
  "deferredBy",
  "segments",
  "createdAt",
  "updatedAt",
] as const;
const ROW_TUPLE = `(${MESSAGE_COLUMNS.map(() => "?").join(", ")})`;
/** Rows per INSERT (chunk-sizes.ts): 1024 × 14 parameters is well under SQLite's 32,766 and PostgreSQL's 65,535. */
const MAX_ROWS_PER_INSERT = 1024;
/** Rows per transaction: short enough that SQLite's one writer lock is never held long from the inbound webhooks. */
const ROWS_PER_TRANSACTION = 2 * MAX_ROWS_PER_INSERT;

function insertText(rows: number, returning: boolean): string {
  return `INSERT INTO "Message" (${MESSAGE_COLUMNS.map((column) => `"${column}"`).join(", ")}) VALUES ${Array.from({ length: rows }, () => ROW_TUPLE).join(", ")}
    ON CONFLICT ("campaignId", "subscriberId") DO NOTHING${returning ? ` RETURNING "subscriberId"` : ""}`;
}

/**
 * A batch of rows, in one transaction that first renews the claim: if the
 * campaign is no longer "sending" (paused, cancelled), nothing is written and
 * planning stops. False when it stopped.
 */
async function writeBatch(campaignId: string, rows: readonly PlannedRow[], at: Date, appUrl: string): Promise<boolean> {
  const shop = await withSqlTransaction(async (sql) => {
    const [claim] = await sql.all(
      `UPDATE "Campaign" SET "updatedAt" = ? WHERE "id" = ? AND "status" = '${SENDING}' AND "plannedAt" IS NULL RETURNING "shop"`,
      [at, campaignId],
    );
    if (!claim) return null;
    const shopOfCampaign = String(claim.shop);
    const withLinks = rows.some((row) => row.links.length > 0);
    const written = new Set<string>();
    for (const chunk of boundedChunks(rows, MAX_ROWS_PER_INSERT)) {
      const params: SqlValue[] = [];
      for (const row of chunk) {
        params.push(
          randomUUID(),
          shopOfCampaign,
          row.subscriberId,
          campaignId,
          row.phone,
          row.body,
          "marketing",
          row.status,
          row.nextAttemptAt,
          row.skipReason,
          row.deferredBy,
          row.segments,
          at,
          at,
        );
      }
      if (!withLinks) {
        await sql.run(insertText(chunk.length, false), params);
        continue;
      }
      for (const inserted of await sql.all(insertText(chunk.length, true), params)) written.add(String(inserted.subscriberId));
    }
    // Links only for the texts written here, after them (a code already taken is replaced in the text): a recipient
    // whose row was already there (ON CONFLICT) keeps the links of that text, and gets no second one.
    if (withLinks) {
      const links = rows.filter((row) => written.has(row.subscriberId)).flatMap((row) => row.links);
      await insertTrackedLinks(sql, links, appUrl);
    }
    return shopOfCampaign;
  });
  return shop !== null;
}

/**
 * Sending → sent for every planned campaign with nothing left to send: no
 * row queued, and none held by a worker mid-send (a row Twilio accepted
 * waits for its delivery callback, and counts as sent here). Paused campaigns
 * stay paused. Returns the ids it completed.
 */
export async function completeFinishedCampaigns(now: Date = new Date()): Promise<string[]> {
  const rows = await sqlOf(prisma).all(
    `UPDATE "Campaign" SET "status" = 'sent', "completedAt" = ?, "updatedAt" = ?
      WHERE "status" = 'sending' AND "plannedAt" IS NOT NULL
        AND NOT EXISTS (SELECT 1 FROM "Message" AS "m" WHERE "m"."campaignId" = "Campaign"."id"
                          AND ("m"."status" = 'queued' OR ("m"."status" = 'sending' AND "m"."lockedUntil" IS NOT NULL)))
      RETURNING "id"`,
    [now, now],
  );
  return rows.map((row) => String(row.id));
}
