/**
 * What is left of an erased subscriber's number: a keyed hash that lets the
 * app recognise the number when it comes back, without storing it.
 *
 * An erased subscriber row keeps status "unsubscribed" and, in its `phone`
 * column, `redacted:<HMAC-SHA256(k, shop ‖ E.164)>`, where k is derived from
 * ENCRYPTION_KEY (HKDF, so the AES key that seals Twilio tokens is never used
 * for anything else). Without the key the value cannot be turned back into a
 * number, nor tested against a list of numbers; with the number (and the
 * key) the app finds the row again, so a revocation survives the erasure: a
 * later import, sync or staff action cannot re-subscribe the number.
 *
 * Rotating ENCRYPTION_KEY makes these records unfindable (see README, Privacy requests).
 */
import { createHmac, hkdfSync } from "node:crypto";
import type { Subscriber } from "@prisma/client";
import { sqlOf, type DbTx } from "../db.server";
import { readDate, type Sql } from "../db/sql.server";
import { env } from "../env.server";

export const REDACTED_PREFIX = "redacted:";

let derived: { hexKey: string; key: Buffer } | undefined;

function phoneKeyMaterial(): Buffer {
  const hexKey = env().ENCRYPTION_KEY;
  if (derived?.hexKey !== hexKey) {
    const key = Buffer.from(hkdfSync("sha256", Buffer.from(hexKey, "hex"), Buffer.alloc(0), "sms-consent/redacted-phone/v1", 32));
    derived = { hexKey, key };
  }
  return derived.key;
}

/** The value an erased subscriber's `phone` holds for this number: `redacted:` + 64 hex digits. `phone` must be E.164. */
export function redactedPhoneKey(shop: string, phone: string): string {
  const key = phoneKeyMaterial();
  // An opt-out asks twice (its batch's read, then the change itself): remembered for the numbers seen last.
  if (rememberedFor !== key) {
    remembered.clear();
    rememberedFor = key;
  }
  const input = `${shop}\u0000${phone}`;
  let value = remembered.get(input);
  if (value === undefined) {
    value = `${REDACTED_PREFIX}${createHmac("sha256", key).update(input).digest("hex")}`;
    if (remembered.size >= MAX_REMEMBERED) remembered.clear();
    remembered.set(input, value);
  }
  return value;
}

const remembered = new Map<string, string>();
let rememberedFor: Buffer | undefined;
const MAX_REMEMBERED = 1_000;

/** The placeholder for an erased row that does not carry the number's key (unique per row, reveals nothing). */
export function redactedRowPlaceholder(subscriberId: string): string {
  return `${REDACTED_PREFIX}${subscriberId}`;
}

export function isRedactedPhone(value: string): boolean {
  return value.startsWith(REDACTED_PREFIX);
}

export type RedactedSuppression = Pick<Subscriber, "id" | "status" | "unsubscribedAt">;

/**
 * The erased record of this number at this shop, if its owner's data was
 * erased while (or by being) opted out. For the consent engine: when a number
 * has no live subscriber row but has this record, it stands as "unsubscribed".
 */
export async function findRedactedSuppression(shop: string, phone: string, tx: DbTx | Sql): Promise<RedactedSuppression | null> {
  // Plain SQL: the consent engine asks this for every number it has no row for.
  const [row] = await sqlOf(tx).all(`SELECT "id", "status", "unsubscribedAt" FROM "Subscriber" WHERE "shop" = ? AND "phone" = ?`, [
    shop,
    redactedPhoneKey(shop, phone),
  ]);
  return row ? { id: String(row.id), status: String(row.status), unsubscribedAt: readDate(row.unsubscribedAt) } : null;
}
