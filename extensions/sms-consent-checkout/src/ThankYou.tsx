// Thank-you page (every plan). The order exists already and this target cannot
// change it, so the consent goes to the app's backend (see consent-api.ts).
// Nothing can be blocked here: a missing or implausible number is shown inline
// and nothing is sent until it is fixed.

import "@shopify/ui-extensions/preact";
import { render } from "preact";
import { useEffect, useRef, useState } from "preact/hooks";
import { postCheckoutConsent } from "./consent-api";
import { checkoutPhone, useConsentBox } from "./consent-box";
import { ConsentForm, type Translate } from "./consent-form";
import { ATTRIBUTE, attributeValue, consentRecord, type ConsentRecord } from "./consent-state";
import { disclosureText, findDisclosure, type Disclosure } from "./disclosure";

export default async () => {
  render(<Extension />, document.body);
};

const t: Translate = (key, replacements) => shopify.i18n.translate(key, replacements);

function Extension() {
  const disclosure = findDisclosure(shopify.appMetafields.value);
  // Without the app's address there is nowhere to record an answer: don't ask.
  if (!disclosure?.appUrl) return null;
  // Already given at the contact step; it arrives with the order.
  if (attributeValue(shopify.attributes.value, ATTRIBUTE.consent) === "granted") return null;
  // The app takes an answer only from the checkout that placed the order: without its token, don't ask.
  const checkoutToken = shopify.checkoutToken.value;
  if (!checkoutToken) return null;
  return <ThankYouConsent disclosure={disclosure} appUrl={disclosure.appUrl} checkoutToken={checkoutToken} />;
}

type Outcome = "granted" | "withdrawn" | "failed";

function ThankYouConsent({ disclosure, appUrl, checkoutToken }: { disclosure: Disclosure; appUrl: string; checkoutToken: string }) {
  const { locale, text } = disclosureText(disclosure, shopify.localization.language.value.isoCode);
  const phoneFromCheckout = checkoutPhone(shopify);
  const box = useConsentBox({
    initiallyTicked: false,
    initialPhoneInput: phoneFromCheckout ?? "",
    checkoutPhone: phoneFromCheckout,
    country: shopify.localization.country.value?.isoCode,
  });
  const [outcome, setOutcome] = useState<Outcome | null>(null);

  // One request at a time, in order, so the app sees the answers as given.
  const sendsRef = useRef(Promise.resolve());
  const lastSentRef = useRef<ConsentRecord | null>(null);
  const { answered, ticked, phone, problem } = box;
  const { versionId } = disclosure;
  useEffect(() => {
    if (!answered) return;
    const now = new Date();
    // Ticked without a usable number is no consent: take back one already sent.
    const record = consentRecord({ ticked, phone }, { versionId }, locale, now) ?? {
      status: "withdrawn",
      at: now.toISOString(),
    };
    sendsRef.current = sendsRef.current.then(async () => {
      if (record.status === "withdrawn" && lastSentRef.current?.status !== "granted") return setOutcome(null);
      const ok = await postCheckoutConsent({
        appUrl,
        getSessionToken: () => shopify.sessionToken.get(),
        request: { orderId: shopify.orderConfirmation.value.order.id, checkoutToken, ...record },
      });
      if (ok) lastSentRef.current = record;
      setOutcome(ok ? record.status : "failed");
    });
  }, [answered, ticked, phone, versionId, locale, appUrl, checkoutToken]);

  const status =
    outcome && problem === null
      ? { message: t(`thankYou.${outcome}`), critical: outcome === "failed" }
      : undefined;
  return (
    <ConsentForm
      t={t}
      disclosure={disclosure}
      text={text}
      box={box}
      // Nothing can block here, so say at once what the number still needs.
      phoneError={problem && (box.phoneCommitted || problem === "missing") ? t(`errors.phone_${problem}`) : undefined}
      status={status}
    />
  );
}
