import type { LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { Badge, BlockStack, Card, DataTable, InlineGrid, Layout, Page, Text } from "@shopify/polaris";
import { getDashboardSummary, type DashboardSummary } from "~/dashboard/summary.server";
import { requireAdmin } from "~/shopify/require-admin.server";

export async function loader({ request }: LoaderFunctionArgs) {
  const { shop } = await requireAdmin(request);
  const summary = await getDashboardSummary(shop);
  if (!summary) throw new Response("This shop has not finished setting up the SMS program.", { status: 404 });
  return { summary };
}

function Metric({ label, value, testId }: { label: string; value: number; testId: string }) {
  return (
    <Card>
      <BlockStack gap="100">
        <Text as="h3" variant="headingSm" tone="subdued">
          {label}
        </Text>
        <Text as="p" variant="heading2xl" id={testId}>
          {value.toLocaleString("en-US")}
        </Text>
      </BlockStack>
    </Card>
  );
}

function metricRows({ subscribers, last30Days }: Pick<DashboardSummary, "subscribers" | "last30Days">) {
  return [
    [
      { label: "Subscribed", value: subscribers.subscribed, testId: "metric-subscribed" },
      { label: "Pending confirmation", value: subscribers.pending, testId: "metric-pending" },
      { label: "Unsubscribed", value: subscribers.unsubscribed, testId: "metric-unsubscribed" },
      { label: "All numbers", value: subscribers.total, testId: "metric-total" },
    ],
    [
      { label: "Opt-ins, last 30 days", value: last30Days.optIns, testId: "metric-optins-30d" },
      { label: "Opt-outs, last 30 days", value: last30Days.optOuts, testId: "metric-optouts-30d" },
      { label: "Texts sent, last 30 days", value: last30Days.messagesSent, testId: "metric-sent-30d" },
      { label: "Delivered, last 30 days", value: last30Days.messagesDelivered, testId: "metric-delivered-30d" },
    ],
  ];
}

export default function Dashboard() {
  const { summary } = useLoaderData<typeof loader>();
  return (
    <Page title={`${summary.brandName} SMS`} subtitle="Consent you can prove, opt-outs you can show.">
      <Layout>
        {metricRows(summary).map((row, index) => (
          <Layout.Section key={index}>
            <InlineGrid columns={{ xs: 2, md: 4 }} gap="400">
              {row.map((metric) => (
                <Metric key={metric.testId} {...metric} />
              ))}
            </InlineGrid>
          </Layout.Section>
        ))}
        <Layout.Section>
          <Card>
            <BlockStack gap="300">
              <Text as="h2" variant="headingMd">
                Recent campaigns
              </Text>
              <DataTable
                columnContentTypes={["text", "text", "numeric", "numeric"]}
                headings={["Campaign", "Status", "Recipients", "Delivered"]}
                rows={summary.campaigns.map((campaign) => [
                  campaign.name,
                  <Badge key={campaign.id}>{campaign.status}</Badge>,
                  campaign.recipients,
                  campaign.delivered,
                ])}
              />
            </BlockStack>
          </Card>
        </Layout.Section>
      </Layout>
    </Page>
  );
}
