import { useSubmit } from "@remix-run/react";
import { BlockStack, Box, Button, Card, InlineStack, Modal, Text } from "@shopify/polaris";
import { useState } from "react";
import type { AudienceFilter } from "~/campaigns/audience";
import type { CampaignStatus } from "~/campaigns/campaign-status";
import { describeAudience } from "./audience-picker";
import type { LocaleFormat } from "./locale-format";
import { useFormat } from "./use-format";

type ControlIntent = "pause" | "resume" | "cancel";

/**
 * Pause, resume and cancel, as the campaign's status allows. Cancelling asks
 * first: queued texts are dropped for good, sent ones stay sent.
 */
export function CampaignControls({ status, submitting, inline = false }: { status: CampaignStatus; submitting: string | null; inline?: boolean }) {
  const submit = useSubmit();
  const [confirming, setConfirming] = useState(false);
  const send = (intent: ControlIntent) => submit({ intent }, { method: "post" });
  const cancellable = status === "draft" || status === "scheduled" || status === "sending" || status === "paused";
  if (!cancellable) return null;

  const buttons = (
    <InlineStack gap="300">
      {status === "sending" ? (
        <Button onClick={() => send("pause")} loading={submitting === "pause"}>
          Pause
        </Button>
      ) : null}
      {status === "paused" ? (
        <Button variant="primary" onClick={() => send("resume")} loading={submitting === "resume"}>
          Resume
        </Button>
      ) : null}
      <Button tone="critical" onClick={() => setConfirming(true)} loading={submitting === "cancel"}>
        Cancel campaign
      </Button>
    </InlineStack>
  );
  const dialog = (
    <Modal
      open={confirming}
      onClose={() => setConfirming(false)}
      title="Cancel this campaign?"
      primaryAction={{
        content: "Cancel campaign",
        destructive: true,
        onAction: () => {
          setConfirming(false);
          send("cancel");
        },
      }}
      secondaryActions={[{ content: "Keep it", onAction: () => setConfirming(false) }]}
    >
      <Modal.Section>
        <Text as="p">Texts still waiting to go out will never be sent. Texts already sent cannot be called back. This cannot be undone.</Text>
      </Modal.Section>
    </Modal>
  );
  if (inline) {
    return (
      <>
        {buttons}
        {dialog}
      </>
    );
  }
  return (
    <Card>
      <BlockStack gap="300">
        <Text as="h2" variant="headingMd">
          Control
        </Text>
        {buttons}
      </BlockStack>
      {dialog}
    </Card>
  );
}

const SCHEDULE_WORDS = {
  now: () => "Sent as soon as it was scheduled",
  shop_time: (at: string, shopTimezone: string, format: LocaleFormat) => `At ${format.wallTime(at)} (${shopTimezone})`,
  recipient_local: (at: string, _shopTimezone: string, format: LocaleFormat) => `At ${format.wallTime(at)} in each recipient's own time zone`,
} as const;

/** A campaign whose text can no longer change: what went out, to whom, and when. */
export function CampaignSummaryCard(props: {
  status: CampaignStatus;
  text: string;
  discountCode: string | null;
  audience: AudienceFilter;
  schedule: { mode: string; at: string };
  shopTimezone: string;
  startedAt: string | Date | null;
  completedAt: string | Date | null;
}) {
  const describeSchedule = SCHEDULE_WORDS[props.schedule.mode as keyof typeof SCHEDULE_WORDS] ?? SCHEDULE_WORDS.now;
  const format = useFormat();
  const when = (at: string | Date | null) => (at ? format.dateTime(at) : null);
  return (
    <Card>
      <BlockStack gap="300">
        <Text as="h2" variant="headingMd">
          Message
        </Text>
        <Text as="p" tone="subdued">
          {props.status === "draft" ? "" : "Fixed once sending started. "}As a recipient without a first name gets it:
        </Text>
        <Box background="bg-surface-secondary" padding="300" borderRadius="300">
          <Text as="p" id="fixed-text">
            <span style={{ whiteSpace: "pre-wrap", overflowWrap: "anywhere" }}>{props.text}</span>
          </Text>
        </Box>
        {props.discountCode ? <Text as="p">Discount code: {props.discountCode}</Text> : null}
        <Text as="p">Audience: {describeAudience(props.audience, format)}</Text>
        <Text as="p">Schedule: {describeSchedule(props.schedule.at, props.shopTimezone, format)}</Text>
        {when(props.startedAt) ? <Text as="p">Started: {when(props.startedAt)}</Text> : null}
        {when(props.completedAt) ? <Text as="p">Finished: {when(props.completedAt)}</Text> : null}
      </BlockStack>
    </Card>
  );
}
