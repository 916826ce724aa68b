import type { LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { Banner, BlockStack, Box, Card, InlineGrid, Page, Text } from "@shopify/polaris";
import { useFormat } from "~/components/use-format";
import { getDisclosureProof } from "~/disclosures/disclosure-version.server";
import { requireRowId, rowIdSchema } from "~/http/route-params";
import { requireAdmin } from "~/shopify/require-admin.server";

const NOT_FOUND = "No such disclosure in this shop.";

/** One disclosure version exactly as shoppers saw it: the proof a consent event points at. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const { shop } = await requireAdmin(request);
  const id = requireRowId(params.id, NOT_FOUND);
  const proof = await getDisclosureProof(shop, id);
  if (!proof) throw new Response(NOT_FOUND, { status: 404, headers: { "Content-Type": "text/plain; charset=utf-8" } });
  // Back to the subscriber whose timeline linked here, when the link says which.
  const from = rowIdSchema.safeParse(new URL(request.url).searchParams.get("subscriber"));
  const { version } = proof;
  return {
    disclosure: { id: version.id, version: version.version, locale: version.locale, text: version.text, contentHash: version.contentHash, publishedAt: version.publishedAt },
    hashMatches: proof.hashMatches,
    backUrl: from.success ? `/app/subscribers/${from.data}` : "/app/subscribers",
  };
}

export default function DisclosurePage() {
  const { disclosure, hashMatches, backUrl } = useLoaderData<typeof loader>();
  const format = useFormat();
  const facts: [string, string][] = [
    ["Version", `v${disclosure.version}`],
    ["Language", disclosure.locale],
    ["Published", format.dateTime(disclosure.publishedAt)],
    ["SHA-256 of the text", disclosure.contentHash],
  ];
  return (
    <Page title={`Disclosure v${disclosure.version} (${disclosure.locale})`} backAction={{ content: "Back", url: backUrl }}>
      <BlockStack gap="400">
        {hashMatches ? (
          <Banner tone="success" title="The text below is exactly the text published">
            <p>It hashes to the SHA-256 recorded when it was published, which every consent event that showed it also records.</p>
          </Banner>
        ) : (
          <Banner tone="critical" title="The text below does not match the SHA-256 recorded when it was published">
            <p>The stored text was changed after publishing. The SHA-256 recorded in the consent events is the one to rely on.</p>
          </Banner>
        )}
        <Card>
          <BlockStack gap="300">
            <Text as="h2" variant="headingMd">
              The text shown next to the box
            </Text>
            <Box padding="300" background="bg-surface-secondary" borderRadius="200">
              <blockquote id="disclosure-text" style={{ margin: 0, whiteSpace: "pre-wrap" }}>
                <Text as="span">{disclosure.text}</Text>
              </blockquote>
            </Box>
            <dl style={{ margin: 0 }}>
              {facts.map(([label, value]) => (
                <InlineGrid key={label} columns={["oneThird", "twoThirds"]} gap="200">
                  <dt>
                    <Text as="span" tone="subdued">
                      {label}
                    </Text>
                  </dt>
                  <dd style={{ margin: 0, overflowWrap: "anywhere" }}>
                    <Text as="span">{value}</Text>
                  </dd>
                </InlineGrid>
              ))}
            </dl>
          </BlockStack>
        </Card>
      </BlockStack>
    </Page>
  );
}
