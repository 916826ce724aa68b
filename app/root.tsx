import type { LoaderFunctionArgs } from "@remix-run/node";
import { Links, Meta, Outlet, Scripts, ScrollRestoration, useLoaderData } from "@remix-run/react";
import { isDemoMode } from "./demo/demo-mode.server";
import { DEMO_FETCH_SHIM } from "./demo/demo-fetch-shim";

export const links = () => [{ rel: "icon", href: "/favicon.svg", type: "image/svg+xml" }];

export async function loader(_args: LoaderFunctionArgs) {
  return { demo: isDemoMode() };
}

export default function App() {
  const { demo } = useLoaderData<typeof loader>();
  return (
    <html lang="en">
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width,initial-scale=1" />
        <Meta />
        <Links />
        {demo ? <script dangerouslySetInnerHTML={{ __html: DEMO_FETCH_SHIM }} /> : null}
      </head>
      <body>
        <Outlet />
        <ScrollRestoration />
        <Scripts />
      </body>
    </html>
  );
}
