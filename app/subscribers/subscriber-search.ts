/**
 * What the subscribers page was asked for, as pure data: the URL's search
 * parameters (the page's whole state, so a filtered list can be bookmarked or
 * shared) read into a query, the search text read as a phone number or as
 * words, and the opaque cursor of keyset pagination.
 *
 * Nothing in a URL fails the page: a value that cannot be read is left out
 * and named in `notices`, in the merchant's words.
 *
 * Consent source: a subscriber's source is the source of their LATEST
 * consent-giving event (opt-in requested, opted in, resubscribed; a
 * confirmation only completes one). It is the consent they are texted on now,
 * the one a complaint is answered with, and the same rule campaign audiences
 * use (app/campaigns/audience.server.ts), so "source: checkout" here lists the
 * same subscribed people as a campaign to checkout subscribers.
 */
import { z } from "zod";
import { SUBSCRIBER_STATUSES, type SubscriberStatus } from "../consent/transitions";
import { e164OrNull, type PhonePolicy } from "../phone/phone-number";

/** Sources a subscriber's consent can come from, as the ledger writes them (app/consent/transitions.ts CONSENT_SOURCES). */
export const SOURCE_FILTERS = ["checkout", "keyword", "form", "import", "admin", "shopify_sync"] as const;
export type SourceFilter = (typeof SOURCE_FILTERS)[number];
export const OPT_IN_LEVELS = ["single", "confirmed"] as const;
export const SUBSCRIBER_SORTS = ["updated-desc", "updated-asc", "subscribed-desc", "subscribed-asc", "phone-asc", "phone-desc"] as const;
export type SubscriberSort = (typeof SUBSCRIBER_SORTS)[number];
export type SortKey = "updated" | "subscribed" | "phone";

export const SOURCE_LABELS: Record<string, string> = {
  checkout: "Checkout",
  keyword: "Keyword text",
  form: "Sign-up form",
  import: "Import",
  admin: "Staff",
  shopify_sync: "Shopify customer",
  carrier: "Carrier",
  system: "System",
};

export const SORT_LABELS: Record<SubscriberSort, string> = {
  "updated-desc": "Last change, newest first",
  "updated-asc": "Last change, oldest first",
  "subscribed-desc": "Subscribed, newest first",
  "subscribed-asc": "Subscribed, oldest first",
  "phone-asc": "Phone, 0–9",
  "phone-desc": "Phone, 9–0",
};

export interface SubscriberQuery {
  q: string | null;
  statuses: SubscriberStatus[];
  sources: SourceFilter[];
  optInLevel: (typeof OPT_IN_LEVELS)[number] | null;
  regions: string[];
  /** Subscribed on or after this day (YYYY-MM-DD, in the shop's zone). */
  from: string | null;
  /** Subscribed on or before this day (inclusive). */
  to: string | null;
  sort: SubscriberSort;
  /** Rows after (next page) or before (previous page) this cursor. */
  after: Cursor | null;
  before: Cursor | null;
}

export interface ReadQuery {
  query: SubscriberQuery;
  /** What was left out of the URL and why, for a banner. */
  notices: string[];
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const REGION = /^[A-Z]{2}-[A-Z0-9]{1,3}$/;
const MAX_QUERY_LENGTH = 100;

// Nobody subscribed before there were text messages; and PostgreSQL cannot take year 0 as a parameter.
const EARLIEST_DAY = "2000-01-01";
const LATEST_DAY = "2999-12-31";

function isDay(value: string): boolean {
  if (!DAY.test(value) || value < EARLIEST_DAY || value > LATEST_DAY) return false;
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === value;
}

function listOf(value: string | null): string[] {
  return [...new Set((value ?? "").split(",").map((part) => part.trim()).filter(Boolean))];
}

/** The page's query from its URL search parameters; whatever cannot be read is left out and named. */
export function readSubscriberQuery(params: URLSearchParams): ReadQuery {
  const notices: string[] = [];
  const q = (params.get("q") ?? "").trim().slice(0, MAX_QUERY_LENGTH) || null;

  const pick = <T extends string>(name: string, label: string, allowed: readonly T[]): T[] => {
    const values = listOf(params.get(name));
    const unknown = values.filter((value) => !(allowed as readonly string[]).includes(value));
    if (unknown.length > 0) notices.push(`Ignored ${label} “${unknown.join(", ").slice(0, 60)}”: not one the app knows.`);
    return values.filter((value): value is T => (allowed as readonly string[]).includes(value));
  };
  const statuses = pick("status", "status", SUBSCRIBER_STATUSES);
  const sources = pick("source", "consent source", SOURCE_FILTERS);
  const [optInLevel = null] = pick("optInLevel", "opt-in level", OPT_IN_LEVELS).slice(-1);

  const regions = listOf(params.get("region")).map((region) => region.toUpperCase());
  const badRegions = regions.filter((region) => !REGION.test(region));
  if (badRegions.length > 0) notices.push(`Ignored region “${badRegions.join(", ").slice(0, 60)}”: use codes such as US-FL or CA-ON.`);

  const day = (name: string, label: string): string | null => {
    const value = params.get(name)?.trim();
    if (!value) return null;
    if (isDay(value)) return value;
    notices.push(`Ignored “${label}” ${value.slice(0, 30)}: not a date (YYYY-MM-DD) from ${EARLIEST_DAY} on.`);
    return null;
  };
  let from = day("from", "subscribed from");
  let to = day("to", "subscribed to");
  if (from && to && from > to) {
    notices.push(`“Subscribed from” ${from} is after “to” ${to}: the two dates were swapped.`);
    [from, to] = [to, from];
  }

  const sortValue = params.get("sort");
  const sort = SUBSCRIBER_SORTS.find((value) => value === sortValue) ?? "updated-desc";
  if (sortValue && sortValue !== sort) notices.push(`Ignored the sort order “${sortValue.slice(0, 30)}”.`);

  // A cursor from another sort order (or a mangled one) starts from the first page rather than failing.
  const cursorOf = (name: string) => {
    const value = params.get(name);
    if (!value) return null;
    const cursor = decodeCursor(value);
    return cursor && cursor.sort === sort ? cursor : null;
  };

  return {
    query: {
      q,
      statuses,
      sources,
      optInLevel,
      regions: regions.filter((region) => REGION.test(region)),
      from,
      to,
      sort,
      after: cursorOf("after"),
      before: cursorOf("after") ? null : cursorOf("before"),
    },
    notices,
  };
}

/** Whether anything narrows the list (the empty state then offers to clear it rather than to get subscribers). */
export function isFiltered(query: SubscriberQuery): boolean {
  return Boolean(query.q || query.statuses.length || query.sources.length || query.optInLevel || query.regions.length || query.from || query.to);
}

export function sortKeyOf(sort: SubscriberSort): { key: SortKey; descending: boolean } {
  const [key, direction] = sort.split("-") as [SortKey, "asc" | "desc"];
  return { key, descending: direction === "desc" };
}

// ---------- search text ----------

export type SearchTerms =
  /** Digits and phone punctuation: the number as E.164 (read in the shop's country when written without one) or digits it contains. */
  | { kind: "phone"; e164: string | null; digits: string }
  /** Words, each found in the first name, last name or e-mail (all of them must be found). */
  | { kind: "words"; words: string[] };

const PHONE_LIKE = /^\+?[\d\s().-]+$/;
const MAX_WORDS = 5;

export function searchTermsOf(q: string | null, defaultCountry: PhonePolicy["defaultCountry"]): SearchTerms | null {
  const text = q?.trim() ?? "";
  if (!text) return null;
  if (PHONE_LIKE.test(text) && /\d/.test(text)) {
    const e164 = e164OrNull(text, { defaultCountry, strictness: "possible" });
    return { kind: "phone", e164, digits: text.replace(/\D/g, "") };
  }
  const words = [...new Set(text.toLowerCase().split(/\s+/).filter(Boolean))].slice(0, MAX_WORDS);
  return { kind: "words", words };
}

/** A LIKE pattern that finds `text` anywhere, with LIKE's wildcards in it taken literally (ESCAPE '\'). */
export function containsPattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (char) => `\\${char}`)}%`;
}

// ---------- cursor ----------

/** Where a page ends: the sort it belongs to, the row's sort value (ISO date, phone, or null) and its id (the tie-break). */
export interface Cursor {
  sort: SubscriberSort;
  value: string | null;
  id: string;
}

const cursorSchema = z.tuple([z.enum(SUBSCRIBER_SORTS), z.string().max(200).nullable(), z.string().min(1).max(64)]);

/** Opaque to the merchant, URL-safe. */
export function encodeCursor(cursor: Cursor): string {
  const json = JSON.stringify([cursor.sort, cursor.value, cursor.id]);
  return base64UrlEncode(json);
}

export function decodeCursor(text: string): Cursor | null {
  if (text.length > 600 || !/^[A-Za-z0-9_-]+$/.test(text)) return null;
  try {
    const parsed = cursorSchema.safeParse(JSON.parse(base64UrlDecode(text)));
    if (!parsed.success) return null;
    const [sort, value, id] = parsed.data;
    return { sort, value, id };
  } catch {
    return null;
  }
}

// Works in the browser and on the server alike (no Buffer), UTF-8 safe.
function base64UrlEncode(text: string): string {
  const bytes = new TextEncoder().encode(text);
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function base64UrlDecode(text: string): string {
  const binary = atob(text.replace(/-/g, "+").replace(/_/g, "/"));
  return new TextDecoder("utf-8", { fatal: true }).decode(Uint8Array.from(binary, (char) => char.charCodeAt(0)));
}

/** The URL search parameters of a query (cursor left out): the state a link or the export carries. */
export function searchParamsOf(query: SubscriberQuery): URLSearchParams {
  const params = new URLSearchParams();
  if (query.q) params.set("q", query.q);
  if (query.statuses.length) params.set("status", query.statuses.join(","));
  if (query.sources.length) params.set("source", query.sources.join(","));
  if (query.optInLevel) params.set("optInLevel", query.optInLevel);
  if (query.regions.length) params.set("region", query.regions.join(","));
  if (query.from) params.set("from", query.from);
  if (query.to) params.set("to", query.to);
  if (query.sort !== "updated-desc") params.set("sort", query.sort);
  return params;
}
