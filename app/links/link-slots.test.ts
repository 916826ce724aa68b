import { describe, expect, it } from "vitest";
import { renderCampaignText } from "../campaigns/campaign-text";
import { countSegments } from "../messaging/segments";
import { slottedText } from "./link-slots";
import { shortLinkPlaceholder } from "./short-link";

const program = { brandName: "Acme" };
const render = (template: string, firstName: string | null) => (rewriteLink: (url: string) => string) =>
  renderCampaignText(template, { firstName, shopName: "Acme", discountCode: "SAVE10" }, program, { rewriteLink });

describe("slottedText", () => {
  it("fills each recipient's links into a text rendered once, exactly as rendering for them would", () => {
    const template = "Acme: hi {first_name|there}, https://acme.example.com/a?code={discount_code} and https://acme.example.com/b. Again https://acme.example.com/b!";
    const slotted = slottedText(render(template, "Ann"));
    expect(slotted.urls).toEqual(["https://acme.example.com/a?code=SAVE10", "https://acme.example.com/b"]);
    const linkFor = (url: string) => `https://sms.test/l/${url.endsWith("b") ? "BBBBBBBB" : "AAAAAAAA"}`;
    expect(slotted.fill(linkFor)).toBe(render(template, "Ann")(linkFor));
    expect(slotted.fill(linkFor)).toContain("Again https://sms.test/l/BBBBBBBB!");
  });

  it("counts the segments every recipient's text will have from the placeholder", () => {
    const template = "Acme: https://acme.example.com/a";
    const slotted = slottedText(render(template, null));
    const placeholder = shortLinkPlaceholder("https://sms.test");
    expect(countSegments(slotted.fill(() => placeholder))).toEqual(countSegments(slotted.fill(() => "https://sms.test/l/Zz09Yy18")));
  });

  it("keeps a first name that looks like a slot or a link literal", () => {
    const slotted = slottedText(render("Acme: {first_name} https://acme.example.com/a", "\u00010\u0001 https://evil.example.com"));
    const text = slotted.fill(() => "https://sms.test/l/AAAAAAAA");
    expect(text).toContain("https://evil.example.com");
    expect(slotted.urls).toEqual(["https://acme.example.com/a"]);
    expect(text.match(/https:\/\/sms\.test\/l\/AAAAAAAA/g)).toHaveLength(1);
  });

  it("renders again for each recipient when the merchant's own text holds the slot character", () => {
    const template = "Acme: odd \u0001 https://acme.example.com/a";
    const slotted = slottedText(render(template, null));
    const linkFor = () => "https://sms.test/l/AAAAAAAA";
    expect(slotted.fill(linkFor)).toBe(render(template, null)(linkFor));
  });

  it("returns the text as rendered when it has no link", () => {
    const slotted = slottedText(render("Acme: sale today", null));
    expect(slotted.urls).toEqual([]);
    expect(slotted.fill(() => "never")).toBe(render("Acme: sale today", null)(() => "never"));
  });
});
