// The Thank-you page cannot record consent on the order the way the contact
// step does: its API (OrderConfirmationApi + StandardApi) has no
// applyAttributeChange, applyMetafieldChange or note change, and the order
// already exists (orders/create has fired without our attributes). So the
// block sends the consent to the app's backend instead, with a session token
// Shopify signs with the app's secret. Needs `network_access = true` in
// shopify.extension.toml (approved in the Partner Dashboard), and the backend
// must answer with CORS headers (`authenticate.public.checkout` + `cors`).
//
// The session token names the shop (and a logged-in buyer) but no order, so
// the request also carries this checkout's token (`shopify.checkoutToken`):
// the app asks Shopify for the order and takes the answer only if the order
// came from this very checkout.

import type { ConsentRecord } from "./consent-state";

export const CHECKOUT_CONSENT_PATH = "/api/checkout-consent";

/** Body of POST {appUrl}/api/checkout-consent: the order, the checkout that placed it, and the record the contact step would have written. */
export type CheckoutConsentRequest = { orderId: string; checkoutToken: string } & ConsentRecord;

export async function postCheckoutConsent(options: {
  appUrl: string;
  getSessionToken: () => Promise<string>;
  request: CheckoutConsentRequest;
}): Promise<boolean> {
  try {
    const sessionToken = await options.getSessionToken();
    const response = await fetch(`${options.appUrl}${CHECKOUT_CONSENT_PATH}`, {
      method: "POST",
      headers: { Authorization: `Bearer ${sessionToken}`, "Content-Type": "application/json" },
      body: JSON.stringify(options.request),
    });
    return response.ok;
  } catch {
    return false;
  }
}
