import { Form, useSubmit } from "@remix-run/react";
import { Banner, BlockStack, Button, Card, FormLayout, Modal, Select, Text, TextField } from "@shopify/polaris";
import { useState } from "react";
import { FormTextField } from "./form-text-field";
import { useFormat } from "./use-format";

interface Choice {
  value: string;
  label: string;
}

export interface StaffConsentFormsProps {
  status: string;
  erased: boolean;
  doubleOptIn: boolean;
  unsubscribedAt: string | null;
  pendingExpiresAt: string | null;
  optOutReasons: Choice[];
  consentMethods: Choice[];
  /** The last answer of the page's action, when it was about one of these forms. */
  result: { intent: string | null; ok: boolean; errors: Record<string, string>; message: string | null } | null;
  submitting: string | null;
}

/**
 * What staff may do to this number's consent, and only that: opt it out (a
 * reason required, confirmed in a dialog), or record an opt-in given
 * elsewhere (a reason and the evidence of that consent). A number that opted
 * out is said to be the subscriber's alone to bring back, with no button.
 */
export function StaffConsentForms(props: StaffConsentFormsProps) {
  const format = useFormat();
  const errorsFor = (intent: string) => (props.result && !props.result.ok && props.result.intent === intent ? props.result.errors : {});
  const optedOut = props.erased || props.status === "unsubscribed";
  const awaitingReply = props.status === "pending" && props.doubleOptIn;
  const canOptIn = props.status === "expired" || (props.status === "pending" && !props.doubleOptIn);

  return (
    <BlockStack gap="400">
      {props.result?.ok && props.result.message ? (
        <Banner tone="success" title={props.result.message} />
      ) : null}
      {props.result && !props.result.ok && props.result.errors.form ? (
        <Banner tone="critical" title="Nothing was changed">
          <p>{props.result.errors.form}</p>
        </Banner>
      ) : null}
      {optedOut ? (
        <Card>
          <BlockStack gap="200">
            <Text as="h2" variant="headingMd">
              Opted out
            </Text>
            <Text as="p" id="opted-out-explanation">
              {props.erased
                ? "This number was erased at the customer's request. Its opt-out stays on record, so no list, sync or staff member can subscribe it again."
                : `This number opted out${props.unsubscribedAt ? ` on ${format.dateTime(props.unsubscribedAt)}` : ""}. Only the subscriber can opt in again: by texting START or a sign-up keyword to the shop's number, or by ticking the box at checkout. Staff cannot opt them back in.`}
            </Text>
          </BlockStack>
        </Card>
      ) : (
        <OptOutCard reasons={props.optOutReasons} errors={errorsFor("opt_out")} submitting={props.submitting === "opt_out"} />
      )}
      {awaitingReply ? (
        <Card>
          <Text as="p">
            Asked to reply Y to confirm{props.pendingExpiresAt ? `; the request lapses ${format.dateTime(props.pendingExpiresAt)}` : ""}. Only their reply subscribes them.
          </Text>
        </Card>
      ) : null}
      {canOptIn ? (
        <OptInCard methods={props.consentMethods} doubleOptIn={props.doubleOptIn} errors={errorsFor("opt_in")} submitting={props.submitting === "opt_in"} />
      ) : null}
    </BlockStack>
  );
}

function OptOutCard({ reasons, errors, submitting }: { reasons: Choice[]; errors: Record<string, string>; submitting: boolean }) {
  const submit = useSubmit();
  const [reason, setReason] = useState("");
  const [note, setNote] = useState("");
  const [confirming, setConfirming] = useState(false);
  const [missingReason, setMissingReason] = useState(false);
  const reasonLabel = reasons.find((choice) => choice.value === reason)?.label ?? "";

  return (
    <Card>
      <BlockStack gap="300">
        <Text as="h2" variant="headingMd">
          Opt out on their behalf
        </Text>
        <Text as="p" tone="subdued">
          When the person asked you to stop texting them some other way. Texts queued for them are cancelled, no text is sent, and you are recorded as the
          staff member who did it.
        </Text>
        <FormLayout>
          <Select
            label="Reason"
            name="reason"
            options={[{ label: "Choose a reason", value: "" }, ...reasons]}
            value={reason}
            onChange={(value) => {
              setReason(value);
              setMissingReason(false);
            }}
            error={missingReason ? "Choose why this number is opted out" : errors.reason}
          />
          <TextField
            label="In your words"
            name="note"
            value={note}
            onChange={setNote}
            autoComplete="off"
            multiline={2}
            maxLength={500}
            helpText={reason === "other" ? "Required when the reason is Other." : "Optional: what they said, where."}
            error={errors.note}
          />
        </FormLayout>
        <div>
          <Button
            tone="critical"
            loading={submitting}
            onClick={() => {
              if (!reason) return setMissingReason(true);
              setConfirming(true);
            }}
          >
            Opt out…
          </Button>
        </div>
      </BlockStack>
      <Modal
        open={confirming}
        onClose={() => setConfirming(false)}
        title="Opt this number out?"
        primaryAction={{
          content: "Opt out",
          destructive: true,
          onAction: () => {
            setConfirming(false);
            submit({ intent: "opt_out", reason, note }, { method: "post" });
          },
        }}
        secondaryActions={[{ content: "Keep subscribed", onAction: () => setConfirming(false) }]}
      >
        <Modal.Section>
          <BlockStack gap="200">
            <Text as="p">
              Reason: {reasonLabel}
              {note ? ` (${note})` : ""}.
            </Text>
            <Text as="p">
              No more marketing texts will go to this number and its queued ones are cancelled. Only the subscriber can opt in again; staff cannot undo this.
            </Text>
          </BlockStack>
        </Modal.Section>
      </Modal>
    </Card>
  );
}

function OptInCard({ methods, doubleOptIn, errors, submitting }: { methods: Choice[]; doubleOptIn: boolean; errors: Record<string, string>; submitting: boolean }) {
  const [method, setMethod] = useState("");
  return (
    <Card>
      <Form method="post">
        <input type="hidden" name="intent" value="opt_in" />
        <BlockStack gap="300">
          <Text as="h2" variant="headingMd">
            Record consent given elsewhere
          </Text>
          <Text as="p" tone="subdued">
            Only for a number whose owner agreed in writing to your texts somewhere else (a signed form, another tool). Marketing texts need written consent: a
            phone call is not enough.{" "}
            {doubleOptIn
              ? "Your shop asks for double opt-in, so they are sent the \"Reply Y\" text and subscribed only when they answer."
              : "They are subscribed at once and sent the opt-in confirmation text."}
          </Text>
          <FormLayout>
            <FormTextField label="Why are you adding this number?" name="reason" multiline={2} maxLength={500} error={errors.reason} />
            <Select
              label="How they gave consent"
              name="consentMethod"
              options={[{ label: "Choose how", value: "" }, ...methods]}
              value={method}
              onChange={setMethod}
              error={errors.consentMethod}
            />
            <FormLayout.Group>
              <FormTextField label="Where" name="consentWhere" helpText="The store, event or website" error={errors.consentWhere} />
              <FormTextField label="When" name="consentGivenAt" type="date" error={errors.consentGivenAt} />
            </FormLayout.Group>
            <FormTextField
              label="The text they agreed to"
              name="consentText"
              multiline={3}
              maxLength={2000}
              helpText="Paste the wording they saw, or give a reference below."
              error={errors.consentText}
            />
            <FormTextField label="Or a reference to the signed record" name="consentReference" helpText="e.g. Form #118 in the store's consent binder" error={errors.consentReference} />
          </FormLayout>
          <div>
            <Button submit loading={submitting}>
              {doubleOptIn ? "Record consent and send the “Reply Y” text" : "Record consent and subscribe"}
            </Button>
          </div>
        </BlockStack>
      </Form>
    </Card>
  );
}
