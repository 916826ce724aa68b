/**
 * The campaign results page's cards: every figure of getCampaignResults
 * (app/results/campaign-results.server.ts) as the merchant reads it.
 */
import { BlockStack, Card, DataTable, InlineGrid, Text } from "@shopify/polaris";
import type { SerializeFrom } from "@remix-run/node";
import type { CampaignResults } from "~/results/campaign-results.server";
import { ActivityChart } from "./results-charts";
import { SKIP_REASON_WORDS } from "./skip-reasons";
import { useFormat } from "./use-format";

export type CampaignResultsData = SerializeFrom<CampaignResults>;


/** Why a text never went out, in the merchant's words. */
function notSentLabel(status: string, reason: string): string {
  if (reason === "not_subscribed") return "Not sent: no longer subscribed";
  if (reason === "cancelled") return "Cancelled before sending";
  return `${status === "skipped" ? "Skipped" : "Not sent"}: ${SKIP_REASON_WORDS[reason] ?? reason.replace(/_/g, " ")}`;
}

function Figure({ label, value, id, help }: { label: string; value: string; id: string; help?: string }) {
  return (
    <Card>
      <BlockStack gap="100">
        <Text as="h3" variant="headingSm" tone="subdued">
          {label}
        </Text>
        <Text as="p" variant="headingLg" id={id}>
          {value}
        </Text>
        {help ? (
          <Text as="p" variant="bodySm" tone="subdued">
            {help}
          </Text>
        ) : null}
      </BlockStack>
    </Card>
  );
}

export function TextFigures({ results }: { results: CampaignResultsData }) {
  const { count } = useFormat();
  return (
    <InlineGrid columns={{ xs: 2, md: 5 }} gap="300">
      <Figure label="Planned" value={count(results.planned)} id="figure-planned" help="One text per recipient" />
      <Figure label="Sent" value={count(results.sent)} id="figure-sent" help="Taken by the carrier" />
      <Figure label="Delivered" value={count(results.delivered)} id="figure-delivered" />
      <Figure label="Unknown" value={count(results.unknown)} id="figure-unknown" help="A worker stopped mid-send; never re-sent" />
      <Figure label="Deferred for quiet hours" value={count(results.deferredForQuietHours)} id="figure-deferred" help="Moved to the recipient's next allowed hour" />
    </InlineGrid>
  );
}

export function EngagementFigures({ results }: { results: CampaignResultsData }) {
  const { count, percent } = useFormat();
  return (
    <InlineGrid columns={{ xs: 2, md: 4 }} gap="300">
      <Figure label="Clicks" value={count(results.clicks)} id="figure-clicks" help="Link previews and bots are not counted" />
      <Figure label="Unique clickers" value={count(results.uniqueClickers)} id="figure-unique-clickers" />
      <Figure label="Click rate" value={percent(results.clickRate)} id="figure-click-rate" help="Unique clickers ÷ delivered" />
      <Figure label="Opt-outs within 24 hours" value={count(results.optOutsWithin24Hours)} id="figure-opt-outs" help="STOP (or a carrier opt-out) within 24 hours of delivery" />
    </InlineGrid>
  );
}

export function NotSentAndFailures({ results }: { results: CampaignResultsData }) {
  const { count } = useFormat();
  const notSent = results.notSent.map((group) => [notSentLabel(group.status, group.reason), count(group.count)]);
  const failed = results.failed.map((group) => [group.errorCode === null ? "—" : String(group.errorCode), group.meaning, count(group.count)]);
  // One under the other: the meanings of failure codes need the page's width.
  return (
    <BlockStack gap="300">
      <Card>
        <BlockStack gap="200">
          <Text as="h2" variant="headingMd">
            Not sent
          </Text>
          {notSent.length > 0 ? (
            <DataTable columnContentTypes={["text", "numeric"]} headings={["Reason", "Texts"]} rows={notSent} />
          ) : (
            <Text as="p" tone="subdued">
              Every planned text was sent or is on its way.
            </Text>
          )}
        </BlockStack>
      </Card>
      <Card>
        <BlockStack gap="200">
          <Text as="h2" variant="headingMd">
            Failed
          </Text>
          {failed.length > 0 ? (
            <DataTable columnContentTypes={["text", "text", "numeric"]} headings={["Error", "Meaning", "Texts"]} rows={failed} />
          ) : (
            <Text as="p" tone="subdued">
              No text has failed.
            </Text>
          )}
        </BlockStack>
      </Card>
    </BlockStack>
  );
}

export function RevenueCard({ results }: { results: CampaignResultsData }) {
  const { revenue } = results;
  const { count, money, decimal, dollarsFromMicros } = useFormat();
  const rows = [
    ...revenue.click.map((row) => ["Credited by click", row.currency, count(row.orders), money(row.revenueMinor, row.currency)]),
    ...revenue.delivery.map((row) => ["Credited by delivery", row.currency, count(row.orders), money(row.revenueMinor, row.currency)]),
    ...revenue.total.map((row) => ["Total", row.currency, count(row.orders), money(row.revenueMinor, row.currency)]),
  ];
  const returns = results.returns.map((row) => [
    row.currency,
    row.revenuePerTextMinor === null ? "—" : money(row.revenuePerTextMinor, row.currency, { extraDigits: 2 }),
    row.returnOnCost === null ? "—" : `${decimal(row.returnOnCost)}×`,
  ]);
  return (
    <Card>
      <BlockStack gap="300">
        <Text as="h2" variant="headingMd">
          Orders and revenue
        </Text>
        <Text as="p" tone="subdued" id="attribution-rule">
          {results.attributionRule}
        </Text>
        {rows.length > 0 ? (
          <div id="revenue-table">
            <DataTable columnContentTypes={["text", "text", "numeric", "numeric"]} headings={["Attribution", "Currency", "Orders", "Revenue (net of refunds)"]} rows={rows} />
          </div>
        ) : (
          <Text as="p" id="revenue-none">
            No order has been credited to this campaign yet.
          </Text>
        )}
        <InlineGrid columns={{ xs: 1, md: 2 }} gap="300">
          <BlockStack gap="100">
            <Text as="h3" variant="headingSm" tone="subdued">
              Cost
            </Text>
            <Text as="p" variant="headingLg" id="figure-cost">
              {dollarsFromMicros(results.costMicros)}
            </Text>
            <Text as="p" variant="bodySm" tone="subdued">
              {count(results.segmentsSent)} segments sent × the shop&apos;s price per segment
            </Text>
          </BlockStack>
          {returns.length > 0 ? (
            <DataTable columnContentTypes={["text", "numeric", "numeric"]} headings={["Currency", "Revenue per text", "Return on cost"]} rows={returns} />
          ) : null}
        </InlineGrid>
        <Text as="p" variant="bodySm" tone="subdued">
          Return on cost is shown for US dollars only: the price of a segment is in US dollars and the app keeps no exchange rates.
        </Text>
      </BlockStack>
    </Card>
  );
}

export function ActivityCard({ results }: { results: CampaignResultsData }) {
  return (
    <Card>
      <BlockStack gap="300">
        <Text as="h2" variant="headingMd">
          {results.activity.unit === "hour" ? "Per hour" : "Per day"}: deliveries, clicks and orders
        </Text>
        <ActivityChart points={results.activity.points} unit={results.activity.unit} />
      </BlockStack>
    </Card>
  );
}
