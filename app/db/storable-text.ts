/**
 * Text as both databases can store it. PostgreSQL refuses U+0000 in text
 * ("invalid byte sequence for encoding UTF8: 0x00") where SQLite keeps it, and
 * a lone UTF-16 surrogate (which JSON's "\ud800" escape can produce) has no
 * UTF-8 form at all: the driver would silently write U+FFFD on one database
 * and the raw code unit on the other. So every text is cleaned the same way
 * before it is written or compared, on both databases: NUL removed (it is
 * never meaningful in a text message, a name or an id), lone surrogates
 * replaced by U+FFFD.
 */

const SURROGATE = /[\uD800-\uDFFF]/;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

export function storableText(text: string): string {
  // Fast path: most strings have neither, and these checks are cheap enough for every bound value.
  const hasNul = text.includes("\u0000");
  if (!hasNul && !SURROGATE.test(text)) return text;
  return (hasNul ? text.replaceAll("\u0000", "") : text).replace(LONE_SURROGATE, "\uFFFD");
}

/** Every string inside a parsed JSON value (keys too), cleaned with storableText; other values as they are. */
export function storableJson<T>(value: T): T {
  if (typeof value === "string") return storableText(value) as T;
  if (Array.isArray(value)) return value.map((item: unknown) => storableJson(item)) as T;
  if (typeof value === "object" && value !== null && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [storableText(key), storableJson(item)])) as T;
  }
  return value;
}
