/**
 * What the campaign pages post and ask for, read at the boundary: the form
 * (intent, text, audience as JSON, schedule as the browser's wall time) and
 * the audience query the editor sends while the merchant edits. The rules
 * themselves are the campaigns domain's (campaigns.server.ts): this only
 * turns strings into its inputs and its refusals into words next to fields.
 */
import { DateTime } from "luxon";
import { z } from "zod";
import { AudienceFilterSchema, EVERYONE, type AudienceFilter } from "~/campaigns/audience";
import { countAudience, sampleRecipients } from "~/campaigns/audience.server";
import { CampaignScheduleSchema, LOCAL_SEND_TIME, SCHEDULE_MODES, type CampaignSchedule } from "~/campaigns/campaign-schedule";
import { outlookKey, type AudienceOutlook } from "~/components/audience-draft";
import { CampaignError, reviewCampaign, type CampaignDraftInput } from "~/campaigns/campaigns.server";
import { localWallTimeToInstant } from "~/sending-rules/quiet-hours";

export const CAMPAIGN_INTENTS = ["save", "schedule", "pause", "resume", "cancel"] as const;
export type CampaignIntent = (typeof CAMPAIGN_INTENTS)[number];

/** How many members of the audience the editor can preview the text for. */
const PREVIEW_RECIPIENTS = 5;

const audienceJson = z
  .string()
  .transform((text, context) => {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      context.addIssue({ code: z.ZodIssueCode.custom, message: "Choose who gets this campaign" });
      return z.NEVER;
    }
  })
  .pipe(AudienceFilterSchema);

const campaignFormSchema = z.object({
  intent: z.enum(CAMPAIGN_INTENTS, { errorMap: () => ({ message: "Unknown action" }) }),
  name: z.string().default(""),
  body: z.string().default(""),
  discountCode: z.string().default(""),
  audience: z.string().default(JSON.stringify(EVERYONE)),
  // A mode it does not know is refused, not read as "now": a wrong value must never send at once.
  scheduleMode: z.enum(SCHEDULE_MODES, { errorMap: () => ({ message: "Choose when to send it: now, at a time, or at each recipient's local time" }) }).default("now"),
  sendAt: z.string().default(""),
});

export interface CampaignForm {
  intent: CampaignIntent;
  draft: CampaignDraftInput;
  /** Unchecked: scheduleCampaign validates it (CampaignScheduleSchema) and says what is wrong. */
  schedule: CampaignSchedule;
}

export type ReadCampaignForm = { ok: true; form: CampaignForm } | { ok: false; errors: Record<string, string> };

/** The posted form as the domain's inputs; a wall time in the shop's zone becomes the instant it names there. */
export function readCampaignForm(form: FormData, shopTimezone: string): ReadCampaignForm {
  const fields = campaignFormSchema.safeParse(Object.fromEntries([...form].filter(([, value]) => typeof value === "string")));
  if (!fields.success) return { ok: false, errors: { form: fields.error.issues[0]?.message ?? "Unknown action" } };
  const audience = audienceJson.safeParse(fields.data.audience);
  if (!audience.success) return { ok: false, errors: { audience: audience.error.issues[0]?.message ?? "Choose who gets this campaign" } };
  const { intent, name, body, discountCode, scheduleMode, sendAt } = fields.data;
  const schedule = scheduleOf(scheduleMode, sendAt, shopTimezone);
  if (intent === "schedule" && schedule.mode === "shop_time" && Number.isNaN(schedule.at.getTime())) {
    return { ok: false, errors: { sendAt: "Choose the date and time to send it" } };
  }
  return {
    ok: true,
    form: { intent, draft: { name, body, discountCode, audience: audience.data }, schedule },
  };
}

function scheduleOf(mode: string, sendAt: string, shopTimezone: string): CampaignSchedule {
  // Shapes only; the schema refuses what is missing or wrong with the merchant's words.
  if (mode === "shop_time") return { mode, at: instantOrInvalid(sendAt, shopTimezone) };
  if (mode === "recipient_local") return { mode, localSendTime: sendAt };
  return { mode: "now" };
}

function instantOrInvalid(wallTime: string, zone: string): Date {
  if (!LOCAL_SEND_TIME.test(wallTime)) return new Date(Number.NaN);
  try {
    return localWallTimeToInstant(wallTime, zone);
  } catch {
    return new Date(Number.NaN);
  }
}

/** The wall time ("2026-12-01T10:00") an instant shows in a zone: what the schedule field displays. */
export function wallTimeIn(at: Date, zone: string): string {
  return DateTime.fromJSDate(at, { zone }).toFormat("yyyy-MM-dd'T'HH:mm");
}

/** The form's fields, for the domain's field names: audience conditions to the audience, schedule parts to the send time. */
export function formErrorsOf(error: CampaignError): Record<string, string> {
  const errors: Record<string, string> = {};
  for (const [path, message] of Object.entries(error.fieldErrors)) {
    const [first] = path.split(".");
    const field = first === "at" || first === "localSendTime" || first === "schedule" || first === "mode" ? "sendAt" : (first ?? "form");
    errors[field] ??= message;
  }
  return errors;
}

/**
 * The audience the editor asked about (query: audience, scheduleMode, sendAt,
 * body, discountCode), or the campaign's own when it asked nothing: its size,
 * a few members to preview with, and how much of it the send time puts in
 * quiet hours (campaigns.server.ts reviewCampaign, the same review that gates
 * scheduling).
 */
export async function audienceOutlook(
  shop: string,
  url: URL,
  current: { audience: AudienceFilter; body: string; discountCode: string | null; schedule: CampaignSchedule },
  shopTimezone: string,
): Promise<AudienceOutlook> {
  const query = url.searchParams;
  const asked = query.get("audience");
  const parsedAudience = asked === null ? null : audienceJson.safeParse(asked);
  const audience = parsedAudience?.success ? parsedAudience.data : current.audience;
  const schedule = query.has("scheduleMode") ? scheduleOf(query.get("scheduleMode") ?? "now", query.get("sendAt") ?? "", shopTimezone) : current.schedule;
  const body = query.get("body") ?? current.body;
  const discountCode = query.has("discountCode") ? query.get("discountCode") : current.discountCode;
  // The editor's own key when it asked (it compares keys, so both sides need not agree on a spelling), else the campaign's.
  const key = query.get("key") ?? outlookKey(audience, schedule.mode, scheduleWallTime(schedule, shopTimezone), body);

  const recipients = (await sampleRecipients(shop, audience, PREVIEW_RECIPIENTS)).map(({ firstName, phone }) => ({ firstName, phone }));
  const validSchedule = CampaignScheduleSchema.safeParse(schedule);
  try {
    const review = await reviewCampaign(shop, { body, audience, discountCode }, validSchedule.success ? validSchedule.data : null);
    return { key, count: review.audienceSize, recipients, quietHoursShare: review.quietHoursShare };
  } catch (error) {
    // An empty or unfinished text, or a send time not chosen yet: the count stands, the quiet-hours share waits.
    if (!(error instanceof CampaignError) || error.problem !== "invalid") throw error;
    return { key, count: await countAudience(shop, audience), recipients, quietHoursShare: null };
  }
}

/** The schedule's send time as the form shows it. */
export function scheduleWallTime(schedule: CampaignSchedule, shopTimezone: string): string {
  if (schedule.mode === "shop_time") return Number.isNaN(schedule.at.getTime()) ? "" : wallTimeIn(schedule.at, shopTimezone);
  if (schedule.mode === "recipient_local") return schedule.localSendTime;
  return "";
}
