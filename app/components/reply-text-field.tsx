import { BlockStack, List, Text, TextField } from "@shopify/polaris";
import type { SegmentCount } from "~/messaging/segments";
import { REPLY_TEXT_LABELS, type ReplyTextCheck } from "~/setup/reply-text-checks";

/** A text as it shows on a phone: a grey bubble, and what it costs in segments. */
export function PhoneBubble({ text, segments, label, id }: { text: string; segments: SegmentCount; label: string; id?: string }) {
  return (
    <BlockStack gap="100">
      <div
        role="img"
        aria-label={`${label} as a text message: ${text}`}
        id={id}
        style={{
          maxWidth: 340,
          background: "#e9e9eb",
          color: "#1c1c1e",
          borderRadius: 18,
          padding: "8px 12px",
          whiteSpace: "pre-wrap",
          overflowWrap: "anywhere",
          fontSize: 14,
          lineHeight: 1.35,
        }}
      >
        {text || " "}
      </div>
      <Text as="p" variant="bodySm" tone="subdued">
        {`${segments.segments} ${segments.segments === 1 ? "segment" : "segments"} · ${segments.characters} characters · ${segments.encoding}`}
      </Text>
    </BlockStack>
  );
}

/**
 * One of the three reply texts the merchant may word: the field, the CTIA
 * findings as they type (each with its fix), what the app adds, and the text
 * as subscribers get it.
 */
export function ReplyTextField({
  name,
  value,
  onChange,
  check,
  error,
}: {
  name: string;
  value: string;
  onChange: (value: string) => void;
  check: ReplyTextCheck;
  error?: string;
}) {
  const label = REPLY_TEXT_LABELS[check.kind];
  return (
    <BlockStack gap="200">
      <TextField
        label={`${label} (optional)`}
        name={name}
        multiline={2}
        value={value}
        onChange={onChange}
        autoComplete="off"
        error={error}
        helpText="Leave empty to send the app's own wording, shown below. {brand} and {support} are filled in."
      />
      <div aria-live="polite" id={`${name}-checks`}>
        <BlockStack gap="100">
          {check.findings.length === 0 ? (
            <Text as="p" tone="success">
              Meets the CTIA content rules.
            </Text>
          ) : (
            <List type="bullet">
              {check.findings.map((finding) => (
                <List.Item key={finding.rule}>
                  <Text as="span" tone={finding.severity === "error" ? "critical" : "caution"} fontWeight="semibold">
                    {finding.message}
                  </Text>{" "}
                  <Text as="span">{`Fix: ${finding.fix}`}</Text>
                </List.Item>
              ))}
            </List>
          )}
          {check.added.length > 0 ? (
            <Text as="p" tone="subdued">
              {`The app adds ${check.added.join(" and ")}.`}
            </Text>
          ) : null}
        </BlockStack>
      </div>
      <PhoneBubble text={check.sent} segments={check.segments} label={label} id={`${name}-preview`} />
    </BlockStack>
  );
}
