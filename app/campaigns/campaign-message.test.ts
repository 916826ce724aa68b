import { describe, expect, it } from "vitest";
import { shortLinkPlaceholder } from "../links/short-link";
import { campaignProgramOf, recipientText } from "./campaign-message";

const shop = { brandName: "Acme", supportedLanguages: "en" };
const campaign = { body: "Acme: the sale is on at https://acme.example/collections/winter-sale-2026?ref=sms Reply STOP to opt out", discountCode: null };

describe("recipientText", () => {
  it("counts each link at the length of the tracked short link it will become, given the app's URL", () => {
    const program = campaignProgramOf(shop, "https://sms.example.app");
    const placeholder = shortLinkPlaceholder("https://sms.example.app");
    const text = recipientText(campaign, program, { firstName: null });
    expect(text.body).toBe(`Acme: the sale is on at ${placeholder} Reply STOP to opt out`);
    expect(text.segments.characters).toBe(text.body.length);
  });

  it("keeps the merchant's links as written when no app URL is known, and planning's own rewriting wins over the placeholder", () => {
    expect(recipientText(campaign, campaignProgramOf(shop), { firstName: null }).body).toContain("https://acme.example/collections/winter-sale-2026?ref=sms");
    const planned = recipientText(campaign, campaignProgramOf(shop, "https://sms.example.app"), { firstName: null }, { rewriteLink: () => "https://sms.example.app/l/Ab3dE6gH" });
    expect(planned.body).toContain("https://sms.example.app/l/Ab3dE6gH");
  });
});
