/**
 * What the checkout box will show for a disclosure text, in one language: the
 * box's own label and links in that language (the extension's locale files,
 * English where it has none) and the merchant's text, plus why checkout would
 * show nothing. The extension refuses a text that does not name the brand and
 * the monthly cap (extensions/sms-consent-checkout/src/disclosure.ts), and
 * shows no box without the terms and privacy addresses or an English text.
 */
import en from "../../extensions/sms-consent-checkout/locales/en.default.json";
import es from "../../extensions/sms-consent-checkout/locales/es.json";
import fr from "../../extensions/sms-consent-checkout/locales/fr.json";

interface BoxWords {
  label: string;
  termsLink: string;
  privacyLink: string;
}
const boxWords = ({ label, termsLink, privacyLink }: BoxWords): BoxWords => ({
  label,
  termsLink,
  privacyLink,
});
/** Only the three strings the box shows next to the text, so the browser bundle carries no more of the locale files. */
const BOX_WORDS: Record<string, BoxWords> = {
  en: boxWords(en),
  es: boxWords(es),
  fr: boxWords(fr),
};

export interface CheckoutPreviewInput {
  locale: string;
  text: string;
  brandName: string;
  maxMessagesPerMonth: number;
  termsUrl: string | null;
  privacyUrl: string | null;
  /** Whether an English text is published (or is the one being previewed). */
  hasEnglish: boolean;
}

export interface CheckoutPreview {
  words: BoxWords;
  /** The box's own words fall back to English in this language. */
  wordsInEnglish: boolean;
  /** Why checkout would not show this text (empty: it shows it). */
  problems: string[];
}

export function checkoutPreview(input: CheckoutPreviewInput): CheckoutPreview {
  const words = BOX_WORDS[input.locale];
  const problems: string[] = [];
  const text = input.text.trim();
  if (!text) problems.push("There is no text yet.");
  else {
    if (!text.includes(input.brandName)) problems.push(`It does not name your brand exactly as set ("${input.brandName}"), so checkout will not show it.`);
    if (!text.includes(String(input.maxMessagesPerMonth)))
      problems.push(`It does not state your monthly cap (${input.maxMessagesPerMonth}), so checkout will not show it.`);
  }
  if (!input.termsUrl || !input.privacyUrl) problems.push("Checkout shows no box until your SMS terms and privacy policy addresses are saved above.");
  if (!input.hasEnglish && input.locale !== "en") problems.push("Checkout shows no box until the English text is published.");
  return { words: words ?? BOX_WORDS.en!, wordsInEnglish: !words, problems };
}
