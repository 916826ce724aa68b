/**
 * What a merchant sees when a page cannot be shown: a 404 says the thing is
 * not in this shop (ids of another shop's rows are answered 404 on purpose,
 * app/http/route-params.ts) and leads back; anything else says something went
 * wrong and offers to try again, without the error's text (it is logged on the
 * server). Responses Shopify's library throws on its own (the bounce page
 * that fetches a session token, 401s App Bridge retries, 410 for bots) go to
 * its `boundary.error` untouched, as its headers and scripts require.
 */
import { isRouteErrorResponse, useRevalidator } from "@remix-run/react";
import { BlockStack, Button, Card, EmptyState, Page, Text } from "@shopify/polaris";
import { boundary } from "@shopify/shopify-app-remix/server";

export interface ErrorLead {
  content: string;
  url: string;
}

/** Our own 404s and real failures get words; any other thrown response is Shopify's. */
export function isShopifyResponse(error: unknown): boolean {
  return isRouteErrorResponse(error) && error.status !== 404 && error.status < 500;
}

/** Our 404s carry one short sentence in plain text ("No such campaign in this shop."); anything else is not shown. */
function sentenceOf(data: unknown): string | null {
  return typeof data === "string" && data.length > 0 && data.length <= 200 && !/[<>]/.test(data) ? data : null;
}

export function AdminRouteError({
  error,
  back = { content: "Back to the dashboard", url: "/app" },
  notFoundHeading = "Not found in this shop",
}: {
  error: unknown;
  back?: ErrorLead;
  notFoundHeading?: string;
}) {
  if (isShopifyResponse(error)) return boundary.error(error);
  if (isRouteErrorResponse(error) && error.status === 404) {
    return (
      <Page title="Not found">
        <Card>
          <EmptyState heading={notFoundHeading} image="" action={back}>
            <p>{sentenceOf(error.data) ?? "It may have been deleted, or it belongs to another shop."}</p>
          </EmptyState>
        </Card>
      </Page>
    );
  }
  return <SomethingWentWrong back={back} />;
}

function SomethingWentWrong({ back }: { back: ErrorLead }) {
  const { revalidate, state } = useRevalidator();
  return (
    <Page title="Something went wrong">
      <Card>
        <BlockStack gap="300" inlineAlign="start">
          <Text as="h2" variant="headingMd">
            Something went wrong — try again
          </Text>
          <Text as="p">The page could not be loaded. Nothing you saved is lost. If it keeps happening, wait a minute and try again.</Text>
          <BlockStack gap="200" inlineAlign="start">
            <Button variant="primary" onClick={revalidate} loading={state === "loading"}>
              Try again
            </Button>
            <Button url={back.url} variant="plain">
              {back.content}
            </Button>
          </BlockStack>
        </BlockStack>
      </Card>
    </Page>
  );
}
