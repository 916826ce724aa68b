/**
 * The two checks of the Compliance page that read everything, each on its own
 * request so the page shows at once: the ledger check (on demand, a button)
 * and the audit of the last 30 days' marketing texts (loaded as the page
 * opens). Their sentences come from app/compliance/compliance-wording.ts.
 */
import { useFetcher } from "@remix-run/react";
import { Badge, Banner, BlockStack, Button, Card, InlineStack, Link, List, Spinner, Text } from "@shopify/polaris";
import { useEffect } from "react";
import { ledgerCheckInWords, sendingExceptionInWords } from "~/compliance/compliance-wording";
import type { LedgerEventRef } from "~/compliance/ledger-check.server";
import type { loader as ledgerLoader } from "~/routes/app.compliance.ledger";
import type { loader as auditLoader } from "~/routes/app.compliance.sending-audit";
import { useFormat } from "./use-format";

export function LedgerCard({ events, lastEvent }: { events: number; lastEvent: LedgerEventRef | null }) {
  const format = useFormat();
  const fetcher = useFetcher<typeof ledgerLoader>();
  const checking = fetcher.state !== "idle";
  const check = fetcher.data?.check;
  return (
    <Card>
      <BlockStack gap="300">
        <Text as="h2" variant="headingMd">
          Consent ledger
        </Text>
        <Text as="p">
          Every consent given or withdrawn is one event in a hash-chained ledger: each event commits to the one before it, so an event
          edited, removed or reordered after the fact breaks the chain. {format.count(events)} {events === 1 ? "event" : "events"} recorded
          {lastEvent ? `, the last on ${format.dateTime(lastEvent.occurredAt)}` : ""}.
        </Text>
        <InlineStack gap="300" blockAlign="center">
          <Button onClick={() => fetcher.load("/app/compliance/ledger")} loading={checking} variant="primary" id="check-ledger">
            Check the ledger now
          </Button>
          {checking ? (
            <InlineStack gap="200" blockAlign="center">
              <Spinner size="small" accessibilityLabel="Checking the ledger" />
              <Text as="span" tone="subdued">
                Checking {format.count(events)} events, one by one…
              </Text>
            </InlineStack>
          ) : null}
        </InlineStack>
        {check && !checking ? (
          <div id="ledger-result" role="status">
            <Banner tone={check.ok ? "success" : "critical"} title={check.ok ? "The ledger checks" : "The ledger was altered"}>
              <BlockStack gap="100">
                <Text as="p">{ledgerCheckInWords(check, format)}</Text>
                <Text as="p" tone="subdued">
                  Checked {format.dateTime(check.checkedAt)}.
                </Text>
              </BlockStack>
            </Banner>
          </div>
        ) : null}
      </BlockStack>
    </Card>
  );
}

export function SendingAuditCard() {
  const format = useFormat();
  const fetcher = useFetcher<typeof auditLoader>();
  useEffect(() => {
    if (fetcher.state === "idle" && !fetcher.data) fetcher.load("/app/compliance/sending-audit");
    // Once, when the page opens.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);
  const audit = fetcher.data?.audit;
  return (
    <Card>
      <BlockStack gap="300">
        <Text as="h2" variant="headingMd">
          Quiet hours and frequency caps, last 30 days
        </Text>
        <Text as="p" tone="subdued">
          Every marketing text sent is checked again here, independently of the sending worker: its time at the recipient&apos;s location
          against the federal window (8:00–21:00) and each state&apos;s, and the number of texts the person had in the 24 hours and the
          calendar month before it. Each figure must be 0.
        </Text>
        {!audit ? (
          fetcher.data ? (
            <Text as="p">Nothing to check: the SMS program is not set up yet.</Text>
          ) : (
            <InlineStack gap="200" blockAlign="center">
              <Spinner size="small" accessibilityLabel="Checking texts sent" />
              <Text as="span">Checking the marketing texts of the last 30 days…</Text>
            </InlineStack>
          )
        ) : (
          <BlockStack gap="300">
            <div id="sending-audit">
              <BlockStack gap="200">
                <Text as="p">
                  {format.count(audit.textsChecked)} marketing {audit.textsChecked === 1 ? "text" : "texts"} sent between{" "}
                  {format.date(audit.from)} and {format.date(audit.to)} checked.
                </Text>
                <AuditFigure id="audit-quiet-hours" label="Sent in quiet hours" value={audit.quietHours} format={format.count} />
                <AuditFigure
                  id="audit-daily-cap"
                  label={`Over the daily cap (${format.count(audit.rules.dailyCap)} per 24 hours, or the state's)`}
                  value={audit.dailyCap}
                  format={format.count}
                />
                <AuditFigure
                  id="audit-monthly-cap"
                  label={`Over the monthly cap (${format.count(audit.rules.monthlyCap)} per month)`}
                  value={audit.monthlyCap}
                  format={format.count}
                />
              </BlockStack>
            </div>
            {audit.exceptions.length > 0 ? (
              <BlockStack gap="200">
                <Text as="h3" variant="headingSm">
                  Exceptions
                  {audit.quietHours + audit.dailyCap + audit.monthlyCap > audit.exceptions.length
                    ? ` (the first ${format.count(audit.exceptions.length)})`
                    : ""}
                </Text>
                <List type="bullet">
                  {audit.exceptions.map((exception) => (
                    <List.Item key={`${exception.messageId}-${exception.rule}`}>
                      {sendingExceptionInWords(exception, format)}{" "}
                      {exception.subscriberId ? <Link url={`/app/subscribers/${exception.subscriberId}`}>Subscriber</Link> : null}
                      {exception.campaignId ? (
                        <>
                          {" · "}
                          <Link url={`/app/campaigns/${exception.campaignId}`}>Campaign: {exception.campaignName ?? "deleted"}</Link>
                        </>
                      ) : null}
                    </List.Item>
                  ))}
                </List>
              </BlockStack>
            ) : null}
          </BlockStack>
        )}
      </BlockStack>
    </Card>
  );
}

function AuditFigure({ id, label, value, format }: { id: string; label: string; value: number; format: (n: number) => string }) {
  return (
    <InlineStack gap="200" blockAlign="center">
      <Text as="span">{label}:</Text>
      <Text as="span" fontWeight="bold" id={id}>
        {format(value)}
      </Text>
      {value === 0 ? <Badge tone="success">As required</Badge> : <Badge tone="critical">Must be 0</Badge>}
    </InlineStack>
  );
}
