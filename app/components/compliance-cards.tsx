/**
 * The Compliance page's cards that need no check of their own: consent
 * records for a date range (CSV), opt-out handling time, privacy requests,
 * and what data is kept for how long.
 */
import { Banner, BlockStack, Button, Card, DataTable, InlineGrid, InlineStack, Link, Text, TextField } from "@shopify/polaris";
import { useState } from "react";
import { durationInWords } from "~/compliance/compliance-figures";
import type { OptOutHandling, PrivacyRequestCounts } from "~/compliance/compliance-report.server";
import { saveFile } from "./fetched-download";
import { useFormat } from "./use-format";

export function RecordsCard({ defaultFrom, defaultTo }: { defaultFrom: string; defaultTo: string }) {
  const [from, setFrom] = useState(defaultFrom);
  const [to, setTo] = useState(defaultTo);
  const [state, setState] = useState<{ kind: "idle" | "loading" } | { kind: "failed"; error: string } | { kind: "saved"; fileName: string }>({ kind: "idle" });

  // Fetched rather than linked: in Shopify admin, App Bridge adds the session token to the app's fetch requests only.
  const download = async () => {
    setState({ kind: "loading" });
    try {
      const response = await fetch(`/app/compliance/records?${new URLSearchParams({ from, to })}`);
      if (!response.ok) {
        setState({ kind: "failed", error: response.status === 400 ? await response.text() : `The download failed (HTTP ${response.status}): try again.` });
        return;
      }
      const fileName = /filename="([^"]+)"/.exec(response.headers.get("Content-Disposition") ?? "")?.[1] ?? "consent-records.csv";
      saveFile(await response.blob(), fileName);
      setState({ kind: "saved", fileName });
    } catch {
      setState({ kind: "failed", error: "The download failed (no connection to the app): try again." });
    }
  };

  return (
    <Card>
      <BlockStack gap="300">
        <Text as="h2" variant="headingMd">
          Consent records
        </Text>
        <Text as="p">
          Every consent event in the chosen days (in your shop&apos;s time zone), as a spreadsheet: when, which number, how (checkout,
          keyword, form, import, staff, carrier), the status before and after, the evidence (order, IP address, the text received, the
          staff member), the disclosure text the person was shown, and each event&apos;s hashes, so the chain can be checked outside the
          app.
        </Text>
        <InlineGrid columns={{ xs: 1, sm: 3 }} gap="300" alignItems="end">
          <TextField label="First day" type="date" value={from} onChange={setFrom} autoComplete="off" id="records-from" />
          <TextField label="Last day" type="date" value={to} onChange={setTo} autoComplete="off" id="records-to" />
          <InlineStack>
            <Button onClick={download} loading={state.kind === "loading"} id="download-records">
              Download consent records (CSV)
            </Button>
          </InlineStack>
        </InlineGrid>
        <div role="status">
          {state.kind === "failed" ? (
            <Banner tone="critical" title="No records downloaded">
              <Text as="p" id="records-error">
                {state.error}
              </Text>
            </Banner>
          ) : state.kind === "saved" ? (
            <Text as="p" tone="success">
              Saved {state.fileName}.
            </Text>
          ) : null}
        </div>
      </BlockStack>
    </Card>
  );
}

export function OptOutCard({ optOuts }: { optOuts: OptOutHandling }) {
  const format = useFormat();
  const duration = (ms: number | null) => (ms === null ? "—" : durationInWords(ms, format.decimal));
  return (
    <Card>
      <BlockStack gap="300">
        <Text as="h2" variant="headingMd">
          Opt-out handling time, last 30 days
        </Text>
        <Text as="p" tone="subdued">
          From the moment an opt-out text (STOP, or any words that mean it) reached the app to the moment the opt-out was recorded and the
          number suppressed. The law allows 10 business days; this app does it at once.
        </Text>
        <InlineGrid columns={{ xs: 1, sm: 3 }} gap="300">
          <Figure id="optout-count" label="Opt-outs recorded" value={format.count(optOuts.count)} />
          <Figure id="optout-p50" label="Median (p50)" value={duration(optOuts.p50Ms)} />
          <Figure id="optout-p99" label="99th percentile (p99)" value={duration(optOuts.p99Ms)} />
        </InlineGrid>
        <Text as="p">
          {format.count(optOuts.received)} opt-out {optOuts.received === 1 ? "text" : "texts"} received
          {optOuts.alreadyOptedOut > 0 ? `, ${format.count(optOuts.alreadyOptedOut)} of them from numbers already opted out (nothing left to change)` : ""}.{" "}
          {format.count(optOuts.carrierOptOuts)} carrier {optOuts.carrierOptOuts === 1 ? "opt-out" : "opt-outs"} (Twilio error 21610: the
          person texted STOP to Twilio or the carrier), each recorded as soon as Twilio reported it.
        </Text>
      </BlockStack>
    </Card>
  );
}

const TOPIC_LABELS: Record<string, string> = {
  "customers/data_request": "Data requests",
  "customers/redact": "Erasures",
  "shop/redact": "Shop erasures",
};

export function PrivacyCard({ privacy }: { privacy: PrivacyRequestCounts }) {
  const format = useFormat();
  return (
    <Card>
      <BlockStack gap="300">
        <Text as="h2" variant="headingMd">
          Privacy requests
        </Text>
        <Text as="p">
          {format.count(privacy.total)} received in all, {format.count(privacy.last30Days)} in the last 30 days. Erasures are carried out as
          soon as they arrive. <Link url="/app/privacy">See every request</Link>
        </Text>
        {privacy.byTopic.length > 0 ? (
          <DataTable
            columnContentTypes={["text", "numeric", "numeric"]}
            headings={["Request", "Done", "In progress"]}
            rows={privacy.byTopic.map((row) => [TOPIC_LABELS[row.topic] ?? row.topic, format.count(row.done), format.count(row.inProgress)])}
          />
        ) : null}
      </BlockStack>
    </Card>
  );
}

export function DataKeptCard({ retentionDays }: { retentionDays: number | null }) {
  const format = useFormat();
  return (
    <Card>
      <BlockStack gap="300">
        <Text as="h2" variant="headingMd">
          Data kept and why
        </Text>
        <Text as="p">
          <strong>Consent evidence</strong> (every event of the ledger, with its evidence and the disclosure shown) is kept for as long as
          the app is installed, and after a customer&apos;s erasure in a form that no longer names them: a claim under the TCPA can be
          brought for 4 years, and GDPR asks you to be able to show consent was given.
        </Text>
        <Text as="p">
          <strong>What texts said</strong> (texts sent and received) is blanked after{" "}
          {retentionDays === null ? "the retention period" : `${format.count(retentionDays)} days`}; who was texted, when and with what
          result is kept for your results and for the audit above. <Link url="/app/settings">Change the retention period</Link>
        </Text>
        <Banner tone="warning">
          Uninstalling the app deletes all of your shop&apos;s data 48 hours later, the consent ledger included (Shopify requires it).
          Download your consent records first.
        </Banner>
      </BlockStack>
    </Card>
  );
}

function Figure({ id, label, value }: { id: string; label: string; value: string }) {
  return (
    <BlockStack gap="100">
      <Text as="p" tone="subdued">
        {label}
      </Text>
      <Text as="p" variant="headingLg" id={id}>
        {value}
      </Text>
    </BlockStack>
  );
}
