// $id_ (not $id): the page is not nested in the campaign page's layout (that route has no <Outlet />); the URL is still /app/campaigns/:id/results.
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData, useRouteError } from "@remix-run/react";
import { Layout, Page } from "@shopify/polaris";
import polarisVizStyles from "@shopify/polaris-viz/build/esm/styles.css?url";
import { ActivityCard, EngagementFigures, NotSentAndFailures, RevenueCard, TextFigures } from "~/components/campaign-results-view";
import { AdminRouteError } from "~/components/route-error";
import { requireRowId } from "~/http/route-params";
import { getCampaignResults } from "~/results/campaign-results.server";
import { requireAdmin } from "~/shopify/require-admin.server";

export const links = () => [{ rel: "stylesheet", href: polarisVizStyles }];

const NOT_FOUND = "No such campaign in this shop.";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data ? `Results: ${data.results.campaign.name} · SMS Consent` : "Results · SMS Consent" }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { shop } = await requireAdmin(request);
  const results = await getCampaignResults(shop, requireRowId(params.id, NOT_FOUND));
  if (!results) throw new Response(NOT_FOUND, { status: 404 });
  return { results };
}

export default function CampaignResultsPage() {
  const { results } = useLoaderData<typeof loader>();
  return (
    <Page title={`Results: ${results.campaign.name}`} backAction={{ content: "Campaign", url: `/app/campaigns/${results.campaign.id}` }}>
      <Layout>
        <Layout.Section>
          <TextFigures results={results} />
        </Layout.Section>
        <Layout.Section>
          <EngagementFigures results={results} />
        </Layout.Section>
        <Layout.Section>
          <RevenueCard results={results} />
        </Layout.Section>
        <Layout.Section>
          <ActivityCard results={results} />
        </Layout.Section>
        <Layout.Section>
          <NotSentAndFailures results={results} />
        </Layout.Section>
      </Layout>
    </Page>
  );
}

export function ErrorBoundary() {
  return <AdminRouteError error={useRouteError()} back={{ content: "All campaigns", url: "/app/campaigns" }} />;
}
