import { Banner, BlockStack, Box, Card, InlineStack, List, Text } from "@shopify/polaris";
import type { LintFinding } from "~/campaigns/campaign-lint";
import { describeUcs2Culprit, type SegmentCount, type Ucs2Culprit } from "~/messaging/segments";
import type { LocaleFormat } from "./locale-format";
import { useFormat } from "./use-format";

const plural = (format: LocaleFormat, value: number, noun: string) => `${format.count(value)} ${noun}${value === 1 ? "" : "s"}`;

/** The live counter under the message box: characters, encoding, segments, room left in the last segment. */
export function SegmentCounter({ segments }: { segments: SegmentCount }) {
  const format = useFormat();
  return (
    <Text as="p" tone="subdued" id="segment-counter">
      {plural(format, segments.characters, "character")} as sent (with brand name and opt-out line) · {segments.encoding} · {plural(format, segments.segments, "segment")} ·{" "}
      {format.count(segments.remainingInSegment)} left in this segment
    </Text>
  );
}

/** One sentence per character that forces UCS-2, saying what it costs and how to get rid of it. */
export function Ucs2Culprits({ culprits, segments }: { culprits: Ucs2Culprit[]; segments: number }) {
  if (culprits.length === 0) return null;
  return (
    <Banner tone="warning" title="Characters that make this text cost more">
      <List>
        {culprits.map((culprit) => (
          <List.Item key={culprit.character}>{describeUcs2Culprit(culprit, segments, culprit.segmentsIfFixed)}</List.Item>
        ))}
      </List>
    </Banner>
  );
}

/** The compliance lint: errors block sending, warnings inform; each says the rule and the fix. */
export function LintFindings({ findings }: { findings: LintFinding[] }) {
  if (findings.length === 0) {
    return (
      <Banner tone="success" title="No compliance problems found">
        <p>Brand name, opt-out wording, links and content all pass the checks carriers apply.</p>
      </Banner>
    );
  }
  return (
    <BlockStack gap="200">
      {findings.map((finding) => (
        <Banner key={`${finding.rule}:${finding.message}`} tone={finding.severity === "error" ? "critical" : "warning"} title={finding.message}>
          <p>{finding.fix}</p>
        </Banner>
      ))}
    </BlockStack>
  );
}

export interface PreviewRecipient {
  firstName: string | null;
  phone: string;
}

/** The text as one real subscriber of the audience would get it. */
export function MessagePreview({ rendered, recipient }: { rendered: string; recipient: PreviewRecipient | null }) {
  return (
    <Card>
      <BlockStack gap="200">
        <Text as="h3" variant="headingSm">
          Preview
        </Text>
        <Text as="p" tone="subdued">
          {recipient ? `As ${recipient.firstName ?? "a subscriber with no first name"} (…${recipient.phone.slice(-4)}) will get it` : "No subscriber in this audience yet: shown with the fallbacks"}
        </Text>
        <Box background="bg-surface-secondary" padding="300" borderRadius="300">
          <Text as="p" id="message-preview">
            <span style={{ whiteSpace: "pre-wrap", overflowWrap: "anywhere" }}>{rendered}</span>
          </Text>
        </Box>
      </BlockStack>
    </Card>
  );
}

/** Segments × recipients × the shop's price per segment. */
export function CostEstimate({ segments, recipients, segmentPriceMicros }: { segments: number; recipients: number | null; segmentPriceMicros: number }) {
  const format = useFormat();
  if (recipients === null) {
    return (
      <Text as="p" tone="subdued">
        Counting the audience…
      </Text>
    );
  }
  return (
    <InlineStack gap="200" blockAlign="baseline">
      <Text as="p" variant="headingMd" id="audience-count">
        {plural(format, recipients, "recipient")}
      </Text>
      <Text as="p" id="cost-estimate">
        Estimated cost {format.dollarsFromMicros(segments * recipients * segmentPriceMicros)} ({plural(format, segments, "segment")} × {format.count(recipients)} ×{" "}
        {format.unitPriceFromMicros(segmentPriceMicros)})
      </Text>
    </InlineStack>
  );
}
