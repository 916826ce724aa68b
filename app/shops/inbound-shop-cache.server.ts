/**
 * The shops an inbound text may belong to, cached briefly in memory.
 *
 * Every inbound webhook needs the shop's settings and its decrypted Twilio
 * auth token before anything else; at webhook rates, reading and decrypting
 * them per request is most of the work. Entries live INBOUND_SHOP_TTL_MS, so a
 * settings change reaches every app instance within that time even without
 * `forgetInboundShops` (which the settings save can call to apply it at once
 * on this instance). Unknown numbers are not cached: a shop that has just
 * configured its number must not be told 404 for a while.
 *
 * There is normally one candidate; two when the webhook's Messaging Service and
 * its number are configured in different shops (see findInboundShopCandidates):
 * the webhook keeps the one whose auth token verifies the signature.
 */
import type { Shop } from "@prisma/client";
import { LANGUAGES, type Language } from "../language/languages";
import { findInboundShopCandidates, listSetting, twilioAuthTokenOf } from "./shop-settings.server";

export const INBOUND_SHOP_TTL_MS = 10_000;
const MAX_ENTRIES = 10_000; // keys include a caller-chosen MessagingServiceSid: bound the memory it can claim

export interface InboundShop {
  shop: string;
  settings: Shop;
  /** Decrypted once per cache entry; null when the shop has not stored one (its webhooks then always fail). */
  authToken: string | null;
  extraOptInKeywords: string[];
  /** In the merchant's order: the first is the shop's own language. */
  supportedLanguages: Language[];
  loadedAt: number;
}

interface Entry {
  loadedAt: number;
  value: Promise<InboundShop[]>;
  /** Set once loaded, so a shop's entries can be found without awaiting. */
  shops?: string[];
}

const entries = new Map<string, Entry>();

function keyOf(to: string, messagingServiceSid: string | null): string {
  return `${to}|${messagingServiceSid ?? ""}`;
}

async function load(to: string, messagingServiceSid: string | null): Promise<InboundShop[]> {
  const candidates = await findInboundShopCandidates(to, messagingServiceSid);
  const loadedAt = Date.now();
  return candidates.map((settings) => ({
    shop: settings.shop,
    settings,
    authToken: twilioAuthTokenOf(settings),
    extraOptInKeywords: listSetting(settings.extraOptInKeywords).map((keyword) => keyword.toUpperCase()),
    supportedLanguages: listSetting(settings.supportedLanguages).filter((code): code is Language =>
      LANGUAGES.includes(code as Language),
    ),
    loadedAt,
  }));
}

/**
 * The shops that own the Messaging Service and `to`, most trusted first, from
 * the cache when it is fresh. `maxAgeMs` lets a caller insist on a newer entry,
 * e.g. to re-check a signature after a token rotation. Concurrent misses share
 * one query.
 */
export function findInboundShops(
  to: string,
  messagingServiceSid: string | null,
  maxAgeMs = INBOUND_SHOP_TTL_MS,
): Promise<InboundShop[]> {
  const key = keyOf(to, messagingServiceSid);
  const now = Date.now();
  const cached = entries.get(key);
  if (cached && now - cached.loadedAt < Math.min(maxAgeMs, INBOUND_SHOP_TTL_MS)) return cached.value;

  const value = load(to, messagingServiceSid);
  const entry: Entry = { loadedAt: now, value };
  entries.delete(key); // re-insert at the end: Map order is then oldest-first for eviction
  entries.set(key, entry);
  if (entries.size > MAX_ENTRIES) entries.delete(entries.keys().next().value!);
  value.then(
    (found) => {
      if (found.length > 0) entry.shops = found.map((candidate) => candidate.shop);
      else if (entries.get(key) === entry) entries.delete(key);
    },
    () => {
      if (entries.get(key) === entry) entries.delete(key);
    },
  );
  return value;
}

/** Drops cached entries for one shop (after its settings were saved), or all of them. */
export function forgetInboundShops(shop?: string): void {
  if (shop === undefined) {
    entries.clear();
    return;
  }
  // An entry still loading may have read the settings before the save: drop it too.
  for (const [key, entry] of entries) {
    if (entry.shops === undefined || entry.shops.includes(shop)) entries.delete(key);
  }
}
