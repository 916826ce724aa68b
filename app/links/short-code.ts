/**
 * The code in a tracked link (`/l/<code>`): 8 characters of base62 from
 * the Web Crypto CSPRNG, about 47.6 bits. Unguessable in practice: with ten million
 * live links, a guess hits one about once in twenty million tries, and every
 * try is a request to this server. Short, because every character of a link
 * is a character of the text the merchant pays for by the segment.
 *
 * Web Crypto (globalThis.crypto, in Node and in browsers), not node:crypto:
 * the campaign editor's preview bundles this module (through short-link.ts,
 * for SHORT_CODE_LENGTH), and the browser build has no node:crypto.
 */

export const SHORT_CODE_LENGTH = 8;
const ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
/** Bytes at or above the largest multiple of 62 that fits in a byte (248) are dropped, so every character is equally likely. */
const UNBIASED_BELOW = 256 - (256 % ALPHABET.length);
const SHORT_CODE = new RegExp(`^[0-9A-Za-z]{${SHORT_CODE_LENGTH}}$`);

// Random bytes drawn in blocks: one call to the CSPRNG per few hundred codes, not per character.
let pool = new Uint8Array(0);
let offset = 0;

function randomByte(): number {
  if (offset >= pool.length) {
    pool = globalThis.crypto.getRandomValues(new Uint8Array(4096));
    offset = 0;
  }
  return pool[offset++]!;
}

export function newShortCode(): string {
  let code = "";
  while (code.length < SHORT_CODE_LENGTH) {
    const byte = randomByte();
    if (byte < UNBIASED_BELOW) code += ALPHABET[byte % ALPHABET.length];
  }
  return code;
}

/** Whether `text` could be a code at all: anything else is answered without a database lookup. */
export function isShortCode(text: string): boolean {
  return SHORT_CODE.test(text);
}
