// Contact step (Shopify Plus): the consent travels with the order as cart
// attributes (see consent-state.ts), and progress is blocked while the box is
// ticked without a usable number.

import "@shopify/ui-extensions/preact";
import { render } from "preact";
import { useEffect, useLayoutEffect, useRef, useState } from "preact/hooks";
import { ConsentForm, type Translate } from "./consent-form";
import { checkoutPhone, useConsentBox } from "./consent-box";
import { ATTRIBUTE, attributeChanges, attributeValue, consentRecord } from "./consent-state";
import { disclosureText, findDisclosure, type Disclosure } from "./disclosure";

export default async () => {
  render(<Extension />, document.body);
};

const t: Translate = (key, replacements) => shopify.i18n.translate(key, replacements);

function Extension() {
  const disclosure = findDisclosure(shopify.appMetafields.value);
  if (!disclosure) return null;
  if (!shopify.instructions.value.attributes.canUpdateAttributes) {
    return <s-text color="subdued">{t("unavailable")}</s-text>;
  }
  return <CheckoutConsent disclosure={disclosure} />;
}

function CheckoutConsent({ disclosure }: { disclosure: Disclosure }) {
  const { locale, text } = disclosureText(disclosure, shopify.localization.language.value.isoCode);
  const saved = shopify.attributes.value;
  const phoneFromCheckout = checkoutPhone(shopify);
  const box = useConsentBox({
    // Ticked only if this shopper ticked it earlier in this checkout.
    initiallyTicked: attributeValue(saved, ATTRIBUTE.consent) === "granted",
    initialPhoneInput: attributeValue(saved, ATTRIBUTE.phone) ?? phoneFromCheckout ?? "",
    checkoutPhone: phoneFromCheckout,
    country: shopify.localization.country.value?.isoCode,
  });
  const [progressBlocked, setProgressBlocked] = useState(false);
  const [writeFailed, setWriteFailed] = useState(false);

  // One attribute write at a time, in order; the interceptor waits for them.
  const writesRef = useRef(Promise.resolve());
  const { answered, ticked, phone, problem } = box;
  const { versionId } = disclosure;
  useEffect(() => {
    if (!answered) return;
    const record = consentRecord({ ticked, phone }, { versionId }, locale, new Date());
    writesRef.current = writesRef.current
      .then(async () => {
        for (const change of attributeChanges(shopify.attributes.value, record)) {
          const result = await shopify.applyAttributeChange(change);
          if (result.type === "error") return setWriteFailed(true);
        }
        setWriteFailed(false);
      })
      .catch(() => setWriteFailed(true));
  }, [answered, ticked, phone, versionId, locale]);

  // Registered once; reads the problem of the latest render.
  const problemRef = useRef(problem);
  useLayoutEffect(() => {
    problemRef.current = problem;
  }, [problem]);
  useEffect(() => {
    const teardown = shopify.buyerJourney.intercept(async ({ canBlockProgress }) => {
      await writesRef.current;
      const current = problemRef.current;
      if (!current || !canBlockProgress) return { behavior: "allow" };
      return {
        behavior: "block",
        reason: `SMS consent ticked, phone ${current}`,
        errors: [{ message: t(`errors.phone_${current}`) }],
        perform: () => setProgressBlocked(true),
      };
    });
    return () => void teardown.then((remove) => remove());
  }, []);

  const showPhoneError = problem && (box.phoneCommitted || progressBlocked);
  return (
    <ConsentForm
      t={t}
      disclosure={disclosure}
      text={text}
      box={box}
      phoneError={showPhoneError ? t(`errors.phone_${problem}`) : undefined}
      status={writeFailed ? { message: t("errors.save_failed"), critical: true } : undefined}
    />
  );
}
