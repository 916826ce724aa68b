/**
 * The compliance lint a campaign passes before it may be sent: each rule
 * below, in plain words, with the fix. Errors block sending; warnings inform.
 * The rules follow docs/compliance.md (content, timing) and are kept as data
 * (`CAMPAIGN_LINT_RULES`, `SHAFT_TERMS`, `PUBLIC_LINK_SHORTENERS`) so that
 * someone who is not a programmer can read and amend them.
 *
 * Content rules read what the merchant wrote (the template), never a
 * recipient's rendered text: a subscriber's first name can neither raise nor
 * hide a finding. Length rules read the rendered text's segment count.
 */
import type { Language } from "~/language/languages";
import { appendOptOutFooter } from "~/messaging/compose";
import type { SegmentCount } from "~/messaging/segments";

import { campaignTextAdditions, firstNameWithoutFallback, templateProblems } from "./campaign-text";

export type LintSeverity = "error" | "warning";

export type LintRule =
  | "empty_message"
  | "brand_name_unset"
  | "template_problem"
  | "discount_code_missing"
  | "shaft_content"
  | "link_shortener"
  | "insecure_link"
  | "too_long_to_send"
  | "far_over_segment_limit"
  | "over_segment_limit"
  | "empty_audience"
  | "brand_name_missing"
  | "opt_out_missing"
  | "first_name_without_fallback"
  | "quiet_hours";

export interface LintFinding {
  rule: LintRule;
  severity: LintSeverity;
  message: string;
  fix: string;
}

export interface CampaignLintInput {
  template: string;
  /**
   * The text one recipient would get (renderCampaignText), on which `segments`
   * was counted. The content rules read `template` instead (see above).
   */
  rendered: string;
  brandName: string;
  segments: SegmentCount;
  /** The shop's segment budget per text. */
  maxSegments: number;
  /** Recipients the audience holds now; null while unknown. */
  audienceSize: number | null;
  /** Share (0–1) of recipients in quiet hours at the send time; null when not scheduled or unknown. */
  quietHoursShare: number | null;
  hasDiscountCode: boolean;
  /** The program's language, for the opt-out footer the warning quotes. */
  language?: Language | null;
}

export interface LintRuleDefinition {
  rule: LintRule;
  severity: LintSeverity;
  /** Why the rule exists, in one sentence. */
  why: string;
  check: (input: CampaignLintInput) => Array<{ message: string; fix: string }>;
}

/** Twilio refuses a longer body (error 21617). */
export const MAX_BODY_CHARACTERS = 1600;

// ───────────────────────────── content carriers filter ─────────────────────────────

/**
 * SHAFT: sex, hate, alcohol, firearms, tobacco (with vaping) and cannabis.
 * US carriers filter these unless the sender registered an age-gated campaign
 * for them, which this app does not do. Each term matches as a whole word, in
 * any case and with or without accents (so "Essex", "unisex" and "glass" do
 * not match "sex" or "ass"); a space or hyphen inside a term also matches the
 * other or nothing ("e-cig", "e cig", "ecig"). Plurals are listed, not guessed.
 * The list is short on purpose: words a shop uses innocently all the time
 * ("nude" lipstick, "spirits", "cocktail" dress, "shot") are left out, and the
 * phrases in `SHAFT_INNOCENT_PHRASES` are ignored. Slurs are not spelled out
 * here; the hate entries are the unambiguous phrases.
 */
export const SHAFT_TERMS: ReadonlyArray<{ category: string; terms: readonly string[] }> = [
  { category: "sexual", terms: ["sex", "sexy", "sexual", "porn", "porno", "pornographic", "xxx", "erotic", "erotica", "fetish", "onlyfans"] },
  { category: "hate", terms: ["white power", "white supremacy", "white supremacist", "sieg heil", "heil hitler", "race war", "ethnic cleansing"] },
  {
    category: "alcohol",
    terms: [
      "alcohol", "alcoholic", "beer", "beers", "wine", "wines", "winery", "brewery", "vodka", "whiskey", "whisky", "bourbon",
      "tequila", "mezcal", "rum", "gin", "liquor", "liqueur", "booze", "champagne", "prosecco", "cognac", "hard seltzer",
    ],
  },
  {
    category: "firearms",
    terms: ["gun", "guns", "handgun", "handguns", "firearm", "firearms", "rifle", "rifles", "pistol", "pistols", "shotgun", "shotguns", "ammo", "ammunition", "ar-15", "glock"],
  },
  {
    category: "tobacco or vaping",
    terms: ["tobacco", "cigarette", "cigarettes", "cigar", "cigars", "nicotine", "vape", "vapes", "vaping", "e-cig", "e-cigs", "e-cigarette", "e-cigarettes", "juul", "hookah", "snus"],
  },
  { category: "cannabis", terms: ["cannabis", "marijuana", "weed", "thc", "cbd", "delta-8", "edibles", "kush", "dispensary", "pre-roll", "pre-rolls"] },
];

/** Everyday phrases that contain a term above and are not about it. Matched as words, plural "s" included. */
export const SHAFT_INNOCENT_PHRASES: readonly string[] = [
  "root beer", "ginger beer", "non-alcoholic", "alcohol-free", "rubbing alcohol",
  "wine red", "wine colour", "wine color", "wine coloured", "wine colored",
  "glue gun", "heat gun", "nail gun", "staple gun", "caulk gun", "caulking gun", "spray gun", "water gun", "squirt gun", "nerf gun", "massage gun", "top gun",
  "weed killer", "weed control", "weed barrier", "weed whacker", "weed wacker", "weed eater", "weed puller",
];

/** Public shorteners: carriers filter their links, since anyone can hide any destination behind them. */
export const PUBLIC_LINK_SHORTENERS: readonly string[] = [
  "bit.ly", "bitly.com", "tinyurl.com", "t.co", "goo.gl", "ow.ly", "is.gd", "v.gd", "buff.ly", "rebrand.ly", "cutt.ly",
  "shorturl.at", "rb.gy", "t.ly", "tiny.cc", "s.id", "bl.ink", "lnkd.in", "shorte.st", "adf.ly", "qrco.de", "x.co", "tr.im",
];

// ───────────────────────────── the rules ─────────────────────────────

export const CAMPAIGN_LINT_RULES: readonly LintRuleDefinition[] = [
  {
    rule: "empty_message",
    severity: "error",
    why: "There is nothing to send.",
    check: ({ template }) =>
      isBlank(template) ? [{ message: "The message is empty.", fix: "Write the text of the campaign." }] : [],
  },
  {
    rule: "brand_name_unset",
    severity: "error",
    why: "Every marketing text must start with the brand name, and the shop has none to add.",
    check: ({ brandName }) =>
      brandName.trim() ? [] : [{ message: "Your shop has no brand name, and every text must start with one.", fix: "Set the brand name in Settings." }],
  },
  {
    rule: "template_problem",
    severity: "error",
    why: "A broken or unknown token would reach every recipient as written, braces and all.",
    check: ({ template }) => templateProblems(template).map(({ message, fix }) => ({ message, fix })),
  },
  {
    rule: "discount_code_missing",
    severity: "error",
    why: "A text that promises a code and shows none misleads the recipient.",
    check: ({ template, hasDiscountCode }) =>
      templateProblems(template, { hasDiscountCode })
        .filter((problem) => problem.kind === "missing_discount_code")
        .map(({ message, fix }) => ({ message, fix })),
  },
  {
    rule: "shaft_content",
    severity: "error",
    why: "US carriers filter texts about sex, hate, alcohol, firearms, tobacco and cannabis (SHAFT) from senders not registered for them with age checks.",
    check: ({ template }) =>
      shaftMatches(template).map(({ term, category }) => ({
        message: `“${term}” is ${category} content, which US carriers filter (sex, hate, alcohol, firearms, tobacco, cannabis): this text would likely be blocked.`,
        fix: `Take “${term}” out of the message. Such campaigns need an age-gated carrier registration, which this app does not make.`,
      })),
  },
  {
    rule: "link_shortener",
    severity: "error",
    why: "Carriers filter links through public shorteners, because anyone can hide any destination behind them.",
    check: ({ template }) =>
      shortenerLinks(template).map((link) => ({
        message: `${link} goes through a public link shortener; carriers filter texts that contain one.`,
        fix: "Use the full link to the page on your own store instead.",
      })),
  },
  {
    rule: "insecure_link",
    severity: "error",
    why: "Plain http links are flagged by phones and carriers as unsafe.",
    check: ({ template }) =>
      insecureLinks(template).map((link) => ({
        message: `${link} is not a secure link (http instead of https); phones warn about it and carriers treat it as suspect.`,
        fix: `Use https://${link.slice("http://".length)}`,
      })),
  },
  {
    rule: "too_long_to_send",
    severity: "error",
    why: `Twilio refuses a text longer than ${MAX_BODY_CHARACTERS.toLocaleString("en-US")} characters.`,
    check: ({ segments }) =>
      segments.characters > MAX_BODY_CHARACTERS
        ? [
            {
              message: `The text is ${segments.characters.toLocaleString("en-US")} characters; Twilio refuses more than ${MAX_BODY_CHARACTERS.toLocaleString("en-US")}.`,
              fix: `Shorten it by ${(segments.characters - MAX_BODY_CHARACTERS).toLocaleString("en-US")} characters at least.`,
            },
          ]
        : [],
  },
  {
    // Decided: twice the shop's own limit is almost surely a mistake (a pasted
    // text, an emoji that turned it into UCS-2), and it more than doubles what
    // the campaign costs, so it blocks; between the limit and twice it only warns.
    rule: "far_over_segment_limit",
    severity: "error",
    why: "A text more than twice the shop's segment limit costs more than twice what was planned and is almost always a mistake.",
    check: ({ segments, maxSegments }) => (segments.segments > 2 * maxSegments ? [segmentFinding(segments, maxSegments)] : []),
  },
  {
    rule: "over_segment_limit",
    severity: "warning",
    why: "Each segment is billed for each recipient.",
    check: ({ segments, maxSegments }) =>
      segments.segments > maxSegments && segments.segments <= 2 * maxSegments ? [segmentFinding(segments, maxSegments)] : [],
  },
  {
    rule: "empty_audience",
    severity: "error",
    why: "A campaign with no recipients sends nothing.",
    check: ({ audienceSize }) =>
      audienceSize === 0
        ? [
            {
              message: "No one would receive this campaign: the audience has no subscribed numbers.",
              fix: "Widen the audience filters, or send to all subscribers.",
            },
          ]
        : [],
  },
  {
    rule: "brand_name_missing",
    severity: "warning",
    why: "Every marketing text must start with the brand name, so recipients know who is writing.",
    check: ({ template, brandName, language }) =>
      !isBlank(template) && brandName.trim() && campaignTextAdditions(template, { brandName, language }).brandPrefixAdded
        ? [
            {
              message: `The message does not start with your brand name, so “${brandName.trim()}: ” will be added at the start automatically.`,
              fix: `Nothing is needed. To word it yourself, start the message with “${brandName.trim()}:”.`,
            },
          ]
        : [],
  },
  {
    rule: "opt_out_missing",
    severity: "warning",
    why: "Marketing texts must tell recipients how to stop them.",
    check: ({ template, brandName, language }) => {
      if (isBlank(template) || !brandName.trim() || !campaignTextAdditions(template, { brandName, language }).optOutFooterAdded) return [];
      const footer = appendOptOutFooter("", language);
      return [
        {
          message: `The message does not say how to opt out, so “${footer}” will be added on a line of its own at the end (${footer.length + 1} characters).`,
          fix: `Nothing is needed. To place it yourself, end the message with “${footer}”.`,
        },
      ];
    },
  },
  {
    rule: "first_name_without_fallback",
    severity: "warning",
    why: "Subscribers without a first name on file would read a text with a gap in it.",
    check: ({ template }) =>
      firstNameWithoutFallback(template)
        ? [
            {
              message: "{first_name} has no fallback: subscribers without a first name on file will read the text without one (“Hi!” instead of “Hi Ada!”).",
              fix: "Give it a fallback, for example {first_name|there}.",
            },
          ]
        : [],
  },
  {
    rule: "quiet_hours",
    severity: "warning",
    why: "Texts are never sent in a recipient's quiet hours; they wait for the morning, so most of the campaign would arrive late.",
    check: ({ quietHoursShare }) =>
      quietHoursShare !== null && quietHoursShare > 0.5
        ? [
            {
              message: `${Math.round(quietHoursShare * 100)}% of recipients are in quiet hours at that time; their texts will wait until their quiet hours end, in the morning where they are.`,
              fix: "Pick a send time in the day for most of your recipients, or send at each recipient's local time.",
            },
          ]
        : [],
  },
];

/** Every finding for the campaign, errors first, in the order of `CAMPAIGN_LINT_RULES`. */
export function lintCampaign(input: CampaignLintInput): LintFinding[] {
  const findings = CAMPAIGN_LINT_RULES.flatMap(({ rule, severity, check }) =>
    check(input).map(({ message, fix }) => ({ rule, severity, message, fix })),
  );
  return [...findings.filter((finding) => finding.severity === "error"), ...findings.filter((finding) => finding.severity === "warning")];
}

/** Whether the campaign may not be sent as it is. */
export function hasBlockingFindings(findings: readonly LintFinding[]): boolean {
  return findings.some((finding) => finding.severity === "error");
}

// ───────────────────────────── matching ─────────────────────────────

const NOT_WORD_BEFORE = "(?<![\\p{L}\\p{N}])";
const NOT_WORD_AFTER = "(?![\\p{L}\\p{N}])";

/** Lower case, no accents, straight apostrophes: "Vódka" and "vodka" are one word. */
function fold(text: string): string {
  return text.normalize("NFKD").replace(/\p{M}/gu, "").replace(/[’‘]/g, "'").toLowerCase();
}

function phrasePattern(phrase: string): string {
  return phrase
    .split(/[\s-]+/)
    .map((word) => word.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"))
    .join("[\\s-]?");
}

const INNOCENT = new RegExp(`${NOT_WORD_BEFORE}(?:${SHAFT_INNOCENT_PHRASES.map(phrasePattern).join("|")})s?${NOT_WORD_AFTER}`, "gu");
const SHAFT_PATTERNS = SHAFT_TERMS.flatMap(({ category, terms }) =>
  terms.map((term) => ({ term, category, pattern: new RegExp(`${NOT_WORD_BEFORE}${phrasePattern(term)}${NOT_WORD_AFTER}`, "u") })),
);

/** Each SHAFT term the text uses, once. */
export function shaftMatches(text: string): Array<{ term: string; category: string }> {
  const folded = fold(text).replace(INNOCENT, " ");
  return SHAFT_PATTERNS.filter(({ pattern }) => pattern.test(folded)).map(({ term, category }) => ({ term, category }));
}

const SHORTENER = new RegExp(
  `${NOT_WORD_BEFORE.replace("\\p{N}", "\\p{N}.-")}(?:(https?://)(?:www\\.)?)?(${PUBLIC_LINK_SHORTENERS.map(phrasePattern).join("|")})(?![\\p{L}\\p{N}-]|\\.[\\p{L}\\p{N}])(/[^\\s]*)?`,
  "giu",
);

/** Links through a public shortener: with a scheme ("https://bit.ly/x") or a path ("bit.ly/x"); "bit.ly" alone in a sentence is not a link. */
function shortenerLinks(text: string): string[] {
  const links = [...text.matchAll(SHORTENER)]
    .filter(([, scheme, , path]) => scheme !== undefined || (path !== undefined && path.length > 1))
    .map(([link]) => link.replace(/[.,!?;:)\]]+$/u, ""));
  return [...new Set(links)];
}

function insecureLinks(text: string): string[] {
  const links = [...text.matchAll(/(?<![\p{L}\p{N}])http:\/\/[^\s"'“”‘’<>]+/giu)].map(([link]) => link.replace(/[.,!?;:)\]]+$/u, ""));
  return [...new Set(links)].filter((link) => link.length > "http://".length);
}

function isBlank(text: string): boolean {
  return text.trim() === "";
}

function segmentFinding(segments: SegmentCount, maxSegments: number): { message: string; fix: string } {
  const perSegment = segments.encoding === "GSM-7" ? { single: 160, part: 153 } : { single: 70, part: 67 };
  const budget = maxSegments <= 1 ? perSegment.single : maxSegments * perSegment.part;
  const ucs2 =
    segments.encoding === "UCS-2" ? " It is sent as UCS-2 because of characters such as emoji or smart quotes; replacing them fits more in each segment." : "";
  return {
    message: `This text is ${plural(segments.segments, "segment")} (${segments.characters} characters), over your limit of ${maxSegments}: each recipient is billed ${plural(segments.segments, "segment")}.${ucs2}`,
    fix: `Shorten it to about ${budget} characters, or raise the limit in Settings.`,
  };
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? "" : "s"}`;
}
