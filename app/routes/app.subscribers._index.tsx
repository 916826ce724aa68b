import type { LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData, useLocation, useNavigate, useNavigation, useSearchParams } from "@remix-run/react";
import { Badge, Banner, BlockStack, Box, Card, EmptyState, IndexTable, InlineStack, Page, Text } from "@shopify/polaris";
import { ExportButton } from "~/components/export-button";
import { SubscriberFilters } from "~/components/subscriber-filters";
import { useFormat } from "~/components/use-format";
import { requireAdmin } from "~/shopify/require-admin.server";
import { StatusBadge } from "~/subscribers/status-badge";
import { isFiltered, readSubscriberQuery, searchParamsOf, SOURCE_LABELS } from "~/subscribers/subscriber-search";
import { listSubscribers } from "~/subscribers/subscribers.server";

export async function loader({ request }: LoaderFunctionArgs) {
  const { shop } = await requireAdmin(request);
  const { query, notices } = readSubscriberQuery(new URL(request.url).searchParams);
  const list = await listSubscribers(shop, query);
  return { ...list, query, notices, filtered: isFiltered(query), exportSearch: searchParamsOf(query).toString() };
}

const LEVEL_LABELS: Record<string, string> = { single: "Single", confirmed: "Confirmed" };

export default function Subscribers() {
  const { rows, total, shopHasSubscribers, nextCursor, previousCursor, query, notices, filtered, exportSearch } = useLoaderData<typeof loader>();
  const format = useFormat();
  const navigation = useNavigation();
  const location = useLocation();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const loading = navigation.state === "loading" && navigation.location.pathname === location.pathname;

  const pageTo = (name: "after" | "before", cursor: string) => {
    const next = new URLSearchParams(params);
    next.delete("after");
    next.delete("before");
    next.set(name, cursor);
    navigate(`?${next.toString()}`, { preventScrollReset: true });
  };

  const emptyState = !shopHasSubscribers ? (
    <EmptyState
      heading="No subscribers yet"
      image=""
      action={{ content: "Set up the checkout box", url: "/app/settings" }}
      secondaryAction={{ content: "Import a list", url: "/app/subscribers/import" }}
    >
      <p>Shoppers who tick the SMS box at checkout, text your keyword, or come in with an imported list appear here.</p>
    </EmptyState>
  ) : (
    <EmptyState heading="No subscribers match" image="" action={{ content: "Clear search and filters", url: "/app/subscribers" }}>
      <p>Try another spelling, fewer digits of the number, or fewer filters.</p>
    </EmptyState>
  );

  return (
    <Page
      title="Subscribers"
      subtitle={filtered ? `${format.count(total)} match` : `${format.count(total)} numbers`}
      primaryAction={{ content: "Import subscribers", url: "/app/subscribers/import" }}
    >
      <BlockStack gap="400">
        {notices.length > 0 ? (
          <Banner tone="warning" title="Part of this link could not be used">
            <BlockStack gap="100">
              {notices.map((notice) => (
                <Text as="p" key={notice}>
                  {notice}
                </Text>
              ))}
            </BlockStack>
          </Banner>
        ) : null}
        <InlineStack align="space-between" blockAlign="start">
          <Text as="p" tone="subdued">
            {filtered ? `${format.count(total)} subscribers match these filters.` : `${format.count(total)} subscribers.`} Consent source is where a
            subscriber’s latest opt-in came from.
          </Text>
          <ExportButton url={`/app/subscribers/export${exportSearch ? `?${exportSearch}` : ""}`} total={total} />
        </InlineStack>
        <Card padding="0">
          <SubscriberFilters key={location.search === "" ? "reset" : "filters"} query={query} loading={loading} />
          <IndexTable
            resourceName={{ singular: "subscriber", plural: "subscribers" }}
            itemCount={rows.length}
            selectable={false}
            loading={loading}
            emptyState={emptyState}
            headings={[
              { title: "Phone" },
              { title: "Name" },
              { title: "Status" },
              { title: "Opt-in" },
              { title: "Source" },
              { title: "Region" },
              { title: "Subscribed" },
              { title: "Last change" },
            ]}
            pagination={{
              hasNext: nextCursor !== null,
              hasPrevious: previousCursor !== null,
              onNext: () => nextCursor && pageTo("after", nextCursor),
              onPrevious: () => previousCursor && pageTo("before", previousCursor),
              accessibilityLabels: { next: "Next page of subscribers", previous: "Previous page of subscribers" },
            }}
          >
            {rows.map((row, index) => {
              const name = [row.firstName, row.lastName].filter(Boolean).join(" ");
              return (
                <IndexTable.Row id={row.id} key={row.id} position={index}>
                  <IndexTable.Cell>
                    <Link to={`/app/subscribers/${row.id}`}>{row.erased ? "Erased number" : row.phone}</Link>
                  </IndexTable.Cell>
                  <IndexTable.Cell>
                    <BlockStack>
                      <Text as="span">{name || "—"}</Text>
                      {row.email ? (
                        <Text as="span" tone="subdued" variant="bodySm">
                          {row.email}
                        </Text>
                      ) : null}
                    </BlockStack>
                  </IndexTable.Cell>
                  <IndexTable.Cell>
                    <StatusBadge status={row.status} />
                  </IndexTable.Cell>
                  <IndexTable.Cell>{row.optInLevel ? <Badge>{LEVEL_LABELS[row.optInLevel] ?? row.optInLevel}</Badge> : "—"}</IndexTable.Cell>
                  <IndexTable.Cell>{row.source ? (SOURCE_LABELS[row.source] ?? row.source) : "—"}</IndexTable.Cell>
                  <IndexTable.Cell>{row.region ?? "—"}</IndexTable.Cell>
                  <IndexTable.Cell>{row.subscribedAt ? format.date(row.subscribedAt) : "—"}</IndexTable.Cell>
                  <IndexTable.Cell>
                    <Text as="span" tone="subdued">
                      {format.dateTime(row.updatedAt)}
                    </Text>
                  </IndexTable.Cell>
                </IndexTable.Row>
              );
            })}
          </IndexTable>
        </Card>
        <Box paddingBlockEnd="400" />
      </BlockStack>
    </Page>
  );
}
