import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData, useRouteError } from "@remix-run/react";
import { Card, EmptyState, IndexTable, Page, Text } from "@shopify/polaris";
import { listCampaigns } from "~/campaigns/campaigns.server";
import { readCampaignStatus } from "~/campaigns/campaign-status";
import { CampaignStatusBadge } from "~/components/campaign-status-badge";
import type { LocaleFormat } from "~/components/locale-format";
import { AdminRouteError } from "~/components/route-error";
import { useFormat } from "~/components/use-format";
import { requireAdmin } from "~/shopify/require-admin.server";

export const meta: MetaFunction = () => [{ title: "Campaigns · SMS Consent" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const { shop } = await requireAdmin(request);
  return { campaigns: await listCampaigns(shop) };
}

/** A local send time is a wall time in each recipient's zone, not one instant: shown as the merchant chose it. */
function sendTime(campaign: { scheduleMode: string; scheduledAt: string | Date | null; localSendTime: string | null }, format: LocaleFormat): string {
  if (campaign.scheduleMode === "recipient_local" && campaign.localSendTime) return `${format.wallTime(campaign.localSendTime)}, recipients' local time`;
  return campaign.scheduledAt ? format.dateTime(campaign.scheduledAt) : "—";
}

export default function Campaigns() {
  const { campaigns } = useLoaderData<typeof loader>();
  const format = useFormat();
  const count = format.count;
  return (
    <Page title="Campaigns" primaryAction={{ content: "Create campaign", url: "/app/campaigns/new" }}>
      <Card padding={campaigns.length === 0 ? undefined : "0"}>
        {campaigns.length === 0 ? (
          <EmptyState heading="No campaigns yet" image="" action={{ content: "Create campaign", url: "/app/campaigns/new" }}>
            <p>Campaigns go only to numbers that are subscribed when each text is sent.</p>
          </EmptyState>
        ) : (
          <IndexTable
            itemCount={campaigns.length}
            selectable={false}
            headings={[{ title: "Campaign" }, { title: "Status" }, { title: "Send time" }, { title: "Recipients", alignment: "end" }, { title: "Delivered", alignment: "end" }, { title: "Failed", alignment: "end" }]}
          >
            {campaigns.map((campaign, index) => (
              <IndexTable.Row id={campaign.id} key={campaign.id} position={index}>
                <IndexTable.Cell>
                  <Link to={`/app/campaigns/${campaign.id}`}>{campaign.name}</Link>
                </IndexTable.Cell>
                <IndexTable.Cell>
                  <CampaignStatusBadge status={readCampaignStatus(campaign.status)} />
                </IndexTable.Cell>
                <IndexTable.Cell>
                  <Text as="span" tone="subdued">
                    {sendTime(campaign, format)}
                  </Text>
                </IndexTable.Cell>
                <IndexTable.Cell>
                  <Text as="span" alignment="end" numeric>
                    {count(campaign.recipients)}
                  </Text>
                </IndexTable.Cell>
                <IndexTable.Cell>
                  <Text as="span" alignment="end" numeric>
                    {count(campaign.delivered)}
                  </Text>
                </IndexTable.Cell>
                <IndexTable.Cell>
                  <Text as="span" alignment="end" numeric>
                    {count(campaign.failed)}
                  </Text>
                </IndexTable.Cell>
              </IndexTable.Row>
            ))}
          </IndexTable>
        )}
      </Card>
    </Page>
  );
}

export function ErrorBoundary() {
  return <AdminRouteError error={useRouteError()} />;
}
