import fc from "fast-check";
import { describe, expect, it } from "vitest";

import { countSegments } from "~/messaging/segments";

import {
  CAMPAIGN_LINT_RULES,
  type CampaignLintInput,
  hasBlockingFindings,
  lintCampaign,
  type LintRule,
  shaftMatches,
} from "./campaign-lint";
import { renderCampaignText } from "./campaign-text";

const GOOD = "Acme: Fall boots are in, 20% off with {discount_code} at https://acme.com/boots. Reply STOP to opt out";

function input(template: string, overrides: Partial<CampaignLintInput> = {}): CampaignLintInput {
  const rendered = renderCampaignText(template, { firstName: "Ada", shopName: "Acme", discountCode: "FALL20" }, { brandName: "Acme" });
  return {
    template,
    rendered,
    brandName: "Acme",
    segments: countSegments(rendered),
    maxSegments: 2,
    audienceSize: 1200,
    quietHoursShare: 0.1,
    hasDiscountCode: true,
    ...overrides,
  };
}

const rulesOf = (template: string, overrides?: Partial<CampaignLintInput>) => lintCampaign(input(template, overrides)).map((finding) => finding.rule);

describe("lintCampaign", () => {
  it("passes a compliant campaign without findings", () => {
    expect(lintCampaign(input(GOOD))).toEqual([]);
  });

  it("blocks an empty message, and says nothing else about it", () => {
    expect(lintCampaign(input("   "))).toEqual([{ rule: "empty_message", severity: "error", message: "The message is empty.", fix: "Write the text of the campaign." }]);
  });

  it("warns, without blocking, that the brand and the opt-out line will be added, and says what they are", () => {
    const findings = lintCampaign(input("Fall boots are in: https://acme.com/boots"));
    expect(findings).toEqual([
      {
        rule: "brand_name_missing",
        severity: "warning",
        message: "The message does not start with your brand name, so “Acme: ” will be added at the start automatically.",
        fix: "Nothing is needed. To word it yourself, start the message with “Acme:”.",
      },
      {
        rule: "opt_out_missing",
        severity: "warning",
        message: "The message does not say how to opt out, so “Reply STOP to opt out” will be added on a line of its own at the end (22 characters).",
        fix: "Nothing is needed. To place it yourself, end the message with “Reply STOP to opt out”.",
      },
    ]);
    expect(hasBlockingFindings(findings)).toBe(false);
  });

  it("quotes the opt-out line in the program's language", () => {
    const [finding] = lintCampaign(input("Acme: Nouveautés", { language: "fr" }));
    expect(finding?.message).toContain("“Répondez STOP pour vous désabonner”");
  });

  it("blocks when the shop has no brand name to start the text with", () => {
    expect(lintCampaign({ ...input(GOOD), brandName: " " })).toEqual([
      { rule: "brand_name_unset", severity: "error", message: "Your shop has no brand name, and every text must start with one.", fix: "Set the brand name in Settings." },
    ]);
  });

  it("counts {shop_name} at the start as the brand", () => {
    expect(rulesOf("{shop_name}: new in. Reply STOP to opt out")).toEqual([]);
  });

  it.each([
    ["Acme: Hi {firstname}. Reply STOP to opt out", "template_problem", "Write {first_name} instead."],
    ["Acme: Hi {first_name. Reply STOP to opt out", "template_problem", "Close the token with }, or remove the {."],
  ] as const)("blocks template problems: %j", (template, rule, fix) => {
    const findings = lintCampaign(input(template));
    expect(findings).toMatchObject([{ rule, severity: "error", fix }]);
    expect(hasBlockingFindings(findings)).toBe(true);
  });

  it("blocks {discount_code} when the campaign has none", () => {
    expect(lintCampaign(input(GOOD, { hasDiscountCode: false }))).toMatchObject([
      { rule: "discount_code_missing", severity: "error", fix: "Enter the discount code for this campaign, or take {discount_code} out of the message." },
    ]);
  });

  it("warns when {first_name} has no fallback", () => {
    expect(lintCampaign(input("Acme: Hi {first_name}! Reply STOP to opt out"))).toMatchObject([
      { rule: "first_name_without_fallback", severity: "warning", fix: "Give it a fallback, for example {first_name|there}." },
    ]);
  });

  it("blocks public link shorteners, with or without a scheme, and names the link", () => {
    const findings = lintCampaign(input("Acme: see https://bit.ly/3xYz, tinyurl.com/abc and HTTPS://T.CO/q. Reply STOP to opt out"));
    expect(findings.map(({ rule, severity, message }) => [rule, severity, message.split(" ")[0]])).toEqual([
      ["link_shortener", "error", "https://bit.ly/3xYz"],
      ["link_shortener", "error", "tinyurl.com/abc"],
      ["link_shortener", "error", "HTTPS://T.CO/q"],
    ]);
    expect(findings[0]?.fix).toBe("Use the full link to the page on your own store instead.");
  });

  it.each([
    "Acme: shop at https://acme.com/bit.ly-style. Reply STOP to opt out",
    "Acme: shop at https://t.com/x or https://shorturl.atlas.com/y. Reply STOP to opt out",
    "Acme: we never use bit.ly. Reply STOP to opt out",
    "Acme: email hello@goo.gl.example.org. Reply STOP to opt out",
  ])("does not take other links or a mere mention for a shortener: %j", (template) => {
    expect(rulesOf(template)).not.toContain("link_shortener");
  });

  it("blocks http links and gives the https one", () => {
    expect(lintCampaign(input("Acme: boots at http://acme.com/boots. Reply STOP to opt out"))).toEqual([
      {
        rule: "insecure_link",
        severity: "error",
        message: "http://acme.com/boots is not a secure link (http instead of https); phones warn about it and carriers treat it as suspect.",
        fix: "Use https://acme.com/boots",
      },
    ]);
  });

  it("warns over the segment limit and blocks above twice the limit", () => {
    const words = (count: number) => `Acme: ${"boots ".repeat(count)}Reply STOP to opt out`;
    expect(countSegments(words(40)).segments).toBe(2);
    expect(rulesOf(words(40))).toEqual([]);
    expect(countSegments(words(60)).segments).toBe(3);
    expect(lintCampaign(input(words(60)))).toMatchObject([
      {
        rule: "over_segment_limit",
        severity: "warning",
        message: "This text is 3 segments (387 characters), over your limit of 2: each recipient is billed 3 segments.",
        fix: "Shorten it to about 306 characters, or raise the limit in Settings.",
      },
    ]);
    expect(countSegments(words(110)).segments).toBe(5);
    expect(lintCampaign(input(words(110)))).toMatchObject([{ rule: "far_over_segment_limit", severity: "error" }]);
  });

  it("says why a UCS-2 text is long", () => {
    const [finding] = lintCampaign(input(`Acme: ${"boots😀 ".repeat(40)}Reply STOP to opt out`));
    expect(finding).toMatchObject({ rule: "far_over_segment_limit" });
    expect(finding?.message).toContain("UCS-2");
  });

  it("blocks a text Twilio would refuse", () => {
    const long = `Acme: ${"a".repeat(1600)} Reply STOP to opt out`;
    expect(rulesOf(long, { maxSegments: 20 })).toEqual(["too_long_to_send"]);
  });

  it("blocks an empty audience, not an unknown one", () => {
    expect(lintCampaign(input(GOOD, { audienceSize: 0 }))).toMatchObject([{ rule: "empty_audience", severity: "error" }]);
    expect(lintCampaign(input(GOOD, { audienceSize: null }))).toEqual([]);
  });

  it("warns when most recipients are in quiet hours at the send time", () => {
    expect(lintCampaign(input(GOOD, { quietHoursShare: 0.82 }))).toEqual([
      {
        rule: "quiet_hours",
        severity: "warning",
        message: "82% of recipients are in quiet hours at that time; their texts will wait until their quiet hours end, in the morning where they are.",
        fix: "Pick a send time in the day for most of your recipients, or send at each recipient's local time.",
      },
    ]);
    expect(rulesOf(GOOD, { quietHoursShare: 0.5 })).toEqual([]);
    expect(rulesOf(GOOD, { quietHoursShare: null })).toEqual([]);
  });

  it("lists errors before warnings", () => {
    const findings = lintCampaign(input("Boots at http://acme.com", { quietHoursShare: 0.9 }));
    expect(findings.map((finding) => finding.rule)).toEqual<LintRule[]>(["insecure_link", "brand_name_missing", "opt_out_missing", "quiet_hours"]);
  });

  it("gives every finding a rule from the list, a message and a fix", () => {
    const rules = new Map(CAMPAIGN_LINT_RULES.map((rule) => [rule.rule, rule]));
    expect(rules.size).toBe(CAMPAIGN_LINT_RULES.length);
    const template = fc.string({ unit: fc.constantFrom("a", " ", "{", "}", "{first_name}", "{discount_code}", "http://x.io", "bit.ly/x", "vodka", "Acme:", "😀", "STOP"), maxLength: 40 });
    fc.assert(
      fc.property(template, fc.boolean(), fc.option(fc.nat(3)), fc.option(fc.double({ min: 0, max: 1, noNaN: true })), (body, hasDiscountCode, audienceSize, quietHoursShare) => {
        for (const finding of lintCampaign(input(body, { hasDiscountCode, audienceSize, quietHoursShare }))) {
          expect(rules.get(finding.rule)?.severity).toBe(finding.severity);
          expect(finding.message.length).toBeGreaterThan(10);
          expect(finding.fix.length).toBeGreaterThan(10);
        }
      }),
    );
  });
});

describe("SHAFT content", () => {
  it.each([
    ["Sexy new lingerie", "sexy", "sexual"],
    ["Free VODKA shots", "vodka", "alcohol"],
    ["Craft beer tasting", "beer", "alcohol"],
    ["Vódka", "vodka", "alcohol"],
    ["Wine o'clock", "wine", "alcohol"],
    ["New pistols in stock", "pistols", "firearms"],
    ["AR 15 parts", "ar-15", "firearms"],
    ["ecig refills", "e-cig", "tobacco or vaping"],
    ["Vape juice 2 for 1", "vape", "tobacco or vaping"],
    ["Premium CBD oil", "cbd", "cannabis"],
    ["Delta 8 gummies", "delta-8", "cannabis"],
    ["Join the race war", "race war", "hate"],
  ])("%j → %s (%s)", (text, term, category) => {
    expect(shaftMatches(text)).toContainEqual({ term, category });
  });

  it.each([
    "Essex and Sussex stores",
    "Unisex hoodies",
    "Glass bottles, sunglasses, passes",
    "Cocktail dresses and shot glasses",
    "Wine red sweaters",
    "Root beer floats, ginger beer",
    "Alcohol-free hand cream, non alcoholic",
    "Hot glue guns and massage gun",
    "Weed killer and weed control",
    "Begin, margin, origin, engine",
    "Sexton Street, Middlesex",
    "The gunner's mate, shotgunning? no: Begun",
    "Rumour has it: crumble, drum",
    "Nude lipstick, spirits high",
    "Thick socks",
  ])("leaves everyday words alone: %j", (text) => {
    expect(shaftMatches(text)).toEqual([]);
  });

  it("blocks with the term and the category in words", () => {
    expect(lintCampaign(input("Acme: vodka night! Reply STOP to opt out"))).toEqual([
      {
        rule: "shaft_content",
        severity: "error",
        message: "“vodka” is alcohol content, which US carriers filter (sex, hate, alcohol, firearms, tobacco, cannabis): this text would likely be blocked.",
        fix: "Take “vodka” out of the message. Such campaigns need an age-gated carrier registration, which this app does not make.",
      },
    ]);
  });

  it("reads what the merchant wrote, not a recipient's first name", () => {
    const rendered = renderCampaignText("Hi {first_name|there}", { firstName: "Sexy Vodka", shopName: "Acme", discountCode: null }, { brandName: "Acme" });
    expect(lintCampaign(input("Acme: Hi {first_name|there}. Reply STOP to opt out", { rendered, segments: countSegments(rendered) }))).toEqual([]);
  });
});
