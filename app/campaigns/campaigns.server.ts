/**
 * A shop's campaigns: write, review, schedule, pause, resume, cancel, and the
 * figures of each. Every function takes the shop first and touches only its
 * rows. What a merchant may do is refused with a CampaignError whose message
 * the admin shows as it is.
 *
 * The text, audience and schedule can change only while the campaign is a
 * draft or scheduled: planning (plan-campaign.server.ts) moves it to "sending"
 * with a conditional update, and every change here is conditional on the
 * status it read, so an edit either lands before planning reads the campaign
 * or is refused.
 */
import type { Campaign, Prisma } from "@prisma/client";
import { z } from "zod";
import prisma from "../db.server";
import { env } from "../env.server";
import { FAILED_DELIVERY_STATUSES, MESSAGE_STATUSES, type MessageStatus } from "../messaging/message-status";
import { recipientLocation } from "../sending-rules/recipient-location.server";
import { allowedToSendAt } from "../sending-rules/quiet-hours";
import { AudienceFilterSchema, EVERYONE, readStoredAudience, storedAudience, type AudienceFilter } from "./audience";
import { countAudience, sampleRecipients, type AudienceMember } from "./audience.server";
import { hasBlockingFindings, lintCampaign, MAX_BODY_CHARACTERS, type LintFinding } from "./campaign-lint";
import { campaignProgramOf, recipientText, type RecipientText } from "./campaign-message";
import {
  CampaignScheduleSchema,
  intendedSendTime,
  planningStartsAt,
  scheduleOfCampaign,
  scheduleProblem,
  type CampaignSchedule,
} from "./campaign-schedule";
import { isEditable, readCampaignStatus, type CampaignStatus } from "./campaign-status";

/** More segments than this is a lint finding (campaign-lint.ts decides how severe). */
export const MAX_CAMPAIGN_SEGMENTS = 4;
/** How many members of the audience the quiet-hours share is estimated on. */
const QUIET_HOURS_SAMPLE = 200;

export type CampaignProblem = "not_found" | "invalid" | "not_editable" | "wrong_status" | "blocked_by_lint" | "changed_meanwhile" | "shop_not_set_up";

/** A refusal the merchant can read as it is (`message`), with what the form needs to point at the cause. */
export class CampaignError extends Error {
  readonly problem: CampaignProblem;
  /** "invalid": the message for each field that needs fixing, by field name. */
  readonly fieldErrors: Record<string, string>;
  /** "blocked_by_lint": every finding, errors first. */
  readonly findings: LintFinding[];

  constructor(problem: CampaignProblem, message: string, details: { fieldErrors?: Record<string, string>; findings?: LintFinding[] } = {}) {
    super(message);
    this.name = "CampaignError";
    this.problem = problem;
    this.fieldErrors = details.fieldErrors ?? {};
    this.findings = details.findings ?? [];
  }
}

export const CampaignDraftSchema = z.object({
  name: z.string().trim().min(1, "Give the campaign a name").max(100, "At most 100 characters"),
  body: z.string().trim().min(1, "Write the message").max(MAX_BODY_CHARACTERS, `At most ${MAX_BODY_CHARACTERS.toLocaleString("en-US")} characters`),
  audience: AudienceFilterSchema.default(EVERYONE),
  discountCode: z
    .string()
    .trim()
    .max(50, "At most 50 characters")
    .regex(/^\S*$/, "A discount code has no spaces")
    .nullish()
    .transform((code) => code || null),
});
export type CampaignDraftInput = z.input<typeof CampaignDraftSchema>;
export type CampaignDraft = z.output<typeof CampaignDraftSchema>;

function parseOrRefuse<T extends z.ZodTypeAny>(schema: T, input: unknown): z.output<T> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data as z.output<T>;
  const fieldErrors: Record<string, string> = {};
  for (const issue of parsed.error.issues) fieldErrors[issue.path.join(".") || "form"] ??= issue.message;
  throw new CampaignError("invalid", Object.values(fieldErrors)[0] ?? "Check the campaign's fields", { fieldErrors });
}

async function requireCampaign(shop: string, id: string): Promise<Campaign> {
  const campaign = await prisma.campaign.findFirst({ where: { id, shop } });
  if (!campaign) throw new CampaignError("not_found", "This campaign does not exist in your store.");
  return campaign;
}

async function requireShop(shop: string) {
  const settings = await prisma.shop.findUnique({ where: { shop } });
  if (!settings) throw new CampaignError("shop_not_set_up", "Set up your SMS program in Settings before writing campaigns.");
  return settings;
}

const NOT_EDITABLE = "This campaign has started sending: its text, audience and schedule can no longer change.";

// ───────────────────────────── write ─────────────────────────────

export async function createCampaign(shop: string, input: CampaignDraftInput): Promise<Campaign> {
  const draft = parseOrRefuse(CampaignDraftSchema, input);
  await requireShop(shop);
  return prisma.campaign.create({
    data: { shop, name: draft.name, body: draft.body, audience: storedAudience(draft.audience), discountCode: draft.discountCode },
  });
}

/**
 * Changes a draft or scheduled campaign. A scheduled one stays scheduled only
 * if the changed campaign still passes the lint; otherwise nothing changes.
 */
export async function updateCampaign(shop: string, id: string, input: Partial<CampaignDraftInput>, now: Date = new Date()): Promise<Campaign> {
  const current = await requireCampaign(shop, id);
  if (!isEditable(readCampaignStatus(current.status))) throw new CampaignError("not_editable", NOT_EDITABLE);
  const draft = parseOrRefuse(CampaignDraftSchema, { ...draftOf(current), ...input });
  if (current.status === "scheduled") {
    const schedule = scheduleOfCampaign(current);
    await requirePassingLint(shop, draft, schedule, now);
  }
  const data = { name: draft.name, body: draft.body, audience: storedAudience(draft.audience), discountCode: draft.discountCode };
  return writeIfUnchanged(current, data);
}

/** Writes only if nobody changed the campaign since it was read (planning may have started meanwhile). */
async function writeIfUnchanged(current: Campaign, data: Prisma.CampaignUpdateManyMutationInput): Promise<Campaign> {
  const { count } = await prisma.campaign.updateMany({
    where: { id: current.id, shop: current.shop, status: current.status, updatedAt: current.updatedAt },
    data,
  });
  if (count === 1) return prisma.campaign.findUniqueOrThrow({ where: { id: current.id } });
  const now = await requireCampaign(current.shop, current.id);
  if (!isEditable(readCampaignStatus(now.status))) throw new CampaignError("not_editable", NOT_EDITABLE);
  throw new CampaignError("changed_meanwhile", "This campaign was changed in another window: reload it and make your change again.");
}

function draftOf(campaign: Campaign): CampaignDraftInput {
  return { name: campaign.name, body: campaign.body, audience: readStoredAudience(campaign.audience), discountCode: campaign.discountCode };
}

// ───────────────────────────── review ─────────────────────────────

export interface CampaignReview {
  audienceSize: number;
  /** The text as one real member of the audience would get it (the fallbacks when the audience is empty). */
  preview: RecipientText & { recipient: Pick<AudienceMember, "id" | "firstName"> | null };
  /** Segments × recipients × the shop's price per segment, in millionths of a dollar (the preview's segments). */
  estimatedCostMicros: number;
  /** The share of the audience (estimated on a sample) whose send time falls in quiet hours; null without a schedule. */
  quietHoursShare: number | null;
  findings: LintFinding[];
}

/**
 * Everything the editor shows beside a campaign as it is written: audience
 * size, a preview for a real subscriber, cost, and the lint findings. The
 * same review gates scheduling, so what the merchant sees is what is enforced.
 */
export async function reviewCampaign(
  shop: string,
  input: Pick<CampaignDraftInput, "body" | "audience" | "discountCode">,
  schedule: CampaignSchedule | null,
  now: Date = new Date(),
): Promise<CampaignReview> {
  const draft = parseOrRefuse(CampaignDraftSchema.pick({ body: true, audience: true, discountCode: true }), input);
  const settings = await requireShop(shop);
  const program = campaignProgramOf(settings, env().SHOPIFY_APP_URL);
  const [audienceSize, sample] = await Promise.all([countAudience(shop, draft.audience, now), sampleRecipients(shop, draft.audience, QUIET_HOURS_SAMPLE, now)]);
  const first = sample[0] ?? null;
  const preview = recipientText(draft, program, { firstName: first?.firstName ?? null });
  // Linted as rendered with the fallbacks: the same for every member, whatever the sample holds.
  const linted = recipientText(draft, program, { firstName: null });
  const quietHoursShare = schedule ? await shareInQuietHours(settings, sample, schedule, now) : null;
  const findings = lintCampaign({
    template: draft.body,
    rendered: linted.body,
    brandName: settings.brandName,
    segments: linted.segments,
    maxSegments: MAX_CAMPAIGN_SEGMENTS,
    audienceSize,
    quietHoursShare,
    hasDiscountCode: draft.discountCode !== null,
    language: program.language,
  });
  return {
    audienceSize,
    preview: { ...preview, recipient: first ? { id: first.id, firstName: first.firstName } : null },
    estimatedCostMicros: preview.segments.segments * audienceSize * settings.segmentPriceMicros,
    quietHoursShare,
    findings,
  };
}

async function shareInQuietHours(
  settings: { timezone: string; quietHoursStart: string; quietHoursEnd: string },
  sample: readonly AudienceMember[],
  schedule: CampaignSchedule,
  now: Date,
): Promise<number | null> {
  if (sample.length === 0) return null;
  const quietHours = { start: settings.quietHoursStart, end: settings.quietHoursEnd };
  const locations = await Promise.all(sample.map((member) => recipientLocation(member, settings.timezone)));
  const inQuietHours = locations.filter((location) => !allowedToSendAt(location, quietHours, intendedSendTime(schedule, location.zones, now))).length;
  return inQuietHours / sample.length;
}

async function requirePassingLint(shop: string, draft: CampaignDraft, schedule: CampaignSchedule | null, now: Date): Promise<void> {
  const { findings } = await reviewCampaign(shop, draft, schedule, now);
  if (!hasBlockingFindings(findings)) return;
  const errors = findings.filter((finding) => finding.severity === "error");
  throw new CampaignError(
    "blocked_by_lint",
    `This campaign cannot be sent yet: ${errors.map((finding) => finding.message).join(" ")}`,
    { findings: [...errors, ...findings.filter((finding) => finding.severity !== "error")] },
  );
}

// ───────────────────────────── control ─────────────────────────────

/**
 * Schedules a draft (or reschedules a scheduled campaign): send now, at an
 * instant (a time in the shop's zone), or at a wall time in each recipient's
 * own zone. Refused while the lint finds an error.
 */
export async function scheduleCampaign(shop: string, id: string, scheduleInput: CampaignSchedule, now: Date = new Date()): Promise<Campaign> {
  const schedule = parseOrRefuse(CampaignScheduleSchema, scheduleInput);
  const current = await requireCampaign(shop, id);
  if (!isEditable(readCampaignStatus(current.status))) throw new CampaignError("not_editable", NOT_EDITABLE);
  const problem = scheduleProblem(schedule, now);
  if (problem) throw new CampaignError("invalid", problem, { fieldErrors: { schedule: problem } });
  await requirePassingLint(shop, parseOrRefuse(CampaignDraftSchema, draftOf(current)), schedule, now);
  return writeIfUnchanged(current, {
    status: "scheduled" satisfies CampaignStatus,
    scheduleMode: schedule.mode,
    scheduledAt: planningStartsAt(schedule, now),
    localSendTime: schedule.mode === "recipient_local" ? schedule.localSendTime : null,
  });
}

/** Stops a sending campaign: its queued texts wait (dispatch sends no text of a paused campaign). Pausing a paused one changes nothing. */
export async function pauseCampaign(shop: string, id: string, now: Date = new Date()): Promise<Campaign> {
  const { count } = await prisma.campaign.updateMany({ where: { id, shop, status: "sending" }, data: { status: "paused", pausedAt: now } });
  const campaign = await requireCampaign(shop, id);
  if (count === 0 && campaign.status !== "paused") {
    throw new CampaignError("wrong_status", `Only a campaign that is sending can be paused; this one is ${campaign.status}.`);
  }
  return campaign;
}

/**
 * Sends a paused campaign's remaining texts again (quiet hours and caps are
 * checked again for each at dispatch). A campaign paused while it was still
 * being planned is planned on once the paused planner's lease has run out
 * (PLANNING_LEASE_MS, plan-campaign.server.ts); its planned texts go at once.
 */
export async function resumeCampaign(shop: string, id: string): Promise<Campaign> {
  const { count } = await prisma.campaign.updateMany({ where: { id, shop, status: "paused" }, data: { status: "sending", pausedAt: null } });
  const campaign = await requireCampaign(shop, id);
  if (count === 0 && campaign.status !== "sending") {
    throw new CampaignError("wrong_status", `Only a paused campaign can be resumed; this one is ${campaign.status}.`);
  }
  return campaign;
}

export interface CancelReport {
  campaign: Campaign;
  /** Texts that were still queued and now never will be sent. */
  cancelledMessages: number;
}

/**
 * Cancels a campaign that has not finished: its queued texts are cancelled;
 * texts already sending or sent are not (they cannot be called back). Again on
 * a cancelled campaign it only cancels what may have been queued since.
 *
 * The campaign row is updated first, in the same transaction: planning writes
 * each batch of rows only after updating that row while it is still
 * "sending", so a batch either commits before this (and is cancelled here) or
 * sees "cancelled" and writes nothing.
 */
export async function cancelCampaign(shop: string, id: string, now: Date = new Date()): Promise<CancelReport> {
  return prisma.$transaction(async (tx) => {
    const { count } = await tx.campaign.updateMany({
      where: { id, shop, status: { in: ["draft", "scheduled", "sending", "paused"] satisfies CampaignStatus[] } },
      data: { status: "cancelled", cancelledAt: now },
    });
    const campaign = await tx.campaign.findFirst({ where: { id, shop } });
    if (!campaign) throw new CampaignError("not_found", "This campaign does not exist in your store.");
    if (count === 0 && campaign.status !== "cancelled") {
      throw new CampaignError("wrong_status", "This campaign has already been sent: there is nothing left to cancel.");
    }
    const cancelled = await tx.message.updateMany({
      where: { shop, campaignId: id, status: "queued" satisfies MessageStatus },
      data: { status: "cancelled" satisfies MessageStatus },
    });
    return { campaign, cancelledMessages: cancelled.count };
  });
}

// ───────────────────────────── read ─────────────────────────────

export interface CampaignProgress {
  /** Outbox rows planned for the campaign: one per recipient. */
  total: number;
  byStatus: Record<MessageStatus, number>;
  /** Skipped texts by reason (daily_cap, monthly_cap, smart_sending…). */
  skippedBy: Record<string, number>;
  /** Texts planning moved out of the recipient's quiet hours (any status). */
  deferredByQuietHours: number;
}

export interface CampaignDetail {
  campaign: Campaign;
  status: CampaignStatus;
  audience: AudienceFilter;
  schedule: CampaignSchedule | null;
  editable: boolean;
  progress: CampaignProgress;
}

export async function getCampaign(shop: string, id: string): Promise<CampaignDetail> {
  const campaign = await requireCampaign(shop, id);
  const status = readCampaignStatus(campaign.status);
  const groups = await prisma.message.groupBy({
    by: ["status", "skipReason", "deferredBy"],
    where: { shop, campaignId: id },
    _count: { _all: true },
  });
  const progress: CampaignProgress = {
    total: 0,
    byStatus: Object.fromEntries(MESSAGE_STATUSES.map((name) => [name, 0])) as Record<MessageStatus, number>,
    skippedBy: {},
    deferredByQuietHours: 0,
  };
  for (const group of groups) {
    const count = group._count._all;
    progress.total += count;
    const known = (MESSAGE_STATUSES as readonly string[]).includes(group.status) ? (group.status as MessageStatus) : "sending";
    progress.byStatus[known] += count;
    if (group.status === "skipped") progress.skippedBy[group.skipReason ?? "unknown"] = (progress.skippedBy[group.skipReason ?? "unknown"] ?? 0) + count;
    if (group.deferredBy === "quiet_hours") progress.deferredByQuietHours += count;
  }
  return {
    campaign,
    status,
    audience: readStoredAudience(campaign.audience),
    // Every way of scheduling sets scheduledAt: without it the campaign was never scheduled.
    schedule: campaign.scheduledAt ? scheduleOfCampaign(campaign) : null,
    editable: isEditable(status),
    progress,
  };
}

export interface CampaignSummary {
  id: string;
  name: string;
  status: string;
  scheduleMode: string;
  scheduledAt: Date | null;
  localSendTime: string | null;
  recipients: number;
  delivered: number;
  failed: number;
  skipped: number;
}

/** A shop's campaigns, newest first, with their delivery figures from the outbox. */
export async function listCampaigns(shop: string, options: { take?: number } = {}): Promise<CampaignSummary[]> {
  const campaigns = await prisma.campaign.findMany({
    where: { shop },
    orderBy: { createdAt: "desc" },
    take: options.take ?? 100,
  });
  const counts = await prisma.message.groupBy({
    by: ["campaignId", "status"],
    where: { shop, campaignId: { in: campaigns.map((campaign) => campaign.id) } },
    _count: { _all: true },
  });
  const countOf = (campaignId: string, statuses?: readonly MessageStatus[]) =>
    counts
      .filter((row) => row.campaignId === campaignId && (!statuses || statuses.some((status) => status === row.status)))
      .reduce((sum, row) => sum + row._count._all, 0);
  return campaigns.map((campaign) => ({
    id: campaign.id,
    name: campaign.name,
    status: campaign.status,
    scheduleMode: campaign.scheduleMode,
    scheduledAt: campaign.scheduledAt,
    localSendTime: campaign.localSendTime,
    recipients: countOf(campaign.id),
    delivered: countOf(campaign.id, ["delivered"]),
    failed: countOf(campaign.id, FAILED_DELIVERY_STATUSES),
    skipped: countOf(campaign.id, ["skipped"]),
  }));
}
