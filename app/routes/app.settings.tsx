import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { Banner, BlockStack, Button, Card, Checkbox, FormLayout, Layout, Page, Select, Text, TextField } from "@shopify/polaris";
import { useMemo, useState } from "react";
import { CheckoutBoxPreview } from "~/components/checkout-box-preview";
import { FormTextField } from "~/components/form-text-field";
import { formatMicrosAsPrice } from "~/components/money";
import { ReplyTextField } from "~/components/reply-text-field";
import { describeAttributionRule } from "~/attribution/attribution";
import { currentDisclosures, disclosureInputSchema } from "~/disclosures/disclosures.server";
import { publishDisclosureToCheckout } from "~/shopify/publish-disclosure-to-checkout.server";
import { KEYWORD_MODE_EXPLANATIONS, LANGUAGE_NAMES } from "~/setup/checklist";
import { checkoutPreview } from "~/setup/checkout-preview";
import { checkReplyText } from "~/setup/reply-text-checks";
import { KEYWORD_MODES, type KeywordMode } from "~/shops/keyword-modes";
import { DEFAULT_MESSAGES_PER_SECOND, readSenderType, SENDER_TYPE_LABELS, SENDER_TYPES } from "~/shops/sender-types";
import { saveSettingsForm } from "~/settings/save-settings.server";
import { getShopSettings } from "~/shops/shop-settings.server";
import { requireAdmin } from "~/shopify/require-admin.server";

export async function loader({ request }: LoaderFunctionArgs) {
  const { shop } = await requireAdmin(request);
  const settings = await getShopSettings(shop);
  const { twilioAuthTokenEncrypted, ...visible } = settings ?? ({} as NonNullable<typeof settings>);
  return {
    settings: settings ? { ...visible, hasAuthToken: Boolean(twilioAuthTokenEncrypted) } : null,
    attributionRule: settings ? describeAttributionRule(settings) : null,
    disclosures: (await currentDisclosures(shop)).map(({ locale, text, version, contentHash, publishedAt }) => ({ locale, text, version, contentHash, publishedAt })),
  };
}

export async function action({ request }: ActionFunctionArgs) {
  const { shop } = await requireAdmin(request);
  const form = await request.formData();
  if (form.get("intent") === "disclosure") {
    const locale = String(form.get("locale") ?? "");
    const parsed = disclosureInputSchema.safeParse({ locale, text: form.get("text") });
    if (!parsed.success) return { intent: "disclosure" as const, locale, errors: { text: parsed.error.issues.map((i) => i.message).join(". ") } };
    const { message } = await publishDisclosureToCheckout(shop, parsed.data);
    return { intent: "disclosure" as const, locale, message };
  }
  const saved = await saveSettingsForm(shop, form);
  if (!saved.ok) return { intent: "settings" as const, errors: saved.errors };
  return { intent: "settings" as const, message: saved.message };
}

const KEYWORD_MODE_LABELS: Record<(typeof KEYWORD_MODES)[number], string> = {
  twilio_default: "Twilio answers STOP/HELP/START (Twilio's default on long codes and toll-free)",
  twilio_advanced_opt_out: "Twilio Advanced Opt-Out answers them (Messaging Service)",
  app: "This app answers every keyword (Twilio's keyword handling turned off)",
};

const isKeywordMode = (value: string): value is KeywordMode => (KEYWORD_MODES as readonly string[]).includes(value);
/** The monthly cap as typed, when it is one the texts can promise (a whole number from 1). */
const monthlyCap = (typed: string) => (/^\d{1,3}$/.test(typed.trim()) && Number(typed) >= 1 ? Number(typed) : null);
const languagesOf = (typed: string) =>
  typed
    .split(/[,\s]+/)
    .map((code) => code.trim().toLowerCase())
    .filter((code) => code in LANGUAGE_NAMES);
/** A first English disclosure with every element the rules and the checkout block need, for the merchant to adjust. */
const starterDisclosure = (brand: string, cap: number | null) =>
  `${brand || "Your brand"}: get recurring automated marketing texts (up to ${cap ?? 6} msgs/month) at the number provided. Consent is not a condition of purchase. Msg & data rates may apply. Reply STOP to cancel, HELP for help.`;

export default function Settings() {
  const { settings, disclosures, attributionRule } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const submitting = useNavigation().formData?.get("intent");
  const errors: Record<string, string> = (result && "errors" in result ? result.errors : undefined) ?? {};
  const [keywordMode, setKeywordMode] = useState(settings?.keywordMode ?? "twilio_default");
  // Read as the merchant types: the CTIA checks and the previews follow these.
  const [brandName, setBrandName] = useState(settings?.brandName ?? "");
  const [supportContact, setSupportContact] = useState(settings?.supportContact ?? "");
  const [maxPerMonth, setMaxPerMonth] = useState(String(settings?.maxMessagesPerMonth ?? 6));
  const [termsUrl, setTermsUrl] = useState(settings?.termsUrl ?? "");
  const [privacyUrl, setPrivacyUrl] = useState(settings?.privacyUrl ?? "");
  const [languages, setLanguages] = useState(settings?.supportedLanguages ?? "en");
  const [helpText, setHelpText] = useState(settings?.helpText ?? "");
  const [optOutText, setOptOutText] = useState(settings?.optOutText ?? "");
  const [optInText, setOptInText] = useState(settings?.optInText ?? "");
  const program = { brandName, supportContact, maxMessagesPerMonth: monthlyCap(maxPerMonth) };
  const checks = {
    help: checkReplyText("help", helpText, program),
    optOut: checkReplyText("opt_out_confirmation", optOutText, program),
    optIn: checkReplyText("opt_in_confirmation", optInText, program),
  };
  // English first (checkout needs it), then each language the shop texts in or has published.
  const disclosureLanguages = useMemo(() => [...new Set(["en", ...languagesOf(languages), ...disclosures.map((d) => d.locale)])], [languages, disclosures]);
  const [doubleOptIn, setDoubleOptIn] = useState(settings?.doubleOptIn ?? true);
  const [utmTracking, setUtmTracking] = useState(settings?.utmTracking ?? true);
  const [senderType, setSenderType] = useState(readSenderType(settings?.senderType ?? "long_code"));
  const defaultRate = DEFAULT_MESSAGES_PER_SECOND[senderType];
  const [disclosureTexts, setDisclosureTexts] = useState<Record<string, string>>(() => Object.fromEntries(disclosures.map((d) => [d.locale, d.text])));
  const textFor = (locale: string) => disclosureTexts[locale] ?? (locale === "en" ? starterDisclosure(brandName, program.maxMessagesPerMonth) : "");

  return (
    <Page title="Settings">
      <Layout>
        {result?.intent === "settings" && "message" in result ? (
          <Layout.Section>
            <Banner tone="success">{result.message}</Banner>
          </Layout.Section>
        ) : null}
        <Layout.Section>
          <Form method="post">
            <input type="hidden" name="intent" value="settings" />
            <BlockStack gap="400">
              <div id="program">
              <Card>
                <FormLayout>
                  <Text as="h2" variant="headingMd">
                    Your SMS program
                  </Text>
                  <TextField label="Brand name" name="brandName" value={brandName} onChange={setBrandName} autoComplete="off" error={errors.brandName} helpText="Starts every text." />
                  <TextField label="Support contact" name="supportContact" value={supportContact} onChange={setSupportContact} autoComplete="off" error={errors.supportContact} helpText="Shown in HELP replies." />
                  <TextField label="Terms URL" name="termsUrl" value={termsUrl} onChange={setTermsUrl} autoComplete="off" error={errors.termsUrl} />
                  <TextField label="Privacy policy URL" name="privacyUrl" value={privacyUrl} onChange={setPrivacyUrl} autoComplete="off" error={errors.privacyUrl} />
                  <TextField
                    label="Messages per month, at most"
                    name="maxMessagesPerMonth"
                    type="number"
                    value={maxPerMonth}
                    onChange={setMaxPerMonth}
                    autoComplete="off"
                    error={errors.maxMessagesPerMonth}
                    helpText="Promised in your checkout disclosure. Counted per subscriber in each calendar month of your shop's time zone: a campaign text over it is skipped, and the campaign shows how many."
                  />
                  <FormTextField
                    label="Marketing messages per 24 hours, at most"
                    name="maxMessagesPerDay"
                    type="number"
                    defaultValue={settings?.maxMessagesPerDay}
                    error={errors.maxMessagesPerDay}
                    helpText="Counted per subscriber over any rolling 24 hours. Where a state sets a lower cap (Florida, Maryland, Oklahoma, New Jersey: 3), that one applies. A text over the cap is skipped, with the reason shown on the campaign."
                  />
                  <FormTextField label="Extra opt-in keywords" name="extraOptInKeywords" defaultValue={settings?.extraOptInKeywords} error={errors.extraOptInKeywords} helpText="Comma-separated, e.g. JOIN, DEALS" />
                  <TextField
                    label="Languages"
                    name="supportedLanguages"
                    value={languages}
                    onChange={setLanguages}
                    autoComplete="off"
                    error={errors.supportedLanguages}
                    helpText="Replies in these: en, es, fr, de, pt, it. Publish the checkout disclosure in each one (below)."
                  />
                  <FormTextField
                    label="Countries you text"
                    name="smsCountries"
                    defaultValue={settings?.smsCountries ?? "US"}
                    error={errors.smsCountries}
                    helpText="Comma-separated two-letter country codes, e.g. US, CA. Checkout consent from a number in any other country is refused. This guards against SMS pumping: fraudsters sign up foreign premium numbers to run up your texting bill. Usually just your shop's own country."
                  />
                </FormLayout>
              </Card>
              </div>
              <div id="twilio">
              <Card>
                <FormLayout>
                  <Text as="h2" variant="headingMd">
                    Twilio
                  </Text>
                  <FormTextField label="Account SID" name="twilioAccountSid" defaultValue={settings?.twilioAccountSid} error={errors.twilioAccountSid} />
                  <FormTextField
                    label="Auth token"
                    name="twilioAuthToken"
                    type="password"
                    error={errors.twilioAuthToken}
                    helpText={settings?.hasAuthToken ? "Saved and encrypted. Leave empty to keep it." : "Stored encrypted."}
                  />
                  <FormTextField label="Sender phone number" name="senderPhoneNumber" defaultValue={settings?.senderPhoneNumber} error={errors.senderPhoneNumber} />
                  <FormTextField label="Messaging Service SID (optional)" name="messagingServiceSid" defaultValue={settings?.messagingServiceSid} error={errors.messagingServiceSid} />
                  <Select
                    label="Sender type"
                    name="senderType"
                    options={SENDER_TYPES.map((type) => ({ value: type, label: SENDER_TYPE_LABELS[type] }))}
                    value={senderType}
                    onChange={(value) => setSenderType(readSenderType(value))}
                    error={errors.senderType}
                  />
                  <FormTextField
                    label="Messages per second, at most (optional)"
                    name="maxMessagesPerSecond"
                    type="number"
                    defaultValue={settings?.maxMessagesPerSecond}
                    error={errors.maxMessagesPerSecond}
                    helpText={`Across every worker together. Leave empty for your sender type's default (${defaultRate} per second); set it only if Twilio gave your sender more.`}
                  />
                  <FormTextField
                    label="Price per segment, in dollars"
                    name="segmentPrice"
                    defaultValue={settings ? formatMicrosAsPrice(settings.segmentPriceMicros) : undefined}
                    error={errors.segmentPriceMicros}
                    helpText="What Twilio charges you for one SMS segment, e.g. 0.0083. Campaign cost estimates use it."
                  />
                  <div id="keywords">
                    <Select
                      label="Who answers STOP, HELP and START"
                      name="keywordMode"
                      options={KEYWORD_MODES.map((mode) => ({ value: mode, label: KEYWORD_MODE_LABELS[mode] }))}
                      value={keywordMode}
                      onChange={setKeywordMode}
                      helpText={isKeywordMode(keywordMode) ? KEYWORD_MODE_EXPLANATIONS[keywordMode] : undefined}
                    />
                  </div>
                </FormLayout>
              </Card>
              </div>
              <div id="consent">
              <Card>
                <FormLayout>
                  <Text as="h2" variant="headingMd">
                    Consent and timing
                  </Text>
                  <Checkbox label="Ask new subscribers to reply Y to confirm (double opt-in)" name="doubleOptIn" checked={doubleOptIn} onChange={setDoubleOptIn} />
                  <FormTextField label="Confirmation window, hours" name="pendingExpiryHours" type="number" defaultValue={settings?.pendingExpiryHours} error={errors.pendingExpiryHours} />
                  <FormTextField
                    label="Quiet hours start"
                    name="quietHoursStart"
                    defaultValue={settings?.quietHoursStart}
                    error={errors.quietHoursStart}
                    helpText="No marketing text goes out between start and end in the recipient's own time zone (from their address, else their number's area code). Federal and state hours (e.g. Florida 8 pm to 8 am) apply too; yours can only narrow them. A text due in quiet hours waits for the next allowed minute."
                  />
                  <FormTextField label="Quiet hours end" name="quietHoursEnd" defaultValue={settings?.quietHoursEnd} error={errors.quietHoursEnd} />
                  <FormTextField
                    label="Smart sending gap, hours"
                    name="smartSendingHours"
                    type="number"
                    defaultValue={settings?.smartSendingHours ?? 0}
                    error={errors.smartSendingHours}
                    helpText="Skip anyone who got a marketing text in the last this many hours. 0 turns it off."
                  />
                  <FormTextField label="Shop timezone" name="timezone" defaultValue={settings?.timezone} error={errors.timezone} helpText="An IANA time zone name, e.g. America/New_York or Europe/London." />
                </FormLayout>
              </Card>
              </div>
              <div id="replies">
              <Card>
                <BlockStack gap="400">
                  <BlockStack gap="100">
                    <Text as="h2" variant="headingMd">
                      Replies: HELP, STOP and opt-in confirmation
                    </Text>
                    <Text as="p" tone="subdued">
                      Checked against the carriers&apos; (CTIA) content rules as you type: brand name, what and how often you text, &quot;Msg &amp; data rates
                      may apply&quot;, how to get help and how to stop.
                    </Text>
                  </BlockStack>
                  <ReplyTextField name="helpText" value={helpText} onChange={setHelpText} check={checks.help} error={errors.helpText} />
                  <ReplyTextField name="optOutText" value={optOutText} onChange={setOptOutText} check={checks.optOut} error={errors.optOutText} />
                  <ReplyTextField name="optInText" value={optInText} onChange={setOptInText} check={checks.optIn} error={errors.optInText} />
                </BlockStack>
              </Card>
              </div>
              <Card>
                <FormLayout>
                  <Text as="h2" variant="headingMd">
                    Data kept
                  </Text>
                  <FormTextField
                    label="Keep message texts, days"
                    name="messageRetentionDays"
                    type="number"
                    defaultValue={settings?.messageRetentionDays ?? 365}
                    error={errors.messageRetentionDays}
                    helpText="Bodies of texts sent and received are removed after this many days; consent evidence is kept"
                  />
                </FormLayout>
              </Card>
              <Card>
                <FormLayout>
                  <Text as="h2" variant="headingMd">
                    Results and links
                  </Text>
                  {attributionRule ? (
                    <Text as="p" tone="subdued">
                      {attributionRule}
                    </Text>
                  ) : null}
                  <FormTextField
                    label="Click window, days"
                    name="clickWindowDays"
                    type="number"
                    defaultValue={settings?.clickWindowDays ?? 5}
                    error={errors.clickWindowDays}
                    helpText="An order placed within this many days of clicking a campaign's link is credited to that campaign."
                  />
                  <FormTextField
                    label="Delivery window, hours"
                    name="deliveryWindowHours"
                    type="number"
                    defaultValue={settings?.deliveryWindowHours ?? 24}
                    error={errors.deliveryWindowHours}
                    helpText="Without a click, an order placed within this many hours of a campaign text being delivered is credited to that campaign. Results show these orders apart from clicked ones."
                  />
                  <Checkbox
                    label="Add utm_source=sms, utm_medium and utm_campaign to campaign links (for your analytics)"
                    name="utmTracking"
                    checked={utmTracking}
                    onChange={setUtmTracking}
                  />
                </FormLayout>
              </Card>
              <Button submit variant="primary" loading={submitting === "settings"}>
                Save settings
              </Button>
            </BlockStack>
          </Form>
        </Layout.Section>
        <Layout.Section>
          <div id="disclosure">
            <BlockStack gap="400">
              {disclosureLanguages.map((locale) => {
                const current = disclosures.find((d) => d.locale === locale);
                const languageName = LANGUAGE_NAMES[locale] ?? locale;
                const text = textFor(locale);
                const preview = checkoutPreview({
                  locale,
                  text,
                  brandName,
                  maxMessagesPerMonth: program.maxMessagesPerMonth ?? 0,
                  termsUrl: termsUrl.trim() || null,
                  privacyUrl: privacyUrl.trim() || null,
                  hasEnglish: locale === "en" || disclosures.some((d) => d.locale === "en"),
                });
                const answered = result?.intent === "disclosure" && "locale" in result && result.locale === locale ? result : null;
                return (
                  <Card key={locale}>
                    <Form method="post">
                      <input type="hidden" name="intent" value="disclosure" />
                      <input type="hidden" name="locale" value={locale} />
                      <FormLayout>
                        <Text as="h2" variant="headingMd">
                          {`Checkout disclosure (${languageName})`}
                        </Text>
                        <Text as="p" tone="subdued">
                          {current ? `Version ${current.version}, sha256 ${current.contentHash.slice(0, 12)}…` : "Not published yet."} Publishing a change creates a new
                          version; the old one stays as proof of what earlier shoppers saw.
                        </Text>
                        {answered && "message" in answered ? <Banner tone="success">{answered.message}</Banner> : null}
                        <TextField
                          label={`Disclosure text (${languageName})`}
                          name="text"
                          multiline={4}
                          value={text}
                          onChange={(value) => setDisclosureTexts((texts) => ({ ...texts, [locale]: value }))}
                          autoComplete="off"
                          error={answered ? errors.text : undefined}
                        />
                        <CheckoutBoxPreview preview={preview} text={text} languageName={languageName} id={`checkout-preview-${locale}`} />
                        <Button submit loading={submitting === "disclosure"} id={`publish-disclosure-${locale}`}>
                          {`Publish ${languageName} disclosure`}
                        </Button>
                      </FormLayout>
                    </Form>
                  </Card>
                );
              })}
            </BlockStack>
          </div>
        </Layout.Section>
      </Layout>
    </Page>
  );
}
