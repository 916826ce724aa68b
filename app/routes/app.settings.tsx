import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { Banner, BlockStack, Button, Card, Checkbox, FormLayout, Layout, Page, Select, Text } from "@shopify/polaris";
import { useState } from "react";
import { FormTextField } from "~/components/form-text-field";
import { formatMicrosAsPrice } from "~/components/money";
import { describeAttributionRule } from "~/attribution/attribution";
import { currentDisclosures, disclosureInputSchema } from "~/disclosures/disclosures.server";
import { publishDisclosureToCheckout } from "~/shopify/publish-disclosure-to-checkout.server";
import { KEYWORD_MODES } from "~/shops/keyword-modes";
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
    const parsed = disclosureInputSchema.safeParse({ locale: form.get("locale"), text: form.get("text") });
    if (!parsed.success) return { intent: "disclosure" as const, errors: { text: parsed.error.issues.map((i) => i.message).join(". ") } };
    const { message } = await publishDisclosureToCheckout(shop, parsed.data);
    return { intent: "disclosure" as const, message };
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

export default function Settings() {
  const { settings, disclosures, attributionRule } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const submitting = useNavigation().formData?.get("intent");
  const errors: Record<string, string> = (result && "errors" in result ? result.errors : undefined) ?? {};
  const [keywordMode, setKeywordMode] = useState(settings?.keywordMode ?? "twilio_default");
  const [doubleOptIn, setDoubleOptIn] = useState(settings?.doubleOptIn ?? true);
  const [utmTracking, setUtmTracking] = useState(settings?.utmTracking ?? true);
  const [senderType, setSenderType] = useState(readSenderType(settings?.senderType ?? "long_code"));
  const defaultRate = DEFAULT_MESSAGES_PER_SECOND[senderType];
  const english = disclosures.find((d) => d.locale === "en");

  return (
    <Page title="Settings">
      <Layout>
        {result && "message" in result ? (
          <Layout.Section>
            <Banner tone="success">{result.message}</Banner>
          </Layout.Section>
        ) : null}
        <Layout.Section>
          <Form method="post">
            <input type="hidden" name="intent" value="settings" />
            <BlockStack gap="400">
              <Card>
                <FormLayout>
                  <Text as="h2" variant="headingMd">
                    Your SMS program
                  </Text>
                  <FormTextField label="Brand name" name="brandName" defaultValue={settings?.brandName} error={errors.brandName} helpText="Starts every text." />
                  <FormTextField label="Support contact" name="supportContact" defaultValue={settings?.supportContact} error={errors.supportContact} helpText="Shown in HELP replies." />
                  <FormTextField label="Terms URL" name="termsUrl" defaultValue={settings?.termsUrl} error={errors.termsUrl} />
                  <FormTextField label="Privacy policy URL" name="privacyUrl" defaultValue={settings?.privacyUrl} error={errors.privacyUrl} />
                  <FormTextField
                    label="Messages per month, at most"
                    name="maxMessagesPerMonth"
                    type="number"
                    defaultValue={settings?.maxMessagesPerMonth}
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
                  <FormTextField label="Languages" name="supportedLanguages" defaultValue={settings?.supportedLanguages} error={errors.supportedLanguages} helpText="Replies in these: en, es, fr, de, pt, it" />
                  <FormTextField
                    label="Countries you text"
                    name="smsCountries"
                    defaultValue={settings?.smsCountries ?? "US"}
                    error={errors.smsCountries}
                    helpText="Comma-separated two-letter country codes, e.g. US, CA. Checkout consent from a number in any other country is refused. This guards against SMS pumping: fraudsters sign up foreign premium numbers to run up your texting bill. Usually just your shop's own country."
                  />
                </FormLayout>
              </Card>
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
                  <Select
                    label="Who answers STOP, HELP and START"
                    name="keywordMode"
                    options={KEYWORD_MODES.map((mode) => ({ value: mode, label: KEYWORD_MODE_LABELS[mode] }))}
                    value={keywordMode}
                    onChange={setKeywordMode}
                  />
                </FormLayout>
              </Card>
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
                  <FormTextField label="HELP reply (optional)" name="helpText" multiline={2} defaultValue={settings?.helpText} error={errors.helpText} />
                  <FormTextField label="Opt-out confirmation (optional)" name="optOutText" multiline={2} defaultValue={settings?.optOutText} error={errors.optOutText} />
                  <FormTextField label="Opt-in confirmation (optional)" name="optInText" multiline={2} defaultValue={settings?.optInText} error={errors.optInText} />
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
          <Card>
            <Form method="post">
              <input type="hidden" name="intent" value="disclosure" />
              <input type="hidden" name="locale" value="en" />
              <FormLayout>
                <Text as="h2" variant="headingMd">
                  Checkout disclosure (English)
                </Text>
                <Text as="p" tone="subdued">
                  {english ? `Version ${english.version}, sha256 ${english.contentHash.slice(0, 12)}…` : "Not published yet."} Publishing a change creates a new
                  version; the old one stays as proof of what earlier shoppers saw.
                </Text>
                <FormTextField label="Disclosure text" name="text" multiline={4} defaultValue={english?.text} error={result?.intent === "disclosure" ? errors.text : undefined} />
                <Button submit loading={submitting === "disclosure"}>
                  Publish disclosure
                </Button>
              </FormLayout>
            </Form>
          </Card>
        </Layout.Section>
      </Layout>
    </Page>
  );
}
