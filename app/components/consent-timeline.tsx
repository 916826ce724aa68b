import { Link as RemixLink } from "@remix-run/react";
import { Badge, BlockStack, Box, Button, ButtonGroup, Card, InlineStack, Link, Text } from "@shopify/polaris";
import { useMemo, useState } from "react";
import {
  buildTimeline,
  type DisclosureRef,
  type TimelineConsentEvent,
  type TimelineEntry,
  type TimelineInbound,
  type TimelineMessage,
} from "~/subscribers/timeline";
import { SKIP_REASON_WORDS } from "./skip-reasons";
import { useFormat } from "./use-format";

export interface ConsentTimelineProps {
  subscriberId: string;
  events: TimelineConsentEvent[];
  messages: TimelineMessage[];
  inbound: TimelineInbound[];
  consentTexts: TimelineInbound[];
  disclosures: DisclosureRef[];
  retentionDays: number;
  moreEvents: boolean;
  /** Texts older than those shown, and the link that shows more of them. */
  textsNotShown: number;
  moreTextsUrl: string | null;
}

const TYPE_LABELS: Record<TimelineEntry["type"], string> = { consent: "Consent", sent: "Text sent", received: "Text received" };

/**
 * The subscriber's story, one sentence per event (app/subscribers/timeline.ts),
 * newest or oldest first. The raw record behind each sentence (evidence,
 * ledger seq and hash) is one click away, and so is the disclosure text seen.
 */
export function ConsentTimeline(props: ConsentTimelineProps) {
  const format = useFormat();
  const [order, setOrder] = useState<"newest" | "oldest">("newest");
  const entries = useMemo(
    () =>
      buildTimeline(
        { events: props.events, messages: props.messages, inbound: props.inbound, consentTexts: props.consentTexts },
        {
          when: format.dateTime,
          disclosures: new Map(props.disclosures.map((disclosure) => [disclosure.id, disclosure])),
          retentionDays: props.retentionDays,
          skipReasonWords: SKIP_REASON_WORDS,
        },
      ),
    [props.events, props.messages, props.inbound, props.consentTexts, props.disclosures, props.retentionDays, format],
  );
  const shown = order === "newest" ? [...entries].reverse() : entries;
  const olderTexts =
    props.textsNotShown > 0 ? (
      <li key="older-texts">
        <Box padding="300" background="bg-surface-secondary" borderRadius="200">
          <InlineStack gap="300" blockAlign="center">
            <Text as="span" tone="subdued">
              {format.count(props.textsNotShown)} older {props.textsNotShown === 1 ? "text is" : "texts are"} not shown here; every consent event is.
            </Text>
            {props.moreTextsUrl ? (
              <RemixLink to={props.moreTextsUrl} preventScrollReset>
                Show older texts
              </RemixLink>
            ) : null}
          </InlineStack>
        </Box>
      </li>
    ) : null;

  return (
    <Card>
      <BlockStack gap="400">
        <InlineStack align="space-between" blockAlign="center" gap="300">
          <BlockStack gap="100">
            <Text as="h2" variant="headingMd">
              Timeline
            </Text>
            <Text as="p" tone="subdued">
              Every consent event in the shop&apos;s tamper-evident ledger, and the texts sent and received, in the shop&apos;s time zone.
            </Text>
          </BlockStack>
          <ButtonGroup variant="segmented">
            <Button pressed={order === "newest"} onClick={() => setOrder("newest")}>
              Newest first
            </Button>
            <Button pressed={order === "oldest"} onClick={() => setOrder("oldest")}>
              Oldest first
            </Button>
          </ButtonGroup>
        </InlineStack>
        {props.moreEvents ? (
          <Text as="p" tone="caution">
            This number has more consent events than one page shows; the compliance page&apos;s consent records hold them all.
          </Text>
        ) : null}
        {entries.length === 0 ? (
          <Text as="p" tone="subdued">
            Nothing recorded yet.
          </Text>
        ) : (
          <ol id="consent-timeline" aria-label="Timeline" style={{ listStyle: "none", margin: 0, padding: 0, display: "grid", gap: "var(--p-space-300)" }}>
            {order === "oldest" ? olderTexts : null}
            {shown.map((entry) => (
              <li key={entry.key} data-entry-type={entry.type}>
                <TimelineItem entry={entry} subscriberId={props.subscriberId} />
              </li>
            ))}
            {order === "newest" ? olderTexts : null}
          </ol>
        )}
      </BlockStack>
    </Card>
  );
}

function TimelineItem({ entry, subscriberId }: { entry: TimelineEntry; subscriberId: string }) {
  return (
    <Box padding="300" borderWidth="025" borderColor="border" borderRadius="200">
      <BlockStack gap="200">
        <InlineStack gap="200" blockAlign="start" wrap={false}>
          <div style={{ flexShrink: 0 }}>
            <Badge tone={entry.tone ?? (entry.type === "consent" ? "info" : undefined)}>{TYPE_LABELS[entry.type]}</Badge>
          </div>
          <Text as="p">{entry.sentence}</Text>
        </InlineStack>
        {entry.quote ? (
          <Box paddingInlineStart="400">
            <Text as="p" tone="subdued">
              {entry.quote}
            </Text>
          </Box>
        ) : null}
        <InlineStack gap="400" blockAlign="center">
          {entry.disclosure ? (
            <Link url={`/app/disclosures/${entry.disclosure.id}?subscriber=${subscriberId}`}>{entry.disclosure.label}</Link>
          ) : null}
        </InlineStack>
        <details>
          <summary style={{ cursor: "pointer" }}>
            <Text as="span" variant="bodySm">
              {entry.type === "consent" ? "Evidence, ledger seq and hash" : "Details"}
            </Text>
          </summary>
          <Box paddingBlockStart="200">
            <dl style={{ display: "grid", gridTemplateColumns: "minmax(8rem, max-content) 1fr", gap: "var(--p-space-100) var(--p-space-300)", margin: 0 }}>
              {entry.details.map((detail, index) => (
                <div key={`${detail.label}-${index}`} style={{ display: "contents" }}>
                  <dt>
                    <Text as="span" variant="bodySm" fontWeight="semibold">
                      {detail.label}
                    </Text>
                  </dt>
                  <dd style={{ margin: 0, overflowWrap: "anywhere" }}>
                    <Text as="span" variant="bodySm">
                      {detail.value}
                    </Text>
                  </dd>
                </div>
              ))}
            </dl>
          </Box>
        </details>
      </BlockStack>
    </Box>
  );
}
