/**
 * How many SMS segments a text is billed as, and which characters make it
 * cost more: the one segment counter of the app (composer, outbox, campaigns,
 * the Twilio test server).
 *
 * GSM 03.38 (3GPP TS 23.038): a text made only of the GSM-7 alphabet travels
 * in 7-bit septets, 160 in one segment, 153 per part once split (the rest of
 * each part is the concatenation header). One character outside it (emoji,
 * smart quotes, ç, á…) sends the whole text as UCS-2: 70 UTF-16 code units,
 * 67 per part. See docs/compliance.md (content).
 */

export type SmsEncoding = "GSM-7" | "UCS-2";

export interface SegmentCount {
  encoding: SmsEncoding;
  /** Code points, what a person would count. */
  characters: number;
  /** What the carrier counts: septets for GSM-7 (an extension character is 2), UTF-16 code units for UCS-2. */
  units: number;
  /** 0 for an empty text. */
  segments: number;
  /** Units per segment at the current length: 160/70 for a single segment, 153/67 once split. */
  perSegment: number;
  /** Units still free in the last segment before one more is needed (an extension character needs 2). */
  remainingInSegment: number;
}

/** The basic table, minus the escape (0x1B). 0x09 is capital Ç: lower-case ç is not GSM-7. Δ Φ Γ Λ Ω Π Ψ Σ Θ Ξ are the Greek capitals in it. */
const GSM7_BASIC: ReadonlySet<string> = new Set(
  "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà",
);
/** The extension table: each costs the escape plus itself, and the pair is never split across parts. */
const GSM7_EXTENSION: ReadonlySet<string> = new Set("\f^{}\\[~]|€");

const LIMITS: Readonly<Record<SmsEncoding, { single: number; part: number }>> = {
  "GSM-7": { single: 160, part: 153 },
  "UCS-2": { single: 70, part: 67 },
};

export function isGsm7Character(char: string): boolean {
  return GSM7_BASIC.has(char) || GSM7_EXTENSION.has(char);
}

/**
 * How the text travels and how many segments it is billed as. Counts what is
 * sent, as is: a decomposed é (e + combining accent) is not GSM-7 even though
 * its composed form is. Multipart messages never split an escape pair or a
 * surrogate pair, so the last part can spill over where plain division would
 * not. An empty text is 0 segments.
 */
export function countSegments(text: string): SegmentCount {
  const characters = [...text];
  const encoding: SmsEncoding = characters.every(isGsm7Character) ? "GSM-7" : "UCS-2";
  const sizes = characters.map((char) => (encoding === "GSM-7" ? (GSM7_EXTENSION.has(char) ? 2 : 1) : char.length));
  const units = sizes.reduce((sum, size) => sum + size, 0);
  const { single, part } = LIMITS[encoding];

  if (units <= single) {
    const segments = units === 0 ? 0 : 1;
    return { encoding, characters: characters.length, units, segments, perSegment: single, remainingInSegment: single - units };
  }
  let segments = 1;
  let used = 0;
  for (const size of sizes) {
    if (used + size > part) {
      segments += 1;
      used = 0;
    }
    used += size;
  }
  return { encoding, characters: characters.length, units, segments, perSegment: part, remainingInSegment: part - used };
}

// ───────────────────────────── what forces UCS-2 ─────────────────────────────

export interface Ucs2Culprit {
  /** One user-perceived character (an emoji with its skin tone is one): "’", "😀", "ç". */
  character: string;
  /** The first word it appears in, as written: "don’t". */
  word: string;
  occurrences: number;
  /** Its GSM-7 look-alike ("'" for ’, "" for an invisible character to drop), or null when there is none (emoji, ç, á). */
  replacement: string | null;
  /**
   * The segments once this character is dealt with (replaced, or removed when it
   * has no replacement) together with every other replaceable culprit. Never more
   * than the text costs now: where a replacement would cost more (54 "…" become
   * 162 septets of "..."), this is the current count.
   */
  segmentsIfFixed: number;
}

/**
 * GSM-7 look-alikes of the characters phones and word processors slip in
 * (smart punctuation, odd spaces, Greek capitals that look Latin). Letters
 * with accents outside GSM-7 (á, ç, ê) have none: dropping the accent changes
 * the word, so that is the merchant's call.
 */
const GSM7_REPLACEMENTS: ReadonlyMap<string, string> = new Map([
  ...[..."’‘‚‛′`´"].map((char) => [char, "'"] as const),
  ...[..."“”„‟″«»"].map((char) => [char, '"'] as const),
  ...[..."‐‑‒–—―−"].map((char) => [char, "-"] as const),
  ["…", "..."],
  ["•", "-"],
  ["\t", " "],
  ...[..."\u00a0\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000"].map((char) => [char, " "] as const),
  // Invisible: zero-width space, non-joiner, joiner, word joiner, soft hyphen, byte-order mark.
  ...[..."\u200b\u200c\u200d\u2060\u00ad\ufeff"].map((char) => [char, ""] as const),
  // Greek capitals outside GSM-7 that are drawn exactly like Latin ones.
  ...(["ΑA", "ΒB", "ΕE", "ΖZ", "ΗH", "ΙI", "ΚK", "ΜM", "ΝN", "ΟO", "ΡP", "ΤT", "ΥY", "ΧX"] as const).map(
    (pair) => [pair.slice(0, 1), pair.slice(1)] as const,
  ),
]);

/** Names for the culprits a merchant cannot see. */
const INVISIBLE_NAMES: ReadonlyMap<string, string> = new Map([
  ["\u00a0", "non-breaking space"],
  ["\u202f", "narrow non-breaking space"],
  ["\u2009", "thin space"],
  ["\u200b", "zero-width space"],
  ["\u200c", "zero-width non-joiner"],
  ["\u200d", "zero-width joiner"],
  ["\u2060", "word joiner"],
  ["\u00ad", "soft hyphen"],
  ["\ufeff", "byte-order mark"],
  ["\t", "tab"],
]);

const graphemes = new Intl.Segmenter("en", { granularity: "grapheme" });

function isGsm7Text(text: string): boolean {
  return [...text].every(isGsm7Character);
}

/** A replacement for one grapheme: from the table, or its composed form when that is GSM-7 (e + ́ → é). */
function replacementFor(character: string): string | null {
  const known = GSM7_REPLACEMENTS.get(character);
  if (known !== undefined) return known;
  const composed = character.normalize("NFC");
  return composed !== character && isGsm7Text(composed) ? composed : null;
}

/**
 * Each distinct character that forces the text into UCS-2, in order of first
 * appearance, with what it would take to get rid of it.
 */
export function ucs2Culprits(text: string): Ucs2Culprit[] {
  const found = new Map<string, { word: string; occurrences: number }>();
  for (const { segment, index } of graphemes.segment(text)) {
    if (isGsm7Text(segment)) continue;
    const seen = found.get(segment);
    if (seen) seen.occurrences += 1;
    else found.set(segment, { word: wordAround(text, index, segment.length), occurrences: 1 });
  }
  if (found.size === 0) return [];

  const now = countSegments(text).segments;
  const replaceable = [...found.keys()].filter((character) => replacementFor(character) !== null);
  const withReplacements = replaceAll(text, replaceable);
  return [...found].map(([character, { word, occurrences }]) => {
    const replacement = replacementFor(character);
    const fixed = replacement === null ? replaceAll(withReplacements, [character]) : withReplacements;
    return { character, word, occurrences, replacement, segmentsIfFixed: Math.min(now, countSegments(fixed).segments) };
  });
}

/**
 * The sentence the merchant reads next to the counter, e.g.
 * "The ’ in “don’t” makes this 3 segments instead of 2: replace it with '".
 */
export function describeUcs2Culprit(culprit: Ucs2Culprit, before: number, after: number): string {
  const name = INVISIBLE_NAMES.get(culprit.character) ?? culprit.character;
  const subject = `The ${name} in ${quoteWord(culprit.word)}`;
  const fix =
    culprit.replacement === null ? "remove it" : culprit.replacement === "" ? "delete it" : `replace it with ${culprit.replacement}`;
  if (after < before) return `${subject} makes this ${plural(before, "segment")} instead of ${after}: ${fix}`;
  const equivalent =
    culprit.replacement === null
      ? "it has no GSM-7 equivalent"
      : culprit.replacement === ""
        ? "it is invisible and can be deleted"
        : `its GSM-7 equivalent is ${culprit.replacement}`;
  return `${subject} sends this text as UCS-2 (70 characters a segment instead of 160); ${equivalent}`;
}

function replaceAll(text: string, characters: readonly string[]): string {
  const targets = new Set(characters);
  let out = "";
  for (const { segment } of graphemes.segment(text)) {
    out += targets.has(segment) ? (replacementFor(segment) ?? "") : segment;
  }
  return out;
}

/** The run of text between spaces or line breaks around position `index`. */
function wordAround(text: string, index: number, length: number): string {
  const before = text.slice(0, index).search(/[^ \n\r]*$/);
  const afterMatch = /^[^ \n\r]*/.exec(text.slice(index + length));
  return text.slice(before, index + length + (afterMatch?.[0].length ?? 0));
}

function quoteWord(word: string): string {
  return /^[“"]/.test(word) ? word : `“${word}”`;
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? "" : "s"}`;
}
