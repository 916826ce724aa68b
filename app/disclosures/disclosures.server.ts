/**
 * Disclosure versions: the exact consent text shoppers see. Immutable: editing
 * the text publishes a new version (with the sha256 of the text), so every
 * consent event can point at precisely what that shopper was shown.
 */
import { createHash } from "node:crypto";
import type { DisclosureVersion } from "@prisma/client";
import { z } from "zod";
import prisma from "../db.server";

export const disclosureInputSchema = z.object({
  locale: z.enum(["en", "es", "fr", "de", "pt", "it"]),
  text: z
    .string()
    .trim()
    .min(40, "The disclosure is too short to say what shoppers agree to")
    .max(1000, "Keep the disclosure under 1,000 characters")
    .refine((text) => /msg\s*(&|and)\s*data rates may apply/i.test(text) || /tarifas|tarifs|tariffe|tarifas|gebühren/i.test(text), {
      message: 'Say "Msg & data rates may apply" (or its translation)',
    })
    .refine((text) => /\bSTOP\b/.test(text), { message: "Tell shoppers they can reply STOP to cancel" })
    .refine((text) => /\bHELP\b|\bAYUDA\b|\bAIDE\b|\bHILFE\b|\bAJUDA\b|\bAIUTO\b/.test(text), { message: "Tell shoppers they can reply HELP for help" }),
});
export type DisclosureInput = z.infer<typeof disclosureInputSchema>;

export const contentHashOf = (text: string) => createHash("sha256").update(text, "utf8").digest("hex");

/** Publishes the text as a new version unless it is exactly the current one for that language. */
export async function publishDisclosure(shop: string, input: DisclosureInput, now = new Date()): Promise<{ version: DisclosureVersion; created: boolean }> {
  const { locale, text } = disclosureInputSchema.parse(input);
  return prisma.$transaction(async (tx) => {
    const latest = await tx.disclosureVersion.findFirst({ where: { shop, locale }, orderBy: { version: "desc" } });
    if (latest && latest.text === text) return { version: latest, created: false };
    const highest = await tx.disclosureVersion.findFirst({ where: { shop }, orderBy: { version: "desc" }, select: { version: true } });
    const version = await tx.disclosureVersion.create({
      data: { shop, locale, text, contentHash: contentHashOf(text), version: (highest?.version ?? 0) + 1, publishedAt: now },
    });
    return { version, created: true };
  });
}

/** The current text per language (the newest version of each). */
export async function currentDisclosures(shop: string): Promise<DisclosureVersion[]> {
  const all = await prisma.disclosureVersion.findMany({ where: { shop }, orderBy: { version: "desc" } });
  const byLocale = new Map<string, DisclosureVersion>();
  for (const version of all) if (!byLocale.has(version.locale)) byLocale.set(version.locale, version);
  return [...byLocale.values()];
}

export function disclosureHistory(shop: string, take = 50): Promise<DisclosureVersion[]> {
  return prisma.disclosureVersion.findMany({ where: { shop }, orderBy: { version: "desc" }, take });
}
