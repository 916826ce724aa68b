import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData, useRouteError } from "@remix-run/react";
import { Badge, BlockStack, Button, Card, DataTable, EmptyState, Page, Text } from "@shopify/polaris";
import { useState } from "react";
import { listPrivacyRequests } from "~/compliance/privacy-requests.server";
import { customerNumberOf } from "~/compliance/privacy-webhooks";
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
                request.download ? <DownloadButton key={request.id} id={request.id} fileName={request.download.fileName} /> : "—",
              ])}
            />
          )}
        </Card>
      </BlockStack>
    </Page>
  );
}

/**
 * Fetched rather than linked: in Shopify admin, App Bridge adds the session
 * token to the app's fetch requests, which a plain link would not carry.
 */
function DownloadButton({ id, fileName }: { id: string; fileName: string }) {
  const [state, setState] = useState<"idle" | "loading" | "failed">("idle");
  const download = async () => {
    setState("loading");
    try {
      const response = await fetch(`/app/privacy/${encodeURIComponent(id)}/download`);
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      const url = URL.createObjectURL(await response.blob());
      const link = document.createElement("a");
      link.href = url;
      link.download = fileName;
      document.body.append(link); // Firefox clicks only links that are in the document
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(url), 60_000);
      setState("idle");
    } catch {
      setState("failed");
    }
  };
  return (
    <Button onClick={download} loading={state === "loading"} tone={state === "failed" ? "critical" : undefined}>
      {state === "failed" ? "Download failed, retry" : "Download JSON"}
    </Button>
  );
}

export function ErrorBoundary() {
  return <AdminRouteError error={useRouteError()} />;
}
