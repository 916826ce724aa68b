import { BlockStack, Card, DataTable, InlineGrid, ProgressBar, Text } from "@shopify/polaris";
import type { CampaignProgress } from "~/campaigns/campaigns.server";
import { SKIP_REASON_WORDS } from "./skip-reasons";
import { useFormat } from "./use-format";

function Figure({ label, value, id }: { label: string; value: number; id: string }) {
  const { count } = useFormat();
  return (
    <BlockStack gap="100">
      <Text as="h3" variant="headingSm" tone="subdued">
        {label}
      </Text>
      <Text as="p" variant="headingLg" id={id}>
        {count(value)}
      </Text>
    </BlockStack>
  );
}

/** Where each planned text of a campaign is: waiting, out, delivered, failed, held back (and why), or unknown. */
export function CampaignProgressCard({ progress }: { progress: CampaignProgress }) {
  const { count } = useFormat();
  const { byStatus: s, total } = progress;
  const waiting = s.queued + s.sending;
  const delivered = s.delivered;
  const failed = s.failed + s.undelivered;
  const held = s.skipped + s.suppressed + s.cancelled;
  const finished = total - waiting - s.unknown;
  const rows: [string, number][] = [
    ["Waiting to send", s.queued],
    ["With Twilio", s.sending],
    ["Sent, awaiting delivery report", s.sent],
    ["Delivered", delivered],
    ["Not delivered (carrier)", s.undelivered],
    ["Failed", s.failed],
    ...Object.entries(progress.skippedBy).map(([reason, value]): [string, number] => [`Skipped: ${SKIP_REASON_WORDS[reason] ?? reason.replace(/_/g, " ")}`, value]),
    ["Not sent: no longer subscribed", s.suppressed],
    ["Cancelled", s.cancelled],
    ["Unknown (a worker stopped mid-send; never re-sent)", s.unknown],
    ["Moved out of the recipient's quiet hours", progress.deferredByQuietHours],
  ];
  return (
    <Card>
      <BlockStack gap="400">
        <Text as="h2" variant="headingMd">
          Progress
        </Text>
        {total === 0 ? (
          <Text as="p" tone="subdued">
            No texts planned yet: planning starts at the send time.
          </Text>
        ) : (
          <>
            <ProgressBar progress={Math.round((100 * finished) / total)} tone={finished === total ? "success" : "primary"} size="small" />
            <InlineGrid columns={{ xs: 2, md: 5 }} gap="400">
              <Figure label="Planned" value={total} id="progress-total" />
              <Figure label="Waiting" value={waiting} id="progress-waiting" />
              <Figure label="Delivered" value={delivered} id="progress-delivered" />
              <Figure label="Failed" value={failed} id="progress-failed" />
              <Figure label="Held back" value={held} id="progress-held" />
            </InlineGrid>
            <DataTable
              columnContentTypes={["text", "numeric"]}
              headings={["Texts", "Count"]}
              rows={rows.filter(([, value]) => value > 0).map(([label, value]) => [label, count(value)])}
            />
          </>
        )}
      </BlockStack>
    </Card>
  );
}
