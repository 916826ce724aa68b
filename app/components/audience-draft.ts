/**
 * The audience picker's form state and the AudienceFilter it stands for. The
 * picker keeps what the merchant typed (numbers as text, an empty field for
 * "any"), so a half-typed value stays on screen; the filter is what the schema
 * in app/campaigns/audience.ts accepts, and its messages are shown next to the
 * field they concern.
 */
import { AudienceFilterSchema, type AudienceFilter } from "~/campaigns/audience";

export interface AudienceDraft {
  kind: "all" | "segment";
  sources: string[];
  locales: string[];
  /** Comma- or space-separated region codes, as typed: "US-FL, US-TX". */
  regions: string;
  /** "YYYY-MM-DD" or "". */
  subscribedAfter: string;
  subscribedBefore: string;
  ordered: "any" | "did" | "did_not";
  orderedWithinDays: string;
  clicked: boolean;
  clickedWithinDays: string;
}

export const EMPTY_AUDIENCE_DRAFT: AudienceDraft = {
  kind: "all",
  sources: [],
  locales: [],
  regions: "",
  subscribedAfter: "",
  subscribedBefore: "",
  ordered: "any",
  orderedWithinDays: "30",
  clicked: false,
  clickedWithinDays: "30",
};

/** Field of the draft → message, for the filter's problems. */
export type AudienceErrors = Partial<Record<keyof AudienceDraft, string>>;

export type ReadAudienceDraft = { ok: true; filter: AudienceFilter } | { ok: false; errors: AudienceErrors };

const SCHEMA_FIELD_TO_DRAFT: Record<string, keyof AudienceDraft> = {
  sources: "sources",
  locales: "locales",
  regions: "regions",
  subscribedAfter: "subscribedAfter",
  subscribedBefore: "subscribedBefore",
  ordered: "orderedWithinDays",
  clicked: "clickedWithinDays",
};

const days = (typed: string) => (typed.trim() === "" ? Number.NaN : Number(typed));

/** The filter the draft stands for; "any" (an empty list or field) is simply left out. */
export function readAudienceDraft(draft: AudienceDraft): ReadAudienceDraft {
  const input =
    draft.kind === "all"
      ? { kind: "all" }
      : {
          kind: "segment",
          sources: draft.sources.length > 0 ? draft.sources : undefined,
          locales: draft.locales.length > 0 ? draft.locales : undefined,
          regions: splitList(draft.regions),
          subscribedAfter: draft.subscribedAfter || undefined,
          subscribedBefore: draft.subscribedBefore || undefined,
          ordered: draft.ordered === "any" ? undefined : { withinDays: days(draft.orderedWithinDays), did: draft.ordered === "did" },
          clicked: draft.clicked ? { withinDays: days(draft.clickedWithinDays) } : undefined,
        };
  const parsed = AudienceFilterSchema.safeParse(input);
  if (parsed.success) return { ok: true, filter: parsed.data };
  const errors: AudienceErrors = {};
  for (const issue of parsed.error.issues) {
    const field = SCHEMA_FIELD_TO_DRAFT[String(issue.path[0])] ?? "kind";
    errors[field] ??= issue.message;
  }
  return { ok: false, errors };
}

/** The draft showing a stored filter. */
export function audienceDraftOf(filter: AudienceFilter): AudienceDraft {
  if (filter.kind === "all") return EMPTY_AUDIENCE_DRAFT;
  return {
    kind: "segment",
    sources: filter.sources ?? [],
    locales: filter.locales ?? [],
    regions: (filter.regions ?? []).join(", "),
    subscribedAfter: filter.subscribedAfter ?? "",
    subscribedBefore: filter.subscribedBefore ?? "",
    ordered: filter.ordered ? (filter.ordered.did ? "did" : "did_not") : "any",
    orderedWithinDays: String(filter.ordered?.withinDays ?? EMPTY_AUDIENCE_DRAFT.orderedWithinDays),
    clicked: Boolean(filter.clicked),
    clickedWithinDays: String(filter.clicked?.withinDays ?? EMPTY_AUDIENCE_DRAFT.clickedWithinDays),
  };
}

function splitList(typed: string): string[] | undefined {
  const items = typed
    .split(/[,\s]+/)
    .map((item) => item.trim())
    .filter(Boolean);
  return items.length > 0 ? items : undefined;
}

/**
 * What an audience outlook (size, sample, quiet-hours share) depends on: the
 * filter, the schedule, and whether there is a text yet (the share is
 * computed by the same review that needs one). The editor asks again when it changes.
 */
export function outlookKey(audience: AudienceFilter, scheduleMode: string, sendAt: string, body: string): string {
  return JSON.stringify([audience, scheduleMode, scheduleMode === "now" ? "" : sendAt, body.trim() !== ""]);
}

/** What the page's loader says about an audience while the merchant edits. */
export interface AudienceOutlook {
  /** The question it answers (outlookKey): the editor ignores answers to older questions. */
  key: string;
  count: number;
  /** A few real members, to preview the text as they would get it. */
  recipients: { firstName: string | null; phone: string }[];
  /** Share of the audience in quiet hours at the chosen send time; null until there is a text and a valid send time. */
  quietHoursShare: number | null;
}
