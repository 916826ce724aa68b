import { useFetcher } from "@remix-run/react";
import { Badge, Banner, BlockStack, Box, Button, Card, Divider, InlineStack, List, Text, TextField } from "@shopify/polaris";
import { useState } from "react";
import type { Checklist, ChecklistStep } from "~/setup/checklist";

/** What the dashboard's action answers for the Twilio step's two buttons. */
export type TwilioSetupResult =
  | {
      intent: "check-twilio";
      ok: boolean;
      lines: Array<{ tone: "success" | "warning" | "critical"; text: string }>;
    }
  | { intent: "test-text"; ok: boolean; message: string; sid: string | null }
  | { intent: "test-text-status"; state: "delivered" | "on_its_way" | "failed" | "unknown"; message: string }
  | { intent: "invalid"; ok: false; message: string };

function TwilioTools() {
  const check = useFetcher<TwilioSetupResult>({ key: "check-twilio" });
  const test = useFetcher<TwilioSetupResult>({ key: "test-text" });
  const status = useFetcher<TwilioSetupResult>({ key: "test-text-status" });
  const [phone, setPhone] = useState("");
  const checked = check.data?.intent === "check-twilio" ? check.data : null;
  const tested = test.data?.intent === "test-text" || test.data?.intent === "invalid" ? test.data : null;
  const sentSid = test.data?.intent === "test-text" ? test.data.sid : null;
  const delivery = status.data?.intent === "test-text-status" ? status.data : null;
  return (
    <BlockStack gap="300">
      <check.Form method="post">
        <input type="hidden" name="intent" value="check-twilio" />
        <Button submit loading={check.state !== "idle"} id="check-twilio">
          Check the connection with Twilio
        </Button>
      </check.Form>
      <div aria-live="polite" id="twilio-check-result">
        {checked ? (
          <Banner tone={checked.ok ? "success" : "critical"} title={checked.ok ? "Twilio connection works" : "Twilio connection has a problem"}>
            <List type="bullet">
              {checked.lines.map((line) => (
                <List.Item key={line.text}>{line.text}</List.Item>
              ))}
            </List>
          </Banner>
        ) : null}
      </div>
      <test.Form method="post">
        <input type="hidden" name="intent" value="test-text" />
        <BlockStack gap="200">
          <TextField
            label="Your mobile number"
            name="phone"
            type="tel"
            value={phone}
            onChange={setPhone}
            autoComplete="tel"
            helpText="Only your own phone: a test never goes to a subscriber. Up to 5 test texts an hour."
          />
          <InlineStack>
            <Button submit loading={test.state !== "idle"} id="send-test-text">
              Send a test text to my phone
            </Button>
          </InlineStack>
        </BlockStack>
      </test.Form>
      <div aria-live="polite" id="test-text-result">
        {tested ? <Banner tone={tested.ok ? "success" : "critical"}>{tested.message}</Banner> : null}
      </div>
      {sentSid ? (
        <status.Form method="post">
          <input type="hidden" name="intent" value="test-text-status" />
          <input type="hidden" name="sid" value={sentSid} />
          <Button submit loading={status.state !== "idle"} id="test-text-status">
            Check whether it arrived
          </Button>
        </status.Form>
      ) : null}
      <div aria-live="polite" id="test-text-delivery">
        {delivery && sentSid ? (
          <Banner tone={delivery.state === "delivered" ? "success" : delivery.state === "on_its_way" ? "info" : "critical"}>{delivery.message}</Banner>
        ) : null}
      </div>
    </BlockStack>
  );
}

function Step({ step }: { step: ChecklistStep }) {
  return (
    <Box paddingBlock="200" id={`setup-step-${step.id}`}>
      <BlockStack gap="200">
        <InlineStack gap="200" blockAlign="center">
          <Badge tone={step.done ? "success" : "attention"}>{step.done ? "Done" : "To do"}</Badge>
          <Text as="h3" variant="headingSm">
            {step.title}
          </Text>
        </InlineStack>
        <Text as="p">{step.detail}</Text>
        <InlineStack>
          <Button url={step.action.url} target={step.action.external ? "_top" : undefined} variant={step.done ? "plain" : "secondary"}>
            {step.action.label}
          </Button>
        </InlineStack>
        {step.id === "twilio" && step.done ? <TwilioTools /> : null}
      </BlockStack>
    </Box>
  );
}

/** The first-run checklist: every step with done / to do; folded away once all are done. */
export function SetupChecklist({ checklist }: { checklist: Checklist }) {
  const [open, setOpen] = useState(!checklist.allDone);
  return (
    <Card>
      <BlockStack gap="300">
        <InlineStack align="space-between" blockAlign="center">
          <BlockStack gap="100">
            <Text as="h2" variant="headingMd">
              {checklist.allDone ? "Set-up complete" : "Set up your SMS program"}
            </Text>
            <Text as="p" tone="subdued" id="setup-progress">
              {`${checklist.doneCount} of ${checklist.steps.length} steps done`}
            </Text>
          </BlockStack>
          <Button variant="plain" onClick={() => setOpen(!open)} ariaExpanded={open} ariaControls="setup-steps" id="toggle-setup">
            {open ? "Hide steps" : "Show steps"}
          </Button>
        </InlineStack>
        {open ? (
          <div id="setup-steps">
            <BlockStack gap="100">
              {checklist.steps.map((step, index) => (
                <BlockStack key={step.id} gap="100">
                  {index > 0 ? <Divider /> : null}
                  <Step step={step} />
                </BlockStack>
              ))}
            </BlockStack>
          </div>
        ) : null}
      </BlockStack>
    </Card>
  );
}
