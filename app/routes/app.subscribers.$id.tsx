import type { LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { BlockStack, Card, DataTable, Page, Text } from "@shopify/polaris";
import { requireRowId } from "~/http/route-params";
import { getSubscriberHistory } from "~/subscribers/subscribers.server";
import { StatusBadge } from "~/subscribers/status-badge";
import { requireAdmin } from "~/shopify/require-admin.server";

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { shop } = await requireAdmin(request);
  const notFound = "No such subscriber in this shop.";
  const history = await getSubscriberHistory(shop, requireRowId(params.id, notFound));
  if (!history) throw new Response(notFound, { status: 404 });
  return history;
}

function describeEvidence(evidence: Record<string, unknown>): string {
  return Object.entries(evidence)
    .map(([key, value]) => `${key}: ${String(value)}`)
    .join(" · ");
}

export default function SubscriberHistory() {
  const { subscriber, events } = useLoaderData<typeof loader>();
  return (
    <Page title={subscriber.phone} backAction={{ url: "/app/subscribers" }} titleMetadata={<StatusBadge status={subscriber.status} />}>
      <Card>
        <BlockStack gap="300">
          <Text as="h2" variant="headingMd">
            Consent history
          </Text>
          <Text as="p" tone="subdued">
            Every change, with its evidence, in the shop&apos;s tamper-evident ledger.
          </Text>
          <DataTable
            columnContentTypes={["numeric", "text", "text", "text", "text", "text"]}
            headings={["#", "When", "What", "Source", "Status", "Evidence"]}
            rows={events.map((event) => [
              event.seq,
              new Date(event.occurredAt).toLocaleString("en-US"),
              event.kind.replace(/_/g, " "),
              event.source,
              `${event.fromStatus ?? "new"} → ${event.toStatus}`,
              event.redactedAt ? "redacted" : describeEvidence(event.evidence),
            ])}
          />
        </BlockStack>
      </Card>
    </Page>
  );
}
