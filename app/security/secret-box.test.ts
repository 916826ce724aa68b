import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { decryptSecret, encryptSecret } from "./secret-box.server";

const key = randomBytes(32).toString("hex");

describe("secret box", () => {
  it("round-trips and never stores the plaintext", () => {
    const sealed = encryptSecret("auth-token-123", key);
    expect(sealed).not.toContain("auth-token-123");
    expect(sealed.startsWith("v1.")).toBe(true);
    expect(decryptSecret(sealed, key)).toBe("auth-token-123");
  });

  it("uses a fresh IV each time", () => {
    expect(encryptSecret("same", key)).not.toBe(encryptSecret("same", key));
  });

  it("rejects a wrong key and a tampered ciphertext", () => {
    const sealed = encryptSecret("secret", key);
    expect(() => decryptSecret(sealed, randomBytes(32).toString("hex"))).toThrow();
    const parts = sealed.split(".");
    const body = Buffer.from(parts[3]!, "base64url");
    body[0] = body[0]! ^ 1;
    expect(() => decryptSecret([...parts.slice(0, 3), body.toString("base64url")].join("."), key)).toThrow();
  });

  it("refuses keys of the wrong size", () => {
    expect(() => encryptSecret("x", "abcd")).toThrow(/32 bytes/);
  });
});
