/**
 * The languages the app writes its replies in: the shared vocabulary of the
 * classifier, the composer, checkout and the shop's settings.
 */
export type Language = "en" | "es" | "fr" | "de" | "pt" | "it";

export const LANGUAGES: readonly Language[] = ["en", "es", "fr", "de", "pt", "it"];

export function isLanguage(value: unknown): value is Language {
  return LANGUAGES.includes(value as Language);
}
