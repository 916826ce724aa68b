/**
 * Who a campaign is for, as data (Campaign.audience holds it as JSON): every
 * subscriber, or a segment narrowed by any of the conditions below, all of
 * which must hold. The SQL that selects these people is in
 * audience.server.ts, one condition per key of `SegmentConditions`, so a new
 * kind of condition is one field here and one entry there (the compiler asks
 * for the second).
 *
 * Whatever the filter says, only numbers subscribed right now and still
 * reachable are ever in an audience (audience.server.ts adds that to every query).
 */
import { z } from "zod";
import { CONSENT_SOURCES } from "../consent/transitions";

const DAY_LIMIT = 3650;
/** The earliest "subscribed before/after" day the filter takes. */
const EARLIEST_DAY = "2000-01-01";

const withinDays = z
  .number({ invalid_type_error: "Enter a number of days" })
  .int("Enter a whole number of days")
  .min(1, "At least 1 day")
  .max(DAY_LIMIT, `At most ${DAY_LIMIT} days`);

/** A calendar day, "2026-11-01": read in the shop's time zone (the day starts at its midnight there). */
const calendarDay = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, "Enter a date as YYYY-MM-DD")
  .refine((day) => !Number.isNaN(Date.parse(`${day}T00:00:00Z`)) && new Date(`${day}T00:00:00Z`).toISOString().startsWith(day), "That date does not exist")
  // Nobody subscribed before there were text messages; year 0 is a date PostgreSQL cannot take as a parameter.
  .refine((day) => day >= EARLIEST_DAY, `Enter a date after ${EARLIEST_DAY}`);

const nonEmptyList = <T extends z.ZodTypeAny>(item: T, what: string) => z.array(item).min(1, `Choose at least one ${what}, or remove this condition`).max(100);

export const SegmentConditionsSchema = z.object({
  /** The source of the consent the subscriber is subscribed on (their latest opt-in): checkout, keyword, form… */
  sources: nonEmptyList(z.enum(CONSENT_SOURCES), "consent source").optional(),
  /** Subscriber.locale: the language they signed up in ("en", "fr"…). */
  locales: nonEmptyList(z.string().trim().toLowerCase().regex(/^[a-z]{2,3}$/, "Use language codes such as en or fr"), "language").optional(),
  /** Subscriber.region, e.g. "US-FL" (ISO 3166-2): the state known from the subscriber's order addresses; nobody without one matches. */
  regions: nonEmptyList(
    z.string().trim().toUpperCase().regex(/^[A-Z]{2}-[A-Z0-9]{1,3}$/, "Use region codes such as US-FL or CA-ON"),
    "region",
  ).optional(),
  /** Subscribed on or after this day. */
  subscribedAfter: calendarDay.optional(),
  /** Subscribed before this day (not on it). */
  subscribedBefore: calendarDay.optional(),
  /** Ordered (did: true) or not ordered (did: false) in the last N days, by Subscriber.lastOrderAt. */
  ordered: z.object({ withinDays, did: z.boolean() }).strict().optional(),
  /** Clicked a tracked link of this shop in the last N days. */
  clicked: z.object({ withinDays }).strict().optional(),
});
export type SegmentConditions = z.infer<typeof SegmentConditionsSchema>;

export const AudienceFilterSchema = z
  .discriminatedUnion("kind", [
    z.object({ kind: z.literal("all") }).strict(),
    SegmentConditionsSchema.extend({ kind: z.literal("segment") }).strict(),
  ])
  .superRefine((filter, context) => {
    if (filter.kind === "segment" && filter.subscribedAfter && filter.subscribedBefore && filter.subscribedAfter >= filter.subscribedBefore) {
      context.addIssue({
        code: z.ZodIssueCode.custom,
        path: ["subscribedBefore"],
        message: "“Subscribed before” must be later than “subscribed after”: nobody can match both",
      });
    }
  });
export type AudienceFilter = z.infer<typeof AudienceFilterSchema>;

export const EVERYONE: AudienceFilter = { kind: "all" };

/** The audience as stored in Campaign.audience. Throws on a value no version of the app wrote. */
export function readStoredAudience(stored: string): AudienceFilter {
  const parsed = AudienceFilterSchema.safeParse(JSON.parse(stored));
  if (!parsed.success) throw new Error(`Campaign audience is not a valid filter: ${parsed.error.issues.map((issue) => issue.message).join("; ")}`);
  return parsed.data;
}

/** The text Campaign.audience stores: a segment without conditions is everyone. */
export function storedAudience(filter: AudienceFilter): string {
  if (!hasConditions(filter)) return JSON.stringify(EVERYONE);
  const { kind, ...conditions } = filter;
  return JSON.stringify({ kind, ...conditions }); // kind first: the stored text reads as it is meant
}

export function hasConditions(filter: AudienceFilter): boolean {
  if (filter.kind === "all") return false;
  const { kind: _kind, ...conditions } = filter;
  return Object.values(conditions).some((value) => value !== undefined);
}
