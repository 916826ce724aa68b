/**
 * The campaign form: name, message, discount code, audience and schedule, with
 * what the merchant needs to see while typing (segments, the characters that
 * cost more, the compliance lint, a preview for a real subscriber, the audience
 * and its cost), all computed in the browser by the same pure functions that
 * planning and sending use. The audience count comes from the page's loader,
 * asked again (debounced) whenever the filter changes.
 */
import { useFetcher, useLocation, useSubmit } from "@remix-run/react";
import { Banner, BlockStack, Button, Card, FormLayout, InlineStack, Layout, Text, TextField } from "@shopify/polaris";
import { useEffect, useMemo, useRef, useState } from "react";
import type { AudienceFilter } from "~/campaigns/audience";
import { hasBlockingFindings, lintCampaign } from "~/campaigns/campaign-lint";
import { recipientText, type CampaignProgram } from "~/campaigns/campaign-message";
import { ucs2Culprits } from "~/messaging/segments";
import { audienceDraftOf, outlookKey, readAudienceDraft, type AudienceOutlook } from "./audience-draft";
import { AudiencePicker } from "./audience-picker";
import { CostEstimate, LintFindings, MessagePreview, SegmentCounter, Ucs2Culprits } from "./message-insights";
import { SchedulePicker, type ScheduleDraft } from "./schedule-picker";

export interface CampaignEditorValues {
  name: string;
  body: string;
  discountCode: string;
  audience: AudienceFilter;
  schedule: ScheduleDraft;
}

export interface CampaignEditorProps {
  initial: CampaignEditorValues;
  /** Already scheduled: saving keeps the schedule (if the lint still passes), the main button reschedules. */
  scheduled?: boolean;
  shop: { program: CampaignProgram; timezone: string; segmentPriceMicros: number; maxSegments: number };
  outlook: AudienceOutlook;
  /** Field → message, and a problem that belongs to no field, from the last submission. */
  errors: Record<string, string>;
  formError: string | null;
  submitting: string | null;
  /** Extra buttons (cancel a scheduled campaign). */
  secondaryActions?: React.ReactNode;
}

const OUTLOOK_DEBOUNCE_MS = 350;

export function CampaignEditor({ initial, scheduled = false, shop, outlook: loaded, errors, formError, submitting, secondaryActions }: CampaignEditorProps) {
  const [name, setName] = useState(initial.name);
  const [body, setBody] = useState(initial.body);
  const [discountCode, setDiscountCode] = useState(initial.discountCode);
  const [audienceDraft, setAudienceDraft] = useState(() => audienceDraftOf(initial.audience));
  const [schedule, setSchedule] = useState(initial.schedule);
  const [previewIndex, setPreviewIndex] = useState(0);

  const audienceRead = useMemo(() => readAudienceDraft(audienceDraft), [audienceDraft]);
  const filterJson = audienceRead.ok ? JSON.stringify(audienceRead.filter) : null;
  const { outlook, current } = useAudienceOutlook(loaded, {
    key: audienceRead.ok ? outlookKey(audienceRead.filter, schedule.mode, schedule.at, body) : null,
    audience: filterJson,
    schedule,
    body,
    discountCode,
  });

  const campaignText = { body, discountCode: discountCode.trim() || null };
  const recipient = outlook.recipients.length > 0 ? outlook.recipients[previewIndex % outlook.recipients.length]! : null;
  const { body: rendered, segments } = recipientText(campaignText, shop.program, { firstName: recipient?.firstName ?? null });
  const culprits = ucs2Culprits(rendered);
  // Linted as every recipient's text is checked before sending: with the fallbacks, so no first name decides a finding.
  const linted = recipientText(campaignText, shop.program, { firstName: null });
  const findings = lintCampaign({
    template: body,
    rendered: linted.body,
    brandName: shop.program.brandName,
    segments: linted.segments,
    maxSegments: shop.maxSegments,
    audienceSize: current ? outlook.count : null,
    quietHoursShare: current ? outlook.quietHoursShare : null,
    hasDiscountCode: campaignText.discountCode !== null,
    language: shop.program.language,
  });
  const blocked = hasBlockingFindings(findings);

  const submit = useSubmit();
  const send = (intent: "save" | "schedule") =>
    submit(
      {
        intent,
        name,
        body,
        discountCode,
        audience: filterJson ?? "",
        scheduleMode: schedule.mode,
        sendAt: schedule.mode === "now" ? "" : schedule.at,
      },
      { method: "post" },
    );

  return (
    <Layout>
      {formError ? (
        <Layout.Section>
          <Banner tone="critical">
            <p>{formError}</p>
          </Banner>
        </Layout.Section>
      ) : null}
      <Layout.Section>
        <BlockStack gap="400">
          <Card>
            <FormLayout>
              <TextField label="Campaign name" autoComplete="off" value={name} onChange={setName} error={errors.name} helpText="Only you see it." />
              <TextField
                label="Message"
                autoComplete="off"
                multiline={5}
                value={body}
                onChange={setBody}
                error={errors.body}
                helpText="Tokens: {first_name|there} (with a fallback for subscribers without a name), {shop_name}, {discount_code}. Your brand name and “Reply STOP to opt out” are added when missing."
              />
              <SegmentCounter segments={segments} />
              <Ucs2Culprits culprits={culprits} segments={segments.segments} />
              <TextField label="Discount code (optional)" autoComplete="off" value={discountCode} onChange={setDiscountCode} error={errors.discountCode} helpText="Replaces {discount_code}." />
            </FormLayout>
          </Card>
          <Card>
            <BlockStack gap="300">
              <Text as="h2" variant="headingMd">
                Audience
              </Text>
              <AudiencePicker draft={audienceDraft} errors={audienceRead.ok ? {} : audienceRead.errors} onChange={setAudienceDraft} />
              {errors.audience ? (
                <Text as="p" tone="critical">
                  {errors.audience}
                </Text>
              ) : null}
              <CostEstimate segments={segments.segments} recipients={current ? outlook.count : null} segmentPriceMicros={shop.segmentPriceMicros} />
            </BlockStack>
          </Card>
          <Card>
            <BlockStack gap="300">
              <Text as="h2" variant="headingMd">
                Schedule
              </Text>
              <SchedulePicker draft={schedule} shopTimezone={shop.timezone} error={errors.sendAt ?? errors.schedule} onChange={setSchedule} />
            </BlockStack>
          </Card>
          <InlineStack gap="300" align="end">
            {secondaryActions}
            <Button onClick={() => send("save")} loading={submitting === "save"}>
              {scheduled ? "Save changes" : "Save draft"}
            </Button>
            <Button variant="primary" onClick={() => send("schedule")} loading={submitting === "schedule"} disabled={blocked || !audienceRead.ok}>
              {schedule.mode === "now" ? "Send now" : scheduled ? "Reschedule" : "Schedule"}
            </Button>
          </InlineStack>
        </BlockStack>
      </Layout.Section>
      <Layout.Section variant="oneThird">
        <BlockStack gap="400">
          <MessagePreview rendered={rendered} recipient={recipient} />
          {outlook.recipients.length > 1 ? (
            <Button variant="plain" onClick={() => setPreviewIndex((index) => index + 1)}>
              Preview for another subscriber
            </Button>
          ) : null}
          <Text as="h2" variant="headingMd">
            Compliance checks
          </Text>
          <LintFindings findings={findings} />
        </BlockStack>
      </Layout.Section>
    </Layout>
  );
}

/**
 * The audience as the loader last counted it, asked again through a fetcher
 * (this same route, the question in the query string) a moment after the
 * merchant stops changing the filter or the schedule. `current` is false while
 * the answer on screen is to an older question.
 */
function useAudienceOutlook(
  loaded: AudienceOutlook,
  question: { key: string | null; audience: string | null; schedule: ScheduleDraft; body: string; discountCode: string },
): { outlook: AudienceOutlook; current: boolean } {
  const fetcher = useFetcher<{ outlook: AudienceOutlook }>();
  const { pathname } = useLocation();
  const { load } = fetcher;
  // The text and schedule as they are when the debounced request goes out, not when the key changed.
  const latest = useRef(question);
  useEffect(() => {
    latest.current = question;
  });
  const { key } = question;
  useEffect(() => {
    if (key === null || key === loaded.key) return;
    const timer = setTimeout(() => {
      const { audience, schedule, body, discountCode } = latest.current;
      const query = new URLSearchParams({ key, audience: audience ?? "", scheduleMode: schedule.mode, sendAt: schedule.at, body, discountCode });
      load(`${pathname}?${query}`);
    }, OUTLOOK_DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [key, loaded.key, load, pathname]);
  const fetched = fetcher.data?.outlook;
  if (key === loaded.key) return { outlook: loaded, current: true };
  if (fetched) return { outlook: fetched, current: fetched.key === key };
  return { outlook: loaded, current: false };
}
