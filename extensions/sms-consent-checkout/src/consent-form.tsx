// The box, the merchant's disclosure right under it, and the number it is for.
// Rendering only: each target decides where the consent is recorded.

import type { Disclosure } from "./disclosure";
import type { ConsentBox } from "./consent-box";

export type Translate = (key: string, replacements?: Record<string, string>) => string;

export function ConsentForm(props: {
  t: Translate;
  disclosure: Disclosure;
  text: string;
  box: ConsentBox;
  phoneError: string | undefined;
  status?: { message: string; critical: boolean } | undefined;
}) {
  const { t, disclosure, text, box, phoneError, status } = props;
  return (
    <s-stack gap="small-200">
      <s-checkbox
        label={t("label")}
        checked={box.ticked}
        onChange={(event) => box.setTicked(checkbox(event).checked === true)}
      />
      <s-text color="subdued">{text}</s-text>
      <s-stack direction="inline" gap="base">
        <s-link href={disclosure.termsUrl} target="_blank">
          {t("termsLink")}
        </s-link>
        <s-link href={disclosure.privacyUrl} target="_blank">
          {t("privacyLink")}
        </s-link>
      </s-stack>
      {box.ticked &&
        (box.knownPhone ? (
          <s-text>{t("sendingTo", { phone: box.knownPhone })}</s-text>
        ) : (
          <s-phone-field
            type="mobile"
            label={t("phoneLabel")}
            value={box.phoneInput}
            error={phoneError}
            onInput={(event) => box.setPhoneInput(phoneField(event).value ?? "")}
            onChange={(event) => {
              box.setPhoneInput(phoneField(event).value ?? "");
              box.commitPhone();
            }}
          />
        ))}
      {status && <s-text tone={status.critical ? "critical" : "success"}>{status.message}</s-text>}
    </s-stack>
  );
}

// Polaris elements type their events as plain `Event`.
const checkbox = (event: Event) => event.currentTarget as HTMLElementTagNameMap["s-checkbox"];
const phoneField = (event: Event) => event.currentTarget as HTMLElementTagNameMap["s-phone-field"];
