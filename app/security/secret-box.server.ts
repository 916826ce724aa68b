/**
 * Encryption at rest for secrets such as Twilio auth tokens: AES-256-GCM with a
 * fresh 96-bit IV per value; the auth tag makes any tampering fail loudly.
 * Format: "v1.<iv>.<tag>.<ciphertext>" (base64url parts), so the key or the
 * algorithm can be rotated later by bumping the version.
 */
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";

function keyFrom(hexKey: string): Buffer {
  const key = Buffer.from(hexKey, "hex");
  if (key.length !== 32) throw new Error("The encryption key must be 32 bytes (64 hex characters)");
  return key;
}

export function encryptSecret(plaintext: string, hexKey: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", keyFrom(hexKey), iv);
  const ciphertext = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  return ["v1", iv, cipher.getAuthTag(), ciphertext].map((part) => (typeof part === "string" ? part : part.toString("base64url"))).join(".");
}

export function decryptSecret(sealed: string, hexKey: string): string {
  const [version, iv, tag, ciphertext] = sealed.split(".");
  if (version !== "v1" || !iv || !tag || ciphertext === undefined) {
    throw new Error("Not an encrypted secret (expected v1.<iv>.<tag>.<ciphertext>)");
  }
  const decipher = createDecipheriv("aes-256-gcm", keyFrom(hexKey), Buffer.from(iv, "base64url"));
  decipher.setAuthTag(Buffer.from(tag, "base64url"));
  return Buffer.concat([decipher.update(Buffer.from(ciphertext, "base64url")), decipher.final()]).toString("utf8");
}
