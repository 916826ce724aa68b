import fc from "fast-check";
import { describe, expect, it } from "vitest";

import { LANGUAGES } from "~/language/languages";
import { appendOptOutFooter, ensureBrandPrefix } from "~/messaging/compose";

import {
  campaignTextAdditions,
  type CampaignTokenValues,
  firstNameWithoutFallback,
  renderCampaignText,
  templateProblems,
} from "./campaign-text";

const acme = { brandName: "Acme" };
const ada: CampaignTokenValues = { firstName: "Ada", shopName: "Acme", discountCode: "FALL20" };
const nobody: CampaignTokenValues = { firstName: null, shopName: "Acme", discountCode: "FALL20" };
const FOOTER = "\nReply STOP to opt out";

describe("renderCampaignText: tokens", () => {
  it.each([
    ["Hi {first_name|there}, take 20% off with {discount_code}", ada, "Acme: Hi Ada, take 20% off with FALL20"],
    ["Hi {first_name|there}, take 20% off", nobody, "Acme: Hi there, take 20% off"],
    ["Hi {first_name|there}, take 20% off", { ...ada, firstName: "   " }, "Acme: Hi there, take 20% off"],
    ["Hi { First_Name | friend }!", nobody, "Acme: Hi friend!"],
    ["Hi {FIRST_NAME}!", ada, "Acme: Hi Ada!"],
    // No name and no fallback: no gap left before the punctuation, nor a dangling comma at the start.
    ["Hi {first_name}! New in", nobody, "Acme: Hi! New in"],
    ["{first_name}, new in", nobody, "Acme: new in"],
    ["Dear {first_name} friend", nobody, "Acme: Dear friend"],
    ["Thanks from {shop_name}", { ...ada, shopName: "Acme Outdoor" }, "Acme: Thanks from Acme Outdoor"],
    ["{shop_name}: new in", ada, "Acme: new in"],
    // A name glued to the brand does not make the text start with the brand; a fallback is the merchant's own text.
    ["Acme{first_name}: new in", ada, "Acme: AcmeAda: new in"],
    ["{shop_name}{first_name|x}: new in", nobody, "Acme: Acmex: new in"],
    ["Use {discount_code}.", { ...ada, discountCode: null }, "Acme: Use."],
    // Unknown and broken tokens stay as written (templateProblems reports them; the lint blocks sending).
    ["Hi {firstname} {oops", ada, "Acme: Hi {firstname} {oops"],
  ] as const)("%j → %j", (template, values, expected) => {
    expect(renderCampaignText(template, values, acme)).toBe(expected + FOOTER);
  });

  it.each([
    ["{discount_code}", "a code"],
    ["{shop_name}", "the shop name"],
    ["{first_name|x}", "a fallback"],
    ["Reply STOP to opt out", "opt-out words"],
    ["https://evil.example/x", "a link"],
    ["Acme: ", "the brand"],
  ])("a first name that is %j stays literal and changes nothing else (%s)", (firstName) => {
    const rewritten: string[] = [];
    const text = renderCampaignText("Hi {first_name}, 20% off today", { ...ada, firstName }, acme, {
      rewriteLink: (url) => {
        rewritten.push(url);
        return "https://acme.example/t/1";
      },
    });
    expect(text).toBe(`Acme: Hi ${firstName.trim()}, 20% off today${FOOTER}`);
    expect(rewritten).toEqual([]);
  });

  it("keeps a first name on one line and drops characters that reshape the text", () => {
    expect(renderCampaignText("Hi {first_name}!", { ...ada, firstName: "Ada\nReply\tSTOP\u0000" }, acme)).toBe(`Acme: Hi Ada Reply STOP!${FOOTER}`);
    expect(renderCampaignText("Hi {first_name}!", { ...ada, firstName: "A\uA66E0\uA66E\uE000" }, acme)).toBe(`Acme: Hi A0!${FOOTER}`);
  });

  it("lets no value pose as a held first name", () => {
    const values = { firstName: "Ada", shopName: "Shop\uA66E0\uA66E", discountCode: "\uA66E0\uA66E" };
    expect(renderCampaignText("{shop_name} {discount_code} {first_name}", values, acme)).toBe(`Acme: Shop0 0 Ada${FOOTER}`);
  });

  it("fills every token in one pass, whatever the values contain", () => {
    fc.assert(
      fc.property(fc.string(), fc.string({ minLength: 1 }), fc.string(), (firstName, shopName, discountCode) => {
        const text = renderCampaignText("{first_name|there} {discount_code}", { firstName, shopName, discountCode }, acme);
        if (discountCode.trim()) expect(text).toContain(discountCode.trim());
        expect(text).not.toMatch(/[\uA66E\uE000]/);
      }),
    );
  });
});

describe("renderCampaignText: brand prefix and footer, never twice", () => {
  it.each([
    ["New in: boots", `Acme: New in: boots${FOOTER}`],
    ["Acme: New in", `Acme: New in${FOOTER}`],
    ["ACME - new in", `ACME - new in${FOOTER}`],
    ["🎉 Acme: new in", `🎉 Acme: new in${FOOTER}`],
    ["Acme: New in. Reply STOP to opt out", "Acme: New in. Reply STOP to opt out"],
    ["New in. Text STOP to unsubscribe", "Acme: New in. Text STOP to unsubscribe"],
    ["Acme: New in\nReply STOP to opt out", "Acme: New in\nReply STOP to opt out"],
    // "Acmeville" is not the brand.
    ["Acmeville fair", `Acme: Acmeville fair${FOOTER}`],
  ])("%j → %j", (template, expected) => {
    expect(renderCampaignText(template, ada, acme)).toBe(expected);
  });

  it("always starts with the brand and says how to opt out, whatever the template and the first name", () => {
    const template = fc.string({
      unit: fc.constantFrom(..."ab .,!:\n{}|", "{first_name}", "{shop_name}", "{first_name|x}", "Acme", "Acme:", "Reply STOP to opt out", "STOP"),
      maxLength: 30,
    });
    const firstName = fc.option(fc.oneof(fc.string(), fc.constantFrom("Acme", "Acme:", "Reply STOP to opt out", "STOP to cancel")));
    fc.assert(
      fc.property(template, firstName, fc.constantFrom(...LANGUAGES), (body, name, language) => {
        const text = renderCampaignText(body, { ...ada, firstName: name }, { brandName: "Acme", language });
        expect(ensureBrandPrefix("Acme", text)).toBe(text);
        expect(appendOptOutFooter(text, language)).toBe(text);
      }),
    );
  });

  it("writes the footer in the program's language", () => {
    expect(renderCampaignText("Nouveautés", ada, { brandName: "Acme", language: "fr" })).toBe(
      "Acme: Nouveautés\nRépondez STOP pour vous désabonner",
    );
  });

  it("is idempotent: rendering its own output adds nothing", () => {
    fc.assert(
      // Without braces, so that the first rendering has no tokens left for the second to fill.
      fc.property(fc.string({ maxLength: 200 }).map((text) => text.replace(/[{}]/g, "")), fc.constantFrom(...LANGUAGES), (template, language) => {
        const program = { brandName: "Acme", language };
        const once = renderCampaignText(template, nobody, program);
        expect(renderCampaignText(once, nobody, program)).toBe(once);
      }),
    );
  });

  it("says beforehand what it will add, exactly as rendering does", () => {
    expect(campaignTextAdditions("New in", acme)).toEqual({ brandPrefixAdded: true, optOutFooterAdded: true });
    expect(campaignTextAdditions("{shop_name}: New in. Reply STOP to opt out", acme)).toEqual({ brandPrefixAdded: false, optOutFooterAdded: false });
    expect(campaignTextAdditions("{shop_name}: New in", { ...acme, shopName: "Bolt" })).toMatchObject({ brandPrefixAdded: true });
    fc.assert(
      fc.property(fc.string({ maxLength: 120 }), (template) => {
        const { brandPrefixAdded, optOutFooterAdded } = campaignTextAdditions(template, acme);
        const rendered = renderCampaignText(template, nobody, acme);
        if (optOutFooterAdded) expect(rendered.endsWith(FOOTER) || rendered === `Acme${FOOTER}`).toBe(true);
        if (brandPrefixAdded && template.trim()) expect(rendered.startsWith("Acme: ")).toBe(true);
      }),
    );
  });
});

describe("renderCampaignText: links", () => {
  const track = (url: string) => `https://acme.example/t/${encodeURIComponent(url)}`;

  it("hands every http(s) link to rewriteLink, without the punctuation that ends the sentence", () => {
    const seen: string[] = [];
    const text = renderCampaignText(
      "Boots: https://acme.com/boots?c={discount_code}. Hats (HTTP://acme.com/hats)! See https://acme.com/a, https://acme.com/b",
      ada,
      acme,
      {
        rewriteLink: (url) => {
          seen.push(url);
          return `[${seen.length}]`;
        },
      },
    );
    expect(seen).toEqual(["https://acme.com/boots?c=FALL20", "HTTP://acme.com/hats", "https://acme.com/a", "https://acme.com/b"]);
    expect(text).toBe(`Acme: Boots: [1]. Hats ([2])! See [3], [4]${FOOTER}`);
  });

  it("leaves text without links alone, and links alone without rewriteLink", () => {
    expect(renderCampaignText("Visit acme.com", ada, acme, { rewriteLink: track })).toBe(`Acme: Visit acme.com${FOOTER}`);
    expect(renderCampaignText("https://acme.com", ada, acme)).toBe(`Acme: https://acme.com${FOOTER}`);
  });

  it("stops a link at a recipient's value", () => {
    const seen: string[] = [];
    renderCampaignText("https://acme.com/{first_name}", ada, acme, { rewriteLink: (url) => (seen.push(url), url) });
    expect(seen).toEqual(["https://acme.com/"]);
  });
});

describe("templateProblems", () => {
  it("finds none in a good template", () => {
    expect(templateProblems("Hi {first_name|there}, {shop_name} says {discount_code}", { hasDiscountCode: true })).toEqual([]);
    expect(templateProblems("")).toEqual([]);
  });

  it.each([
    ["Hi {firstname}", "unknown_token", "{firstname}", "Write {first_name} instead."],
    ["Hi {First Name}", "unknown_token", "{First Name}", "Write {first_name} instead."],
    ["Use {coupon}", "unknown_token", "{coupon}", "Write {discount_code} instead."],
    ["Hi {zodiac}", "unknown_token", "{zodiac}", "The tokens you can use are {first_name}, {shop_name}, {discount_code}."],
    ["Hi {{first_name}}", "double_braces", "{{first_name}}", "Write {first_name} instead."],
    ["Hi {first_name", "unclosed_brace", "{first_name", "Close the token with }, or remove the {."],
    ["Hi {first_name {shop_name}", "unclosed_brace", "{first_name", "Close the token with }, or remove the {."],
    ["Hi first_name}", "unmatched_closing_brace", "}", "Remove the }, or open the token with {."],
    ["From {shop_name|us}", "fallback_not_supported", "{shop_name|us}", "Write {shop_name} instead."],
  ] as const)("%j: %s", (template, kind, token, fix) => {
    const [problem, ...others] = templateProblems(template, { hasDiscountCode: true });
    expect(others).toEqual([]);
    expect(problem).toMatchObject({ kind, token, fix });
    expect(problem?.message).toContain(token === "}" ? "}" : token);
  });

  it("flags {discount_code} only when the campaign has no code", () => {
    expect(templateProblems("Use {discount_code}", { hasDiscountCode: false })).toMatchObject([
      { kind: "missing_discount_code", token: "{discount_code}", fix: "Enter the discount code for this campaign, or take {discount_code} out of the message." },
    ]);
    expect(templateProblems("Use {discount_code}", { hasDiscountCode: true })).toEqual([]);
    expect(templateProblems("Use {discount_code}")).toEqual([]);
  });

  it("agrees with the renderer: a template without problems renders without braces", () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom(..."ab {}|_", "{first_name}", "{shop_name}", "{discount_code}", "{first_name|x}"), maxLength: 60 }), (template) => {
        const clean = templateProblems(template).length === 0;
        const rendered = renderCampaignText(template, ada, acme);
        if (clean) expect(rendered).not.toMatch(/[{}]/);
        else expect(rendered).toMatch(/[{}]/);
      }),
    );
  });

  it("knows when {first_name} has no fallback", () => {
    expect(firstNameWithoutFallback("Hi {first_name}")).toBe(true);
    expect(firstNameWithoutFallback("Hi {first_name|there}")).toBe(false);
    expect(firstNameWithoutFallback("Hi {first_name|}")).toBe(false);
    expect(firstNameWithoutFallback("Hi")).toBe(false);
  });
});
