import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData, useRouteError } from "@remix-run/react";
import { Badge, BlockStack, Card, DataTable, EmptyState, Page, Text } from "@shopify/polaris";
import { listPrivacyRequests } from "~/compliance/privacy-requests.server";
import { customerNumberOf } from "~/compliance/privacy-webhooks";
import { FetchedDownloadButton } from "~/components/fetched-download";
import { AdminRouteError } from "~/components/route-error";
import { useFormat } from "~/components/use-format";
import { requireAdmin } from "~/shopify/require-admin.server";

export const meta: MetaFunction = () => [{ title: "Privacy requests · SMS Consent" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const { shop } = await requireAdmin(request);
  return { requests: await listPrivacyRequests(shop) };
}

const TOPIC_LABELS: Record<string, string> = {
  "customers/data_request": "Data request",
  "customers/redact": "Erasure",
  "shop/redact": "Shop erasure",
};

export default function PrivacyRequests() {
  const { requests } = useLoaderData<typeof loader>();
  const format = useFormat();
  return (
    <Page title="Privacy requests">
      <BlockStack gap="400">
        <Text as="p" tone="subdued">
          Shopify forwards your customers&apos; privacy requests here. Erasures are carried out as soon as they arrive. For a data
          request, download the customer&apos;s data and send it to them.
        </Text>
        <Card>
          {requests.length === 0 ? (
            <EmptyState
              heading="No privacy requests yet"
              image=""
              action={{ content: "See what consent records you keep", url: "/app/compliance" }}
              secondaryAction={{ content: "How Shopify forwards privacy requests", url: "https://shopify.dev/docs/apps/build/privacy-law-compliance", external: true }}
            >
              <p>
                When a customer asks Shopify for their data or its erasure, the request appears here: erasures are carried out at once, and a data
                request&apos;s file is ready to download.
              </p>
            </EmptyState>
          ) : (
            <DataTable
              columnContentTypes={["text", "text", "text", "text", "text"]}
              headings={["Received", "Request", "Customer", "Status", "Data"]}
              rows={requests.map((request) => [
                format.dateTime(request.receivedAt),
                TOPIC_LABELS[request.topic] ?? request.topic,
                customerNumberOf(request.shopifyCustomerId) ?? "—",
                request.completedAt ? (
                  <Badge key={request.id} tone="success">
                    Done
                  </Badge>
                ) : (
                  <Badge key={request.id} tone="attention">
                    In progress
                  </Badge>
                ),
                request.download ? <FetchedDownloadButton key={request.id} url={`/app/privacy/${encodeURIComponent(request.id)}/download`} fileName={request.download.fileName} label="Download JSON" /> : "—",
              ])}
            />
          )}
        </Card>
      </BlockStack>
    </Page>
  );
}

export function ErrorBoundary() {
  return <AdminRouteError error={useRouteError()} />;
}
