import "@shopify/shopify-app-remix/adapters/node";
import { ApiVersion, AppDistribution, shopifyApp } from "@shopify/shopify-app-remix/server";
import { PrismaSessionStorage } from "@shopify/shopify-app-session-storage-prisma";
import prisma from "./db.server";
import { env } from "./env.server";
import { afterShopAuth } from "./shopify/after-auth.server";

/** Keep in step with `[webhooks] api_version` in shopify.app.toml. */
export const apiVersion = ApiVersion.July26;

function createShopify() {
  const config = env();
  return shopifyApp({
    apiKey: config.SHOPIFY_API_KEY,
    apiSecretKey: config.SHOPIFY_API_SECRET,
    apiVersion,
    scopes: config.SCOPES.split(","),
    appUrl: config.SHOPIFY_APP_URL,
    authPathPrefix: "/auth",
    sessionStorage: new PrismaSessionStorage(prisma),
    distribution: AppDistribution.AppStore,
    future: { unstable_newEmbeddedAuthStrategy: true },
    hooks: { afterAuth: afterShopAuth }, // a reinstall brings the shop back to life; a new shop gets its row
    ...(config.SHOP_CUSTOM_DOMAIN ? { customShopDomains: [config.SHOP_CUSTOM_DOMAIN] } : {}),
  });
}

type Shopify = ReturnType<typeof createShopify>;
let instance: Shopify | undefined;

/** Created on first use so that scripts and tests can prepare the environment first. */
export function shopify(): Shopify {
  instance ??= createShopify();
  return instance;
}

export const authenticate = {
  admin: (request: Request) => shopify().authenticate.admin(request),
  webhook: (request: Request) => shopify().authenticate.webhook(request),
};
export const addDocumentResponseHeaders: Shopify["addDocumentResponseHeaders"] = (request, headers) =>
  shopify().addDocumentResponseHeaders(request, headers);
export const login = (request: Request) => shopify().login(request);
export const sessionStorage = () => shopify().sessionStorage;
