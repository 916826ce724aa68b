/**
 * One recipient's text of a campaign, as planning writes it and as the
 * editor previews and lints it: the template rendered with their first name,
 * the shop's brand and the campaign's discount code (campaign-text.ts), and
 * what it costs in segments.
 */
import type { Shop } from "@prisma/client";
import { isLanguage } from "../language/languages";
import { shortLinkPlaceholder } from "../links/short-link";
import { countSegments, type SegmentCount } from "../messaging/segments";
import { renderCampaignText, type CampaignProgram, type RenderOptions } from "./campaign-text";

/**
 * The brand, the language of the opt-out footer (the shop's first language: a
 * campaign is written in one) and, given the app's public URL, what each link
 * will look like once planning makes it a tracked short link: previews, the
 * segment counter and the cost estimate count links at that final length.
 */
export interface CampaignShopProgram extends CampaignProgram {
  linkPlaceholder: string | null;
}

export type { CampaignProgram };

export function campaignProgramOf(shop: Pick<Shop, "brandName" | "supportedLanguages">, appUrl: string | null = null): CampaignShopProgram {
  const first = shop.supportedLanguages.split(",")[0]?.trim() ?? "";
  return { brandName: shop.brandName, language: isLanguage(first) ? first : null, linkPlaceholder: appUrl ? shortLinkPlaceholder(appUrl) : null };
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
  const placeholder = "linkPlaceholder" in program && typeof program.linkPlaceholder === "string" ? program.linkPlaceholder : null;
  const rewriteLink = options.rewriteLink ?? (placeholder ? () => placeholder : undefined);
  const body = renderCampaignText(
    campaign.body,
    { firstName: recipient.firstName, shopName: program.brandName, discountCode: campaign.discountCode },
    { brandName: program.brandName, language: program.language },
    { ...options, rewriteLink },
  );
  return { body, segments: countSegments(body) };
}
