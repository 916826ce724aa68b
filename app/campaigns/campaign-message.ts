/**
 * One recipient's text of a campaign, as planning writes it and as the
 * editor previews and lints it: the template rendered with their first name,
 * the shop's brand and the campaign's discount code (campaign-text.ts), and
 * what it costs in segments.
 */
import type { Shop } from "@prisma/client";
import { isLanguage } from "../language/languages";
import { countSegments, type SegmentCount } from "../messaging/segments";
import { renderCampaignText, type CampaignProgram, type RenderOptions } from "./campaign-text";

export type { CampaignProgram };

/** The brand, and the language of the opt-out footer: the shop's first language (a campaign is written in one). */
export function campaignProgramOf(shop: Pick<Shop, "brandName" | "supportedLanguages">): CampaignProgram {
  const first = shop.supportedLanguages.split(",")[0]?.trim() ?? "";
  return { brandName: shop.brandName, language: isLanguage(first) ? first : null };
}

export interface RecipientText {
  body: string;
  segments: SegmentCount;
}

export function recipientText(
  campaign: { body: string; discountCode: string | null },
  program: CampaignProgram,
  recipient: { firstName: string | null },
  /** rewriteLink: planning puts each recipient's tracked short links in (app/links/). */
  options: RenderOptions = {},
): RecipientText {
  const body = renderCampaignText(
    campaign.body,
    { firstName: recipient.firstName, shopName: program.brandName, discountCode: campaign.discountCode },
    { brandName: program.brandName, language: program.language },
    options,
  );
  return { body, segments: countSegments(body) };
}
