import type { LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { Badge, Card, DataTable, EmptyState, Page } from "@shopify/polaris";
import { listCampaigns } from "~/campaigns/campaigns.server";
import { requireAdmin } from "~/shopify/require-admin.server";

export async function loader({ request }: LoaderFunctionArgs) {
  const { shop } = await requireAdmin(request);
  return { campaigns: await listCampaigns(shop) };
}

export default function Campaigns() {
  const { campaigns } = useLoaderData<typeof loader>();
  return (
    <Page title="Campaigns">
      <Card>
        {campaigns.length === 0 ? (
          <EmptyState heading="No campaigns yet" image="">
            <p>Campaigns go only to numbers that are subscribed when each text is sent.</p>
          </EmptyState>
        ) : (
          <DataTable
            columnContentTypes={["text", "text", "numeric", "numeric", "numeric"]}
            headings={["Campaign", "Status", "Recipients", "Delivered", "Failed"]}
            rows={campaigns.map((campaign) => [
              campaign.name,
              <Badge key={campaign.id}>{campaign.status}</Badge>,
              campaign.recipients,
              campaign.delivered,
              campaign.failed,
            ])}
          />
        )}
      </Card>
    </Page>
  );
}
