import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { BlockStack, Layout, Page, Text } from "@shopify/polaris";
import { DateTime } from "luxon";
import { DataKeptCard, OptOutCard, PrivacyCard, RecordsCard } from "~/components/compliance-cards";
import { LedgerCard, SendingAuditCard } from "~/components/compliance-checks";
import { getComplianceReport } from "~/compliance/compliance-report.server";
import { requireAdmin } from "~/shopify/require-admin.server";

export const meta: MetaFunction = () => [{ title: "Compliance · SMS Consent" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const { shop } = await requireAdmin(request);
  const now = new Date();
  const report = await getComplianceReport(shop, now);
  const today = DateTime.fromJSDate(now, { zone: report.timezone });
  return { report, defaultFrom: today.minus({ days: 30 }).toISODate()!, defaultTo: today.toISODate()! };
}

export default function CompliancePage() {
  const { report, defaultFrom, defaultTo } = useLoaderData<typeof loader>();
  return (
    <Page title="Compliance">
      <Layout>
        <Layout.Section>
          <BlockStack gap="400">
            <Text as="p" tone="subdued">
              What this app can prove about your SMS program, for you, your lawyer or a regulator. It describes what the app records and
              enforces; it is not legal advice.
            </Text>
            <LedgerCard events={report.ledger.events} lastEvent={report.ledger.lastEvent} />
            <RecordsCard defaultFrom={defaultFrom} defaultTo={defaultTo} />
            <OptOutCard optOuts={report.optOuts} />
            <SendingAuditCard />
            <PrivacyCard privacy={report.privacy} />
            <DataKeptCard retentionDays={report.messageRetentionDays} />
          </BlockStack>
        </Layout.Section>
      </Layout>
    </Page>
  );
}
