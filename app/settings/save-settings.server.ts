/**
 * Saving a shop's settings from the settings form: the one way the admin
 * changes them. Validate, save (refusing a sender another shop owns), let
 * inbound texts see the change at once, and, when the change is something
 * checkout's disclosure shows (brand, monthly cap, links), publish the
 * disclosure metafield again so checkout does not keep showing the old values.
 */
import type { Shop } from "@prisma/client";
import { shopQuietHoursLeaveSendingTime } from "../sending-rules/shop-send-window";
import { republishDisclosureToCheckout } from "../shopify/publish-disclosure-to-checkout.server";
import { forgetInboundShops } from "../shops/inbound-shop-cache.server";
import { parseSettingsForm, type FieldErrors } from "../shops/settings-form";
import { getShopSettings, saveShopSettings, SenderInUseError } from "../shops/shop-settings.server";

export type SaveSettingsOutcome = { ok: true; message: string } | { ok: false; errors: FieldErrors };

/** The settings checkout's disclosure shows (see buildDisclosureMetafield). */
const SHOWN_AT_CHECKOUT = ["brandName", "maxMessagesPerMonth", "termsUrl", "privacyUrl"] as const satisfies ReadonlyArray<keyof Shop>;

export async function saveSettingsForm(shop: string, form: FormData): Promise<SaveSettingsOutcome> {
  const parsed = parseSettingsForm(form);
  if (!parsed.ok) return parsed;
  const { quietHoursStart, quietHoursEnd } = parsed.input;
  if (quietHoursStart && quietHoursEnd && !shopQuietHoursLeaveSendingTime({ start: quietHoursStart, end: quietHoursEnd })) {
    return {
      ok: false,
      errors: { quietHoursStart: "These quiet hours leave no time between 8:00 and 21:00 (the federal window) to send marketing texts: every campaign text would be skipped." },
    };
  }

  const before = await getShopSettings(shop);
  let saved: Shop;
  try {
    // Staff saving the page is the review the set-up checklist asks for; the demo seed and installs save without it.
    saved = await saveShopSettings(shop, parsed.input, { reviewedAt: new Date() });
  } catch (error) {
    if (error instanceof SenderInUseError) return { ok: false, errors: { [error.field]: error.message } };
    throw error;
  }
  forgetInboundShops(shop); // inbound texts see the new settings at once on this instance (others within the cache TTL)

  const checkoutChanged = SHOWN_AT_CHECKOUT.some((field) => before?.[field] !== saved[field]);
  const republished = checkoutChanged ? await republishDisclosureToCheckout(shop) : null;
  return { ok: true, message: republished ? `Settings saved. ${republished.message}` : "Settings saved." };
}
