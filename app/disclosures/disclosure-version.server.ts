/**
 * One disclosure version as a consent's proof: the exact text, its version,
 * language, publish date and SHA-256, and whether the text still hashes to the
 * SHA-256 recorded when it was published (the consent events point at both).
 */
import type { DisclosureVersion } from "@prisma/client";
import prisma from "../db.server";
import { contentHashOf } from "./disclosures.server";

export interface DisclosureProof {
  version: DisclosureVersion;
  /** The text as stored hashes to the contentHash recorded at publishing. */
  hashMatches: boolean;
}

/** Null when the id is not one of this shop's versions. */
export async function getDisclosureProof(shop: string, id: string): Promise<DisclosureProof | null> {
  const version = await prisma.disclosureVersion.findFirst({ where: { id, shop } });
  if (!version) return null;
  return { version, hashMatches: contentHashOf(version.text) === version.contentHash };
}
