/**
 * What the upload page's two requests ask, checked and answered in words:
 * - the preview: the start of the file → its header, first rows and the
 *   guessed mapping;
 * - the start: the whole file, the mapping and the mode → a queued import.
 * Nothing is written unless the whole start request is valid.
 */
import { z } from "zod";
import { composeConfirmation, supportedLanguagesOf } from "../../messaging/confirmation-text";
import { countryListOf } from "../../phone/phone-number";
import prisma from "../../db.server";
import { decodeCsvBytes, previewCsv, type CsvPreview } from "./import-file";
import { MAX_IMPORT_BYTES, MAX_IMPORT_WORDS } from "./import-limits";
import { importMappingSchema } from "./import-mapping";
import { CONFIRM_MODES } from "./import-row";
import { createSubscriberImport, fileHashOf } from "./subscriber-import.server";

export type UploadAnswer = { ok: true; preview: Extract<CsvPreview, { ok: true }> } | { ok: true; started: string } | { ok: false; error: string };

const fileNameSchema = z.string().trim().min(1).max(255);

async function shopCountry(shop: string): Promise<string | null> {
  const settings = await prisma.shop.findUnique({ where: { shop }, select: { smsCountries: true } });
  return countryListOf(settings?.smsCountries)[0] ?? null;
}

export async function previewUpload(shop: string, file: File | null): Promise<UploadAnswer> {
  if (!file) return { ok: false, error: "Choose a CSV file first." };
  const decoded = decodeCsvBytes(new Uint8Array(await file.arrayBuffer()), file.name);
  if (!decoded.ok) return decoded;
  const preview = previewCsv(decoded.text, await shopCountry(shop), false);
  return preview.ok ? { ok: true, preview } : preview;
}

const startSchema = z.object({
  mapping: z.string().max(10_000).transform((text, context) => {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      context.addIssue({ code: "custom", message: "The column choices could not be read: choose the file again." });
      return z.NEVER;
    }
  }),
  confirmMode: z.enum(CONFIRM_MODES, { errorMap: () => ({ message: "Choose how imported numbers are confirmed." }) }),
});

export async function startUpload(shop: string, staff: string, form: { file: File | null; mapping: unknown; confirmMode: unknown }): Promise<UploadAnswer> {
  const { file } = form;
  if (!file || file.size === 0) return { ok: false, error: "Choose a CSV file first." };
  if (file.size > MAX_IMPORT_BYTES) return { ok: false, error: tooLarge(file.size) };
  const fileName = fileNameSchema.safeParse(file.name);
  if (!fileName.success) return { ok: false, error: "The file needs a name ending in .csv." };
  const fields = startSchema.safeParse({ mapping: form.mapping, confirmMode: form.confirmMode });
  if (!fields.success) return { ok: false, error: fields.error.issues[0]!.message };
  const mapping = importMappingSchema.safeParse(fields.data.mapping);
  if (!mapping.success) return { ok: false, error: mapping.error.issues[0]!.message };

  const bytes = new Uint8Array(await file.arrayBuffer());
  const decoded = decodeCsvBytes(bytes, fileName.data);
  if (!decoded.ok) return decoded;
  const preview = previewCsv(decoded.text.slice(0, 64 * 1024), null, decoded.text.length <= 64 * 1024);
  if (!preview.ok) return preview;
  const used = Object.values(mapping.data.columns).filter((column): column is number => column !== undefined);
  if (used.some((column) => column >= preview.headers.length)) return { ok: false, error: "The column choices do not fit this file: choose the file again." };

  const { id } = await createSubscriberImport(shop, {
    fileName: fileName.data,
    csv: decoded.text,
    fileHash: fileHashOf(bytes),
    mapping: mapping.data,
    confirmMode: fields.data.confirmMode,
    staff,
  });
  return { ok: true, started: id };
}

/** What the page says about the double opt-in text: its words and how long a reply is waited for. */
export async function importPageFacts(shop: string): Promise<{ requestText: string; pendingExpiryHours: number }> {
  const settings = await prisma.shop.findUnique({ where: { shop } });
  if (!settings) return { requestText: "", pendingExpiryHours: 72 };
  const language = supportedLanguagesOf(settings)[0] ?? "en";
  return { requestText: composeConfirmation("double_opt_in_request", settings, language), pendingExpiryHours: settings.pendingExpiryHours };
}

export function tooLarge(bytes: number): string {
  return `This file is ${(bytes / 1024 / 1024).toFixed(1)} MB: the import takes files up to ${MAX_IMPORT_WORDS}. Split it into smaller files and import each.`;
}
