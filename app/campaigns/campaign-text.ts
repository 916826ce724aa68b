/**
 * Where a campaign's text becomes one recipient's text: the tokens filled in,
 * the brand prefix and the opt-out footer added when the merchant left them
 * out (docs/compliance.md, content), each link handed to `rewriteLink`.
 *
 * Tokens: `{first_name|fallback}`, `{shop_name}`, `{discount_code}`; names
 * in any case, spaces inside the braces tolerated (`{ First_Name | there }`).
 *
 * What a recipient's first name contains cannot change the text around it:
 * the brand, footer and link decisions are taken on the merchant's text with
 * the name held out, and the name goes in last, in one pass, so a name like
 * "{discount_code}", "Reply STOP to opt out" or "https://x.example" stays
 * literal and neither hides the footer nor becomes a tracked link.
 */
import type { Language } from "~/language/languages";
import { appendOptOutFooter, ensureBrandPrefix } from "~/messaging/compose";

export interface CampaignTokenValues {
  firstName: string | null;
  shopName: string;
  discountCode: string | null;
}

export interface CampaignProgram {
  brandName: string;
  language?: Language | null;
}

export interface RenderOptions {
  /** Called once per http(s) link in the merchant's text; issue 10 swaps in a tracked link here. */
  rewriteLink?: (url: string) => string;
}

export const CAMPAIGN_TOKENS = ["first_name", "shop_name", "discount_code"] as const;
export type CampaignToken = (typeof CAMPAIGN_TOKENS)[number];

export type TemplateProblemKind =
  | "unknown_token"
  | "double_braces"
  | "unclosed_brace"
  | "unmatched_closing_brace"
  | "fallback_not_supported"
  | "missing_discount_code";

export interface TemplateProblem {
  kind: TemplateProblemKind;
  /** The text as written, e.g. "{firstname}". */
  token: string;
  message: string;
  fix: string;
}

// ───────────────────────────── reading a template ─────────────────────────────

type Piece =
  | { type: "text"; text: string }
  | { type: "token"; name: CampaignToken; fallback: string | null; raw: string }
  | { type: "problem"; text: string; problem: Omit<TemplateProblem, "message" | "fix"> & { suggestion?: CampaignToken } };

const KNOWN_TOKENS: ReadonlySet<string> = new Set(CAMPAIGN_TOKENS);

/** Splits a template into text, tokens and the spans that are neither; `{…}` never nests. */
function scan(template: string): Piece[] {
  const pieces: Piece[] = [];
  let text = "";
  const flushText = () => {
    if (text) pieces.push({ type: "text", text });
    text = "";
  };
  let index = 0;
  while (index < template.length) {
    const char = template[index];
    if (char === "}") {
      flushText();
      pieces.push({ type: "problem", text: "}", problem: { kind: "unmatched_closing_brace", token: "}" } });
      index += 1;
      continue;
    }
    if (char !== "{") {
      text += char;
      index += 1;
      continue;
    }
    flushText();
    const double = /^\{\{([^{}]*)\}\}/.exec(template.slice(index));
    if (double) {
      const { name } = parseInside(double[1] ?? "");
      pieces.push({
        type: "problem",
        text: double[0],
        problem: { kind: "double_braces", token: double[0], suggestion: KNOWN_TOKENS.has(name) ? (name as CampaignToken) : undefined },
      });
      index += double[0].length;
      continue;
    }
    const close = template.indexOf("}", index + 1);
    const nextOpen = template.indexOf("{", index + 1);
    if (close === -1 || (nextOpen !== -1 && nextOpen < close)) {
      const end = nextOpen === -1 ? template.length : nextOpen;
      const raw = template.slice(index, end);
      pieces.push({ type: "problem", text: raw, problem: { kind: "unclosed_brace", token: raw.trimEnd() } });
      index = end;
      continue;
    }
    const raw = template.slice(index, close + 1);
    const { name, fallback } = parseInside(raw.slice(1, -1));
    if (!KNOWN_TOKENS.has(name)) {
      pieces.push({ type: "problem", text: raw, problem: { kind: "unknown_token", token: raw, suggestion: closestToken(name) } });
    } else if (fallback !== null && name !== "first_name") {
      pieces.push({ type: "problem", text: raw, problem: { kind: "fallback_not_supported", token: raw, suggestion: name as CampaignToken } });
    } else {
      pieces.push({ type: "token", name: name as CampaignToken, fallback, raw });
    }
    index = close + 1;
  }
  flushText();
  return pieces;
}

function parseInside(inside: string): { name: string; fallback: string | null } {
  const bar = inside.indexOf("|");
  const name = (bar === -1 ? inside : inside.slice(0, bar)).trim().toLowerCase();
  return { name, fallback: bar === -1 ? null : inside.slice(bar + 1).trim() };
}

/** "{firstname}", "{First Name}", "{name}" → first_name; "{code}", "{discount}" → discount_code. */
function closestToken(name: string): CampaignToken | undefined {
  const squeezed = name.replace(/[^a-z]/g, "");
  if (["firstname", "first", "name", "fname"].includes(squeezed)) return "first_name";
  if (["shopname", "shop", "store", "storename", "brand"].includes(squeezed)) return "shop_name";
  if (["discountcode", "discount", "code", "coupon", "couponcode", "promocode"].includes(squeezed)) return "discount_code";
  return undefined;
}

/**
 * What is wrong with a template, in words a merchant can act on. With
 * `hasDiscountCode: false`, a `{discount_code}` with no code set is one.
 */
export function templateProblems(template: string, context: { hasDiscountCode?: boolean } = {}): TemplateProblem[] {
  const problems: TemplateProblem[] = [];
  for (const piece of scan(template)) {
    if (piece.type === "problem") problems.push(describeProblem(piece.problem));
    if (piece.type === "token" && piece.name === "discount_code" && context.hasDiscountCode === false) {
      problems.push({
        kind: "missing_discount_code",
        token: piece.raw,
        message: `The message uses ${piece.raw}, but the campaign has no discount code, so recipients would see nothing there.`,
        fix: "Enter the discount code for this campaign, or take {discount_code} out of the message.",
      });
    }
  }
  return problems;
}

function describeProblem(problem: Omit<TemplateProblem, "message" | "fix"> & { suggestion?: CampaignToken }): TemplateProblem {
  const { kind, token, suggestion } = problem;
  const known = CAMPAIGN_TOKENS.map((name) => `{${name}}`).join(", ");
  const useInstead = suggestion ? `Write {${suggestion}} instead.` : `The tokens you can use are ${known}.`;
  switch (kind) {
    case "unknown_token":
      return { kind, token, message: `${token} is not a token we know, so it would be sent as written.`, fix: useInstead };
    case "double_braces":
      return { kind, token, message: `${token} has double braces; tokens take single ones.`, fix: useInstead };
    case "unclosed_brace":
      return { kind, token, message: `“${token}” opens a brace that is never closed.`, fix: "Close the token with }, or remove the {." };
    case "unmatched_closing_brace":
      return { kind, token, message: "The message has a } that closes nothing.", fix: "Remove the }, or open the token with {." };
    case "fallback_not_supported":
      return {
        kind,
        token,
        message: `${token} has a fallback, but only {first_name} can have one: the shop name and discount code are always known.`,
        fix: useInstead,
      };
    case "missing_discount_code":
      return { kind, token, message: `The message uses ${token}, but the campaign has no discount code.`, fix: "Enter the discount code." };
  }
}

/** Whether the template uses `{first_name}` anywhere without a fallback (recipients without a name would see a gap). */
export function firstNameWithoutFallback(template: string): boolean {
  return scan(template).some((piece) => piece.type === "token" && piece.name === "first_name" && piece.fallback === null);
}

// ───────────────────────────── rendering ─────────────────────────────

/**
 * A recipient's value is held out of every decision taken on the merchant's
 * text behind a marker, "ꙮ0ꙮ", that reads as a word (ꙮ is a letter), so
 * "Acme{first_name}" is not taken for a text that starts with the brand "Acme".
 * ꙮ (a Cyrillic letter found in one manuscript) is taken out of templates and
 * values first.
 */
const HOLD = "\uA66E";
const MARKER_CHARACTERS = /[\uA66E\uE000]/gu;
const HELD_VALUE = /\uA66E(\d+)\uA66E/gu;
/** Where an empty value was: "Hi {first_name}!" with no name reads "Hi!", not "Hi !". */
const GAP = "\uE000";

/** An http(s) link up to the first space or quote; trailing sentence punctuation is not part of it. */
const LINK = /https?:\/\/[^\s<>"'“”‘’«»\uA66E\uE000]+/giu;
const TRAILING_PUNCTUATION = /[.,!?;:)\]]+$/u;

/**
 * One recipient's text. Unknown or broken tokens are left as written
 * (`templateProblems` reports them and the lint blocks sending). An empty
 * value (no first name and no fallback, no discount code) leaves no stray
 * space before punctuation.
 */
export function renderCampaignText(
  template: string,
  values: CampaignTokenValues,
  program: CampaignProgram,
  options: RenderOptions = {},
): string {
  const { text, held } = merchantText(template, values);
  const withLinks = options.rewriteLink ? rewriteLinks(text, options.rewriteLink) : text;
  const complete = appendOptOutFooter(ensureBrandPrefix(program.brandName, withLinks), program.language);
  return complete.replace(HELD_VALUE, (_, index: string) => held[Number(index)] ?? "");
}

/**
 * Whether rendering will add the brand prefix and the opt-out footer, judged
 * exactly as `renderCampaignText` judges it (the brand stands in for
 * {shop_name} unless the shop name is given): what the lint tells the
 * merchant is what the renderer does. "Added" when it is added for a
 * recipient with a first name or for one without (a template that glues
 * {first_name} to the brand can differ between the two).
 */
export function campaignTextAdditions(
  template: string,
  program: CampaignProgram & { shopName?: string },
): { brandPrefixAdded: boolean; optOutFooterAdded: boolean } {
  const shopName = program.shopName ?? program.brandName;
  const additions = [null, "Name"].map((firstName) => {
    const { text } = merchantText(template, { firstName, shopName, discountCode: "CODE" });
    const prefixed = ensureBrandPrefix(program.brandName, text);
    return { brandPrefixAdded: prefixed !== text.trim(), optOutFooterAdded: appendOptOutFooter(prefixed, program.language) !== prefixed };
  });
  return {
    brandPrefixAdded: additions.some((addition) => addition.brandPrefixAdded),
    optOutFooterAdded: additions.some((addition) => addition.optOutFooterAdded),
  };
}

/** The merchant's text with the shop's values in and each recipient value held out behind a marker. */
function merchantText(template: string, values: CampaignTokenValues): { text: string; held: string[] } {
  const held: string[] = [];
  const text = scan(template.replace(MARKER_CHARACTERS, "").normalize("NFC"))
    .map((piece) => {
      if (piece.type !== "token") return piece.text;
      switch (piece.name) {
        case "shop_name":
          return orGap(values.shopName.replace(MARKER_CHARACTERS, "").trim());
        case "discount_code":
          return orGap((values.discountCode ?? "").replace(MARKER_CHARACTERS, "").trim());
        case "first_name": {
          const name = cleanName(values.firstName);
          // The fallback is the merchant's own words: it takes part in the decisions like the rest.
          if (!name) return orGap(piece.fallback ?? "");
          held.push(name);
          return `${HOLD}${held.length - 1}${HOLD}`;
        }
      }
    })
    .join("");
  return { text: closeGaps(text), held };
}

function orGap(value: string): string {
  return value || GAP;
}

/** A first name as a name: no line breaks, tabs or runs of spaces (they would reshape the text), no markers. */
function cleanName(firstName: string | null): string {
  return (firstName ?? "").replace(MARKER_CHARACTERS, "").replace(/[\p{Cc}\s]+/gu, " ").trim().normalize("NFC");
}

function closeGaps(text: string): string {
  return text
    .replace(/^([ \t]*)\uE000[ \t]*[,;:]?[ \t]*/gmu, "$1") // "{first_name}, hi" → "hi"
    .replace(/[ \t]*\uE000[ \t]*(?=[,.!?;:]|$)/gmu, "") // "Hi {first_name}!" → "Hi!"
    .replace(/([ \t])\uE000[ \t]+/gu, "$1") // "Dear {first_name} friend" → "Dear friend"
    .replace(/\uE000/gu, "");
}

function rewriteLinks(text: string, rewriteLink: (url: string) => string): string {
  return text.replace(LINK, (match) => {
    const trailing = TRAILING_PUNCTUATION.exec(match)?.[0] ?? "";
    const url = match.slice(0, match.length - trailing.length);
    return url ? rewriteLink(url) + trailing : match;
  });
}
