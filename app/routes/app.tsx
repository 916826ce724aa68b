import type { HeadersFunction, LoaderFunctionArgs } from "@remix-run/node";
import { Link, Outlet, useLoaderData, useRouteError } from "@remix-run/react";
import { NavMenu } from "@shopify/app-bridge-react";
import { AppProvider as PolarisAppProvider, Banner, Box, InlineStack } from "@shopify/polaris";
import polarisTranslations from "@shopify/polaris/locales/en.json";
import polarisStyles from "@shopify/polaris/build/esm/styles.css?url";
import { AppProvider } from "@shopify/shopify-app-remix/react";
import { boundary } from "@shopify/shopify-app-remix/server";
import { RemixPolarisLink } from "~/components/remix-polaris-link";
import { isDemoMode } from "~/demo/demo-mode.server";
import { requireAdmin } from "~/shopify/require-admin.server";

export const links = () => [{ rel: "stylesheet", href: polarisStyles }];

const NAV = [
  { to: "/app", label: "Dashboard" },
  { to: "/app/subscribers", label: "Subscribers" },
  { to: "/app/campaigns", label: "Campaigns" },
  { to: "/app/compliance", label: "Compliance" },
  { to: "/app/privacy", label: "Privacy requests" },
  { to: "/app/settings", label: "Settings" },
] as const;

export async function loader({ request }: LoaderFunctionArgs) {
  const { shop } = await requireAdmin(request);
  return { apiKey: process.env.SHOPIFY_API_KEY || "", demo: isDemoMode(), shop };
}

export default function AdminApp() {
  const { apiKey, demo, shop } = useLoaderData<typeof loader>();
  if (demo) {
    // No App Bridge outside Shopify admin: Polaris alone, with our own navigation.
    return (
      <PolarisAppProvider i18n={polarisTranslations} linkComponent={RemixPolarisLink}>
        <Box padding="400">
          <Banner tone="info" title={`Demo mode: ${shop}`}>
            Seeded data on the local database. Texts go to the built-in Twilio test server, not to phones.
          </Banner>
          <Box paddingBlockStart="300">
            <InlineStack gap="400">
              {NAV.map((item) => (
                <Link key={item.to} to={item.to}>
                  {item.label}
                </Link>
              ))}
            </InlineStack>
          </Box>
        </Box>
        <Outlet />
      </PolarisAppProvider>
    );
  }
  return (
    <AppProvider isEmbeddedApp apiKey={apiKey}>
      <NavMenu>
        {NAV.map((item) => (
          <Link key={item.to} to={item.to} rel={item.to === "/app" ? "home" : undefined}>
            {item.label}
          </Link>
        ))}
      </NavMenu>
      <Outlet />
    </AppProvider>
  );
}

// Shopify needs these so its thrown responses (bounces, redirects) keep their headers.
export function ErrorBoundary() {
  return boundary.error(useRouteError());
}

export const headers: HeadersFunction = (headersArgs) => boundary.headers(headersArgs);
