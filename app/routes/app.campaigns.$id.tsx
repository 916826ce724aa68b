import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useActionData, useLoaderData, useNavigation, useRevalidator, useRouteError, useSearchParams } from "@remix-run/react";
import { Banner, BlockStack, Button, Layout, Page } from "@shopify/polaris";
import { useEffect } from "react";
import { env } from "~/env.server";
import { campaignProgramOf, recipientText } from "~/campaigns/campaign-message";
import {
  CampaignError,
  cancelCampaign,
  getCampaign,
  MAX_CAMPAIGN_SEGMENTS,
  pauseCampaign,
  resumeCampaign,
  scheduleCampaign,
  updateCampaign,
  type CampaignDetail,
} from "~/campaigns/campaigns.server";
import { CampaignControls, CampaignSummaryCard } from "~/components/campaign-controls";
import { CampaignEditor } from "~/components/campaign-editor";
import { CampaignProgressCard } from "~/components/campaign-progress";
import { CampaignStatusBadge } from "~/components/campaign-status-badge";
import { AdminRouteError } from "~/components/route-error";
import { useFormat } from "~/components/use-format";
import { readScheduleMode } from "~/components/schedule-picker";
import { audienceOutlook, formErrorsOf, readCampaignForm, scheduleWallTime } from "~/http/campaign-form.server";
import { requireRowId } from "~/http/route-params";
import { getShopSettings } from "~/shops/shop-settings.server";
import { requireAdmin } from "~/shopify/require-admin.server";

const NOT_FOUND = "No such campaign in this shop.";

async function requireCampaignPage(request: Request, id: string | undefined) {
  const { shop } = await requireAdmin(request);
  const campaignId = requireRowId(id, NOT_FOUND);
  const settings = await getShopSettings(shop);
  if (!settings) throw new Response(NOT_FOUND, { status: 404 });
  return { shop, campaignId, settings };
}

async function requireDetail(shop: string, id: string) {
  try {
    return await getCampaign(shop, id);
  } catch (error) {
    if (error instanceof CampaignError && error.problem === "not_found") throw new Response(NOT_FOUND, { status: 404 });
    throw error;
  }
}

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data ? `${data.campaign.name} · SMS Consent` : "Campaign · SMS Consent" }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { shop, campaignId, settings } = await requireCampaignPage(request, params.id);
  const detail = await requireDetail(shop, campaignId);
  const { campaign } = detail;
  const program = campaignProgramOf(settings, env().SHOPIFY_APP_URL);
  const schedule = detail.schedule ?? { mode: "now" as const };
  const outlook = detail.editable
    ? await audienceOutlook(shop, new URL(request.url), { audience: detail.audience, body: campaign.body, discountCode: campaign.discountCode, schedule }, settings.timezone)
    : null;
  return {
    campaign: {
      id: campaign.id,
      name: campaign.name,
      body: campaign.body,
      discountCode: campaign.discountCode,
      scheduledAt: campaign.scheduledAt,
      startedAt: campaign.startedAt,
      completedAt: campaign.completedAt,
    },
    status: detail.status,
    editable: detail.editable,
    audience: detail.audience,
    schedule: { mode: schedule.mode, at: scheduleWallTime(schedule, settings.timezone) },
    progress: detail.progress,
    refreshInMs: refreshDelay(detail, new Date()),
    // What a recipient without a first name gets: the text as it was fixed when sending started.
    fixedText: recipientText(campaign, program, { firstName: null }).body,
    shop: { program, timezone: settings.timezone, segmentPriceMicros: settings.segmentPriceMicros, maxSegments: MAX_CAMPAIGN_SEGMENTS },
    outlook,
  };
}

export async function action({ request, params }: ActionFunctionArgs) {
  const { shop, campaignId, settings } = await requireCampaignPage(request, params.id);
  const read = readCampaignForm(await request.formData(), settings.timezone);
  if (!read.ok) return { errors: read.errors, formError: read.errors.form ?? null, message: null };
  const { intent, draft, schedule } = read.form;
  try {
    switch (intent) {
      case "save":
        await updateCampaign(shop, campaignId, draft);
        return { errors: {}, formError: null, message: "Draft saved." };
      case "schedule": {
        // The edits first, then the schedule: both refuse what the lint or the status forbids.
        await updateCampaign(shop, campaignId, draft);
        const scheduled = await scheduleCampaign(shop, campaignId, schedule);
        return { errors: {}, formError: null, message: scheduled.scheduleMode === "now" ? "Sending now." : "Scheduled." };
      }
      case "pause":
        await pauseCampaign(shop, campaignId);
        return { errors: {}, formError: null, message: "Paused: no more texts go out until you resume." };
      case "resume":
        await resumeCampaign(shop, campaignId);
        return { errors: {}, formError: null, message: "Resumed." };
      case "cancel": {
        const { cancelledMessages } = await cancelCampaign(shop, campaignId);
        // Counted here, worded by the page in the merchant's locale.
        return { errors: {}, formError: null, message: null, cancelledMessages };
      }
    }
  } catch (error) {
    if (!(error instanceof CampaignError)) throw error;
    if (error.problem === "not_found") throw new Response(NOT_FOUND, { status: 404 });
    return { errors: formErrorsOf(error), formError: error.problem === "invalid" && Object.keys(error.fieldErrors).length > 0 ? null : error.message, message: null };
  }
}

/** How often the page reloads its figures while texts are going out. */
const REFRESH_MS = 2000;
/** A campaign scheduled further ahead is looked at again at least this often (and when its time comes). */
const SCHEDULED_REFRESH_MAX_MS = 60 * 60 * 1000;

/** Delivery reports arrive after the last text went out; the page keeps looking for them this long. */
const DELIVERY_REPORTS_WINDOW_MS = 30 * 60 * 1000;

/**
 * When the page should load its figures again: soon while sending and while
 * delivery reports are still coming in, at the send time while scheduled,
 * never once everything is settled.
 */
function refreshDelay({ status, campaign, progress }: CampaignDetail, now: Date): number | null {
  if (status === "sending") return REFRESH_MS;
  if (status === "scheduled" && campaign.scheduledAt) {
    return Math.min(SCHEDULED_REFRESH_MAX_MS, Math.max(REFRESH_MS, campaign.scheduledAt.getTime() - now.getTime()));
  }
  const awaitingReports = progress.byStatus.sending + progress.byStatus.sent > 0;
  const recentlyFinished = campaign.completedAt !== null && now.getTime() - campaign.completedAt.getTime() < DELIVERY_REPORTS_WINDOW_MS;
  return status === "sent" && awaitingReports && recentlyFinished ? REFRESH_MS : null;
}

export default function CampaignPage() {
  const data = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const navigation = useNavigation();
  const [params] = useSearchParams();
  const submitting = navigation.state === "submitting" ? String(navigation.formData?.get("intent") ?? "") : null;
  const { campaign, status } = data;
  useRefreshAfter(data.refreshInMs);
  const refused = params.get("refused");
  const { count } = useFormat();
  const message = result && "cancelledMessages" in result ? `Cancelled: ${count(result.cancelledMessages)} queued texts will not be sent.` : (result?.message ?? null);

  return (
    <Page title={campaign.name} backAction={{ content: "Campaigns", url: "/app/campaigns" }} titleMetadata={<CampaignStatusBadge status={status} />}>
      <BlockStack gap="400">
        {message ? <Banner tone="success">{message}</Banner> : null}
        {refused && !result ? (
          <Banner tone="critical" title="Saved as a draft, not sent">
            <p>{refused}</p>
          </Banner>
        ) : null}
        {data.editable && data.outlook ? (
          <CampaignEditor
            // A fresh editor when the campaign moves on (scheduled, sending): its saved values are the new starting point.
            key={`${campaign.id}:${status}`}
            initial={{
              name: campaign.name,
              body: campaign.body,
              discountCode: campaign.discountCode ?? "",
              audience: data.audience,
              schedule: { mode: readScheduleMode(data.schedule.mode), at: data.schedule.at },
            }}
            scheduled={status === "scheduled"}
            shop={data.shop}
            outlook={data.outlook}
            errors={result?.errors ?? {}}
            formError={result?.formError ?? null}
            submitting={submitting}
            secondaryActions={status === "scheduled" ? <CampaignControls status={status} submitting={submitting} inline /> : null}
          />
        ) : (
          <Layout>
            {result?.formError ? (
              <Layout.Section>
                <Banner tone="critical">{result.formError}</Banner>
              </Layout.Section>
            ) : null}
            <Layout.Section>
              <CampaignProgressCard progress={data.progress} />
            </Layout.Section>
            <Layout.Section>
              <CampaignSummaryCard
                status={status}
                text={data.fixedText}
                discountCode={campaign.discountCode}
                audience={data.audience}
                schedule={data.schedule}
                shopTimezone={data.shop.timezone}
                startedAt={campaign.startedAt}
                completedAt={campaign.completedAt}
              />
            </Layout.Section>
            <Layout.Section>
              <CampaignControls status={status} submitting={submitting} />
            </Layout.Section>
            <Layout.Section>
              <Button url={`/app/campaigns/${campaign.id}/results`}>See results: clicks, orders, revenue</Button>
            </Layout.Section>
          </Layout>
        )}
      </BlockStack>
    </Page>
  );
}

/** Reloads the page's data after `delayMs` (again and again while the loader keeps asking for it). */
function useRefreshAfter(delayMs: number | null) {
  const { revalidate, state } = useRevalidator();
  useEffect(() => {
    if (delayMs === null || state !== "idle") return;
    const timer = setTimeout(revalidate, delayMs);
    return () => clearTimeout(timer);
  }, [delayMs, state, revalidate]);
}

export function ErrorBoundary() {
  return <AdminRouteError error={useRouteError()} back={{ content: "All campaigns", url: "/app/campaigns" }} />;
}
