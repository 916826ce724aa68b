import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { Badge, BlockStack, Button, ButtonGroup, Card, DataTable, EmptyState, InlineGrid, InlineStack, Layout, Link, Page, Text } from "@shopify/polaris";
import polarisVizStyles from "@shopify/polaris-viz/build/esm/styles.css?url";
import { z } from "zod";
import { ListGrowthChart, RevenueChart } from "~/components/results-charts";
import { SetupChecklist, type TwilioSetupResult } from "~/components/setup-checklist";
import { getDashboard, type DashboardSummary } from "~/dashboard/summary.server";
import { GROWTH_SPANS } from "~/results/growth-span";
import { getChecklist } from "~/setup/checklist.server";
import { checkTwilioConnection, MESSAGE_SID, sendTestText, testTextStatus } from "~/setup/test-text.server";
import { requireAdmin } from "~/shopify/require-admin.server";

export const links = () => [{ rel: "stylesheet", href: polarisVizStyles }];

/** ?days=30 or ?days=90; anything else is the default, 30. */
const spanSchema = z.coerce.number().pipe(z.union([z.literal(GROWTH_SPANS[0]), z.literal(GROWTH_SPANS[1])])).catch(GROWTH_SPANS[0]);

export async function loader({ request }: LoaderFunctionArgs) {
  const { shop } = await requireAdmin(request);
  const span = spanSchema.parse(new URL(request.url).searchParams.get("days"));
  // A shop that has not set up its program yet gets the way to setup instead of figures; one that has, its checklist.
  const [dashboard, checklist] = await Promise.all([getDashboard(shop, span), getChecklist(shop)]);
  return { dashboard, checklist };
}

/** The checklist's Twilio step: check the connection, or send a test text to the merchant's own phone. */
const setupActionSchema = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("check-twilio") }),
  z.object({ intent: z.literal("test-text"), phone: z.string().trim().min(1, "Enter your mobile number").max(40, "That is too long for a phone number") }),
  z.object({ intent: z.literal("test-text-status"), sid: z.string().regex(MESSAGE_SID, "That is not a Twilio message SID") }),
]);

export async function action({ request }: ActionFunctionArgs): Promise<TwilioSetupResult> {
  const { shop } = await requireAdmin(request);
  const parsed = setupActionSchema.safeParse(Object.fromEntries(await request.formData()));
  if (!parsed.success) return { intent: "invalid", ok: false, message: parsed.error.issues.map((issue) => issue.message).join(". ") };
  if (parsed.data.intent === "check-twilio") return { intent: "check-twilio", ...(await checkTwilioConnection(shop)) };
  if (parsed.data.intent === "test-text-status") return { intent: "test-text-status", ...(await testTextStatus(shop, parsed.data.sid)) };
  const sent = await sendTestText(shop, parsed.data.phone);
  return { intent: "test-text", ok: sent.ok, message: sent.message, sid: sent.ok ? sent.sid : null };
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

function SetupEmptyState() {
  return (
    <Page title="SMS marketing">
      <Card>
        <EmptyState
          heading="Set up your SMS program"
          action={{ content: "Go to settings", url: "/app/settings" }}
          image="/favicon.svg"
        >
          <p>Add your brand name, support contact and Twilio number. Then subscribers, campaigns and what they earn show here.</p>
        </EmptyState>
      </Card>
    </Page>
  );
}

export default function Dashboard() {
  const { dashboard, checklist } = useLoaderData<typeof loader>();
  if (!dashboard) return <SetupEmptyState />;
  const { summary, growth } = dashboard;
  return (
    <Page title={`${summary.brandName} SMS`} subtitle="Consent you can prove, opt-outs you can show.">
      <Layout>
        {checklist ? (
          <Layout.Section>
            <SetupChecklist checklist={checklist} />
          </Layout.Section>
        ) : null}
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
          <InlineStack align="space-between" blockAlign="center">
            <Text as="h2" variant="headingMd">
              Last {growth.span} days
            </Text>
            <ButtonGroup variant="segmented">
              {GROWTH_SPANS.map((span) => (
                <Button key={span} url={`/app?days=${span}`} pressed={growth.span === span} id={`span-${span}`}>
                  {`${span} days`}
                </Button>
              ))}
            </ButtonGroup>
          </InlineStack>
        </Layout.Section>
        <Layout.Section>
          <InlineGrid columns={{ xs: 1, md: 2 }} gap="400">
            <Card>
              <BlockStack gap="300">
                <Text as="h2" variant="headingMd">
                  List growth: opt-ins by source, and opt-outs
                </Text>
                <ListGrowthChart days={growth.list.days} sources={growth.list.sources} />
              </BlockStack>
            </Card>
            <Card>
              <BlockStack gap="300">
                <Text as="h2" variant="headingMd">
                  Revenue credited to campaigns
                </Text>
                <RevenueChart days={growth.revenue.days} currencies={growth.revenue.currencies} />
              </BlockStack>
            </Card>
          </InlineGrid>
        </Layout.Section>
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
                  <Link key={`${campaign.id}-name`} url={`/app/campaigns/${campaign.id}/results`}>
                    {campaign.name}
                  </Link>,
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
