// The `shopify` global each target module sees (what Shopify CLI generates).
import type { Api as ContactApi } from "@shopify/ui-extensions/purchase.checkout.contact.render-after";
import type { Api as ThankYouApi } from "@shopify/ui-extensions/purchase.thank-you.block.render";

declare module "./src/Checkout.tsx" {
  const shopify: ContactApi;
  const globalThis: { shopify: typeof shopify };
}

declare module "./src/ThankYou.tsx" {
  const shopify: ThankYouApi;
  const globalThis: { shopify: typeof shopify };
}
