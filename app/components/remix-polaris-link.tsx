import { Link } from "@remix-run/react";
import type { AppProviderProps } from "@shopify/polaris";
import { forwardRef, type ComponentProps } from "react";

type PolarisLinkProps = ComponentProps<NonNullable<AppProviderProps["linkComponent"]>>;

/**
 * Polaris' links (Page actions, back arrows, pagination) as Remix links: a
 * client-side navigation whose data requests carry the session token. Shopify's
 * AppProvider does the same inside the admin; the demo's plain Polaris
 * AppProvider needs it given, or a click would load the page without a token.
 */
export const RemixPolarisLink = forwardRef<HTMLAnchorElement, PolarisLinkProps>(function RemixPolarisLink({ url, external: _external, ...props }, ref) {
  return <Link {...props} to={url} ref={ref} />;
});
