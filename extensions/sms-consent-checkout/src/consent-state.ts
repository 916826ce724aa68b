// What the checkout records for the SMS box, as cart attributes. They reach the
// app on the order ("note_attributes" in orders/create), so the server reads
// the consent, the number and the disclosure version the shopper saw together.
//
//   _sms_consent            "granted" | "withdrawn" (absent: no answer)
//   _sms_consent_phone      E.164 number the consent is for   (granted only)
//   _sms_disclosure_version versionId of the disclosure shown  (granted only)
//   _sms_disclosure_locale  language of the disclosure text    (granted only)
//   _sms_consent_at         ISO time the shopper ticked or unticked
//
// Unticking writes "withdrawn" instead of deleting everything: an absent
// attribute would look the same as never having ticked, and the server must be
// able to tell (and log) that the shopper took their consent back. The number,
// version and locale are removed with it, so only "granted" ever comes with a
// number a message could be sent to.

import type { Disclosure } from "./disclosure";

import { CONSENT_ATTRIBUTE as ATTRIBUTE } from "./contract";

export { ATTRIBUTE };

export type ConsentRecord =
  | { status: "granted"; phone: string; disclosureVersionId: string; disclosureLocale: string; at: string }
  | { status: "withdrawn"; at: string };

export interface BoxState {
  ticked: boolean;
  /** E.164 number, or null while missing or implausible. */
  phone: string | null;
}

/**
 * The record for the box as it stands. Null while the box is ticked but the
 * number is not usable yet: that is no consent (yet), and no withdrawal either.
 */
export function consentRecord(
  box: BoxState,
  disclosure: Pick<Disclosure, "versionId">,
  disclosureLocale: string,
  now: Date,
): ConsentRecord | null {
  const at = now.toISOString();
  if (!box.ticked) return { status: "withdrawn", at };
  if (!box.phone) return null;
  return { status: "granted", phone: box.phone, disclosureVersionId: disclosure.versionId, disclosureLocale, at };
}

export type AttributeChange =
  | { type: "updateAttribute"; key: string; value: string }
  | { type: "removeAttribute"; key: string };

interface Attribute {
  key: string;
  value: string;
}

/**
 * The attribute changes that turn `current` into `record`, one change per key
 * (checkout applies one change per call). On grant the details go first and
 * "granted" last; otherwise the status goes first: a write that fails halfway
 * never leaves "granted" next to a stale number.
 */
export function attributeChanges(current: readonly Attribute[], record: ConsentRecord | null): AttributeChange[] {
  const wanted: Record<string, string | undefined> = {
    [ATTRIBUTE.phone]: record?.status === "granted" ? record.phone : undefined,
    [ATTRIBUTE.disclosureVersion]: record?.status === "granted" ? record.disclosureVersionId : undefined,
    [ATTRIBUTE.disclosureLocale]: record?.status === "granted" ? record.disclosureLocale : undefined,
    [ATTRIBUTE.at]: record?.at,
    [ATTRIBUTE.consent]: record?.status,
  };
  const keys = Object.keys(wanted);
  if (record?.status !== "granted") keys.reverse();

  const changes: AttributeChange[] = [];
  for (const key of keys) {
    const value = wanted[key];
    if (value === attributeValue(current, key)) continue;
    changes.push(value === undefined ? { type: "removeAttribute", key } : { type: "updateAttribute", key, value });
  }
  // The time belongs to the answer: when nothing else changed (the block was
  // rendered again, say), the answer still stands as given then.
  return changes.every((change) => change.key === ATTRIBUTE.at) ? [] : changes;
}

export function attributeValue(attributes: readonly Attribute[], key: string): string | undefined {
  return attributes.find((attribute) => attribute.key === key)?.value;
}
