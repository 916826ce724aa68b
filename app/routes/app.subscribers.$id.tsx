import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { useActionData, useLoaderData, useLocation, useNavigation, useSearchParams } from "@remix-run/react";
import { BlockStack, Card, InlineGrid, Layout, Page, Text } from "@shopify/polaris";
import { z } from "zod";
import { ConsentTimeline } from "~/components/consent-timeline";
import { StaffConsentForms } from "~/components/staff-consent-forms";
import { useFormat } from "~/components/use-format";
import { requireRowId } from "~/http/route-params";
import { requireAdmin } from "~/shopify/require-admin.server";
import { CONSENT_METHODS, STAFF_OPT_OUT_REASONS, staffOptIn, staffOptOut, type StaffConsentResult } from "~/subscribers/staff-consent.server";
import { StatusBadge } from "~/subscribers/status-badge";
import { DEFAULT_TEXTS, getSubscriberDetail, MAX_TEXTS } from "~/subscribers/subscriber-detail.server";

const NOT_FOUND = "No such subscriber in this shop.";
const TEXTS_STEP = 50;

const pageQuerySchema = z.object({ texts: z.coerce.number().int().min(1).max(MAX_TEXTS).catch(DEFAULT_TEXTS).default(DEFAULT_TEXTS) });
const intentSchema = z.object({ intent: z.enum(["opt_out", "opt_in"]) });

const choices = (words: Record<string, string>) => Object.entries(words).map(([value, label]) => ({ value, label: label[0]!.toUpperCase() + label.slice(1) }));

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { shop } = await requireAdmin(request);
  const subscriberId = requireRowId(params.id, NOT_FOUND);
  const { texts } = pageQuerySchema.parse(Object.fromEntries(new URL(request.url).searchParams));
  const detail = await getSubscriberDetail(shop, subscriberId, { texts });
  if (!detail) throw new Response(NOT_FOUND, { status: 404, headers: { "Content-Type": "text/plain; charset=utf-8" } });
  return {
    ...detail,
    /** How many texts "Show older texts" asks for next; null when all are shown, or as many as one page holds. */
    nextTexts: detail.texts.notShown > 0 && texts < MAX_TEXTS ? Math.min(MAX_TEXTS, texts + TEXTS_STEP) : null,
    optOutReasons: choices(STAFF_OPT_OUT_REASONS),
    consentMethods: choices(CONSENT_METHODS),
  };
}

export async function action({ request, params }: ActionFunctionArgs) {
  const { shop, staff } = await requireAdmin(request);
  const subscriberId = requireRowId(params.id, NOT_FOUND);
  const fields = Object.fromEntries([...(await request.formData()).entries()].filter(([, value]) => typeof value === "string"));
  const parsed = intentSchema.safeParse(fields);
  if (!parsed.success) return { intent: null, ok: false, errors: { form: "Unknown action" }, message: null };
  const { intent } = parsed.data;
  const result = intent === "opt_out" ? await staffOptOut(shop, subscriberId, staff, fields) : await staffOptIn(shop, subscriberId, staff, fields);
  if (!result) throw new Response(NOT_FOUND, { status: 404, headers: { "Content-Type": "text/plain; charset=utf-8" } });
  if (!result.ok) return { intent, ok: false, errors: result.errors, message: null };
  return { intent, ok: true, errors: {}, message: doneInWords(result) };
}

function doneInWords(result: Extract<StaffConsentResult, { ok: true }>): string {
  switch (result.outcome) {
    case "opted_out":
      return result.cancelledMessages > 0
        ? `Opted out. ${result.cancelledMessages} queued ${result.cancelledMessages === 1 ? "text to them was" : "texts to them were"} cancelled.`
        : "Opted out.";
    case "subscribed":
      return "Subscribed. The opt-in confirmation text is on its way.";
    case "confirmation_requested":
      return "Recorded. They were sent the “Reply Y” text and are subscribed when they answer.";
  }
}

/** The page's own query (the admin's shop, host and token among it) with one parameter set. */
function withParam(params: URLSearchParams, name: string, value: string): string {
  const next = new URLSearchParams(params);
  next.set(name, value);
  return next.toString();
}

const LEVEL_WORDS: Record<string, string> = { single: "single opt-in", confirmed: "confirmed opt-in" };

export default function SubscriberPage() {
  const data = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>() ?? null;
  const navigation = useNavigation();
  const location = useLocation();
  const [params] = useSearchParams();
  const format = useFormat();
  const { subscriber } = data;
  const submitting = navigation.state === "submitting" && navigation.location.pathname === location.pathname ? String(navigation.formData?.get("intent") ?? "") : null;
  const name = [subscriber.firstName, subscriber.lastName].filter(Boolean).join(" ");

  const facts: [string, string][] = [
    ["Status", statusInWords(subscriber, format.dateTime)],
    ...(name ? ([["Name", name]] as [string, string][]) : []),
    ...(subscriber.email ? ([["E-mail", subscriber.email]] as [string, string][]) : []),
    ["Language", subscriber.locale ?? "not known"],
    ["Region", subscriber.region ?? "from the area code"],
    ["First seen", format.dateTime(subscriber.createdAt)],
    ...(subscriber.unreachableAt ? ([["Unreachable since", format.dateTime(subscriber.unreachableAt)]] as [string, string][]) : []),
  ];

  return (
    <Page
      title={subscriber.phone}
      subtitle={name || undefined}
      backAction={{ content: "Subscribers", url: "/app/subscribers" }}
      titleMetadata={<StatusBadge status={subscriber.status} />}
    >
      <Layout>
        <Layout.Section>
          <ConsentTimeline
            subscriberId={subscriber.id}
            events={data.events}
            messages={data.messages}
            inbound={data.inbound}
            consentTexts={data.consentTexts}
            disclosures={data.disclosures}
            retentionDays={data.shop.messageRetentionDays}
            moreEvents={data.moreEvents}
            textsNotShown={data.texts.notShown}
            moreTextsUrl={data.nextTexts === null ? null : `?${withParam(params, "texts", String(data.nextTexts))}`}
          />
        </Layout.Section>
        <Layout.Section variant="oneThird">
          <BlockStack gap="400">
            <Card>
              <BlockStack gap="200">
                <Text as="h2" variant="headingMd">
                  Subscriber
                </Text>
                <dl style={{ margin: 0 }}>
                  {facts.map(([label, value]) => (
                    <InlineGrid key={label} columns={2} gap="200">
                      <dt>
                        <Text as="span" tone="subdued">
                          {label}
                        </Text>
                      </dt>
                      <dd style={{ margin: 0 }}>
                        <Text as="span">{value}</Text>
                      </dd>
                    </InlineGrid>
                  ))}
                </dl>
              </BlockStack>
            </Card>
            <StaffConsentForms
              status={subscriber.status}
              erased={subscriber.erased}
              doubleOptIn={data.shop.doubleOptIn}
              unsubscribedAt={subscriber.unsubscribedAt}
              pendingExpiresAt={subscriber.pendingExpiresAt}
              optOutReasons={data.optOutReasons}
              consentMethods={data.consentMethods}
              result={result}
              submitting={submitting}
            />
          </BlockStack>
        </Layout.Section>
      </Layout>
    </Page>
  );
}

function statusInWords(
  subscriber: { status: string; optInLevel: string | null; subscribedAt: string | null; unsubscribedAt: string | null; pendingExpiresAt: string | null },
  when: (at: string) => string,
): string {
  switch (subscriber.status) {
    case "subscribed":
      return `Subscribed${subscriber.subscribedAt ? ` since ${when(subscriber.subscribedAt)}` : ""}${subscriber.optInLevel ? ` (${LEVEL_WORDS[subscriber.optInLevel] ?? subscriber.optInLevel})` : ""}`;
    case "unsubscribed":
      return `Opted out${subscriber.unsubscribedAt ? ` on ${when(subscriber.unsubscribedAt)}` : ""}`;
    case "pending":
      return `Asked to reply Y${subscriber.pendingExpiresAt ? ` (until ${when(subscriber.pendingExpiresAt)})` : ""}`;
    case "expired":
      return "Never confirmed: the request expired";
    default:
      return subscriber.status;
  }
}
