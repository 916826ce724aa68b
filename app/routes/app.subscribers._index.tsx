import type { LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData, useSearchParams } from "@remix-run/react";
import { Badge, Card, IndexTable, Page, Text } from "@shopify/polaris";
import { listSubscribers, subscriberListQuerySchema } from "~/subscribers/subscribers.server";
import { requireAdmin } from "~/shopify/require-admin.server";
import { StatusBadge } from "~/subscribers/status-badge";

export async function loader({ request }: LoaderFunctionArgs) {
  const { shop } = await requireAdmin(request);
  const query = subscriberListQuerySchema.parse(Object.fromEntries(new URL(request.url).searchParams));
  return listSubscribers(shop, query);
}

export default function Subscribers() {
  const { rows, total, page, pageCount } = useLoaderData<typeof loader>();
  const [params] = useSearchParams();
  const pageUrl = (next: number) => {
    const copy = new URLSearchParams(params);
    copy.set("page", String(next));
    return `?${copy.toString()}`;
  };
  return (
    <Page
      title="Subscribers"
      subtitle={`${total.toLocaleString("en-US")} numbers`}
      pagination={{
        hasPrevious: page > 1,
        hasNext: page < pageCount,
        previousURL: pageUrl(page - 1),
        nextURL: pageUrl(page + 1),
      }}
    >
      <Card padding="0">
        <IndexTable
          itemCount={rows.length}
          selectable={false}
          headings={[{ title: "Phone" }, { title: "Status" }, { title: "Opt-in" }, { title: "Last change" }]}
        >
          {rows.map((row, index) => (
            <IndexTable.Row id={row.id} key={row.id} position={index}>
              <IndexTable.Cell>
                <Link to={`/app/subscribers/${row.id}`}>{row.phone}</Link>
              </IndexTable.Cell>
              <IndexTable.Cell>
                <StatusBadge status={row.status} />
              </IndexTable.Cell>
              <IndexTable.Cell>{row.optInLevel ? <Badge>{row.optInLevel}</Badge> : null}</IndexTable.Cell>
              <IndexTable.Cell>
                <Text as="span" tone="subdued">
                  {new Date(row.updatedAt).toLocaleString("en-US")}
                </Text>
              </IndexTable.Cell>
            </IndexTable.Row>
          ))}
        </IndexTable>
      </Card>
    </Page>
  );
}
