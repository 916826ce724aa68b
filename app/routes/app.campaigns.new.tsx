import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { useActionData, useLoaderData, useNavigation, useRouteError } from "@remix-run/react";
import { Page } from "@shopify/polaris";
import { EVERYONE } from "~/campaigns/audience";
import { env } from "~/env.server";
import { campaignProgramOf } from "~/campaigns/campaign-message";
import { CampaignError, createCampaign, MAX_CAMPAIGN_SEGMENTS, scheduleCampaign } from "~/campaigns/campaigns.server";
import { CampaignEditor } from "~/components/campaign-editor";
import { AdminRouteError } from "~/components/route-error";
import { audienceOutlook, formErrorsOf, readCampaignForm } from "~/http/campaign-form.server";
import { getShopSettings } from "~/shops/shop-settings.server";
import { requireAdmin } from "~/shopify/require-admin.server";

const NOT_SET_UP = "Set up your SMS program in Settings before writing campaigns.";

async function requireSettings(shop: string) {
  const settings = await getShopSettings(shop);
  if (!settings) throw new Response(NOT_SET_UP, { status: 404 });
  return settings;
}

export const meta: MetaFunction = () => [{ title: "New campaign · SMS Consent" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const { shop } = await requireAdmin(request);
  const settings = await requireSettings(shop);
  const outlook = await audienceOutlook(shop, new URL(request.url), { audience: EVERYONE, body: "", discountCode: null, schedule: { mode: "now" } }, settings.timezone);
  return {
    shop: { program: campaignProgramOf(settings, env().SHOPIFY_APP_URL), timezone: settings.timezone, segmentPriceMicros: settings.segmentPriceMicros, maxSegments: MAX_CAMPAIGN_SEGMENTS },
    outlook,
  };
}

/**
 * Save draft: create it and open it. Send or schedule: create it, then
 * schedule it; if scheduling is refused (the lint, a time in the past) the
 * draft is kept and opened with the reason, so pressing again never makes a
 * second campaign.
 */
export async function action({ request }: ActionFunctionArgs) {
  const { shop } = await requireAdmin(request);
  const settings = await requireSettings(shop);
  const read = readCampaignForm(await request.formData(), settings.timezone);
  if (!read.ok) return { errors: read.errors, formError: read.errors.form ?? null };
  const { intent, draft, schedule } = read.form;
  if (intent !== "save" && intent !== "schedule") return { errors: {}, formError: "Save the campaign first." };

  let id: string;
  try {
    id = (await createCampaign(shop, draft)).id;
  } catch (error) {
    if (!(error instanceof CampaignError)) throw error;
    return { errors: formErrorsOf(error), formError: error.problem === "invalid" ? null : error.message };
  }
  if (intent === "save") throw redirect(`/app/campaigns/${id}`);
  try {
    await scheduleCampaign(shop, id, schedule);
  } catch (error) {
    if (!(error instanceof CampaignError)) throw error;
    throw redirect(`/app/campaigns/${id}?${new URLSearchParams({ refused: error.message })}`);
  }
  throw redirect(`/app/campaigns/${id}`);
}

export default function NewCampaign() {
  const { shop, outlook } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const navigation = useNavigation();
  const submitting = navigation.state === "submitting" ? String(navigation.formData?.get("intent") ?? "") : null;
  return (
    <Page title="New campaign" backAction={{ content: "Campaigns", url: "/app/campaigns" }}>
      <CampaignEditor
        initial={{ name: "", body: "", discountCode: "", audience: EVERYONE, schedule: { mode: "now", at: "" } }}
        shop={shop}
        outlook={outlook}
        errors={result?.errors ?? {}}
        formError={result?.formError ?? null}
        submitting={submitting}
      />
    </Page>
  );
}

/** A shop that has not set up its program yet is led to Settings (the loader's 404 says why). */
export function ErrorBoundary() {
  return <AdminRouteError error={useRouteError()} notFoundHeading="Set up your SMS program first" back={{ content: "Go to Settings", url: "/app/settings" }} />;
}
