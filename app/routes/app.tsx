import type { HeadersFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, Outlet, useLoaderData, useRouteError, useRouteLoaderData } from "@remix-run/react";
import { NavMenu } from "@shopify/app-bridge-react";
import { AppProvider as PolarisAppProvider, Banner, Box, InlineStack } from "@shopify/polaris";
import polarisTranslations from "@shopify/polaris/locales/en.json";
import polarisStyles from "@shopify/polaris/build/esm/styles.css?url";
import { AppProvider } from "@shopify/shopify-app-remix/react";
import { useState, type ReactNode } from "react";
import { boundary } from "@shopify/shopify-app-remix/server";
import { localeOfRequest } from "~/components/locale-format";
import { NavigationProgress } from "~/components/navigation-progress";
import { RemixPolarisLink } from "~/components/remix-polaris-link";
import { AdminRouteError, isShopifyResponse } from "~/components/route-error";
import { FormatProvider } from "~/components/use-format";
import { isDemoMode } from "~/demo/demo-mode.server";
import { getShopSettings } from "~/shops/shop-settings.server";
import { requireAdmin } from "~/shopify/require-admin.server";

export const links = () => [{ rel: "stylesheet", href: polarisStyles }];

/** Every admin page's document title (a page may name itself with its own `meta`); Shopify admin shows its own above. */
export const meta: MetaFunction = () => [{ title: APP_TITLE }];

const APP_TITLE = "SMS Consent";

const NAV = [
  { to: "/app", label: "Dashboard" },
  { to: "/app/subscribers", label: "Subscribers" },
  { to: "/app/campaigns", label: "Campaigns" },
  { to: "/app/compliance", label: "Compliance" },
  { to: "/app/privacy", label: "Privacy requests" },
  { to: "/app/settings", label: "Settings" },
] as const;

/**
 * Once per full load of the admin: who the shop is, and how its pages show
 * numbers and dates (the merchant's locale, the shop's time zone; see
 * app/components/locale-format.ts).
 */
export async function loader({ request }: LoaderFunctionArgs) {
  const { shop } = await requireAdmin(request);
  const settings = await getShopSettings(shop);
  return { apiKey: process.env.SHOPIFY_API_KEY || "", demo: isDemoMode(), shop, locale: localeOfRequest(request), timeZone: settings?.timezone ?? "UTC" };
}

function Providers({ locale, timeZone, children }: { locale: string; timeZone: string; children: ReactNode }) {
  return (
    <FormatProvider locale={locale} timeZone={timeZone}>
      <NavigationProgress />
      {children}
    </FormatProvider>
  );
}

export default function AdminApp() {
  const { apiKey, demo, shop, locale: loadedLocale, timeZone } = useLoaderData<typeof loader>();
  // App Bridge puts admin's `locale` only in the URL it first loads the app with: the loader, run again after a
  // client-side navigation or a form, would fall back to the browser's language. The first answer is kept.
  const [locale] = useState(loadedLocale);
  const content = (
    <Providers locale={locale} timeZone={timeZone}>
      <Outlet />
    </Providers>
  );
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
        {content}
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
      {content}
    </AppProvider>
  );
}

/**
 * Shopify needs boundary.error and boundary.headers so its thrown responses
 * (bounces, redirects) keep their scripts and headers. Anything else that
 * reaches this layout (a page without a boundary of its own, or the layout's
 * own loader failing) is told in words, inside Polaris, with the navigation
 * when the layout's data is there.
 */
export function ErrorBoundary() {
  const error = useRouteError();
  const data = useRouteLoaderData<typeof loader>("routes/app");
  if (isShopifyResponse(error)) return boundary.error(error);
  const page = <AdminRouteError error={error} />;
  if (data && !data.demo) {
    return (
      <AppProvider isEmbeddedApp apiKey={data.apiKey}>
        {page}
      </AppProvider>
    );
  }
  return (
    <PolarisAppProvider i18n={polarisTranslations} linkComponent={RemixPolarisLink}>
      {page}
    </PolarisAppProvider>
  );
}

export const headers: HeadersFunction = (headersArgs) => boundary.headers(headersArgs);
