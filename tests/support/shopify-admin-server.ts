/**
 * A local stand-in for Shopify's Admin GraphQL API, for tests: a node:http
 * server answering `POST /admin/api/<version>/graphql.json` like Shopify. It
 * checks X-Shopify-Access-Token, executes each request against the real Admin
 * schema of the app's API version (so a document or variables Shopify would
 * reject are rejected here too), keeps a small store (customers with SMS
 * consent, shop metafields), records every request, can be told to fail the
 * next N requests (503, 429, THROTTLED, connection reset) and, like Shopify,
 * fires `customers_marketing_consent/update` after each consent change.
 *
 * The app is not touched: Shopify's library sends through its abstract fetch,
 * which `start` wraps so that `https://<shop>.myshopify.com/…` goes here
 * instead (the node adapter captured `globalThis.fetch` at import, so stubbing
 * `fetch` later would not reach it).
 */
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { gunzipSync } from "node:zlib";
import "@shopify/shopify-app-remix/adapters/node"; // installs Shopify's fetch first, so ours wraps it
import { abstractFetch, setAbstractFetchFunc } from "@shopify/shopify-api/runtime";
import { buildClientSchema, graphql, Kind, parse, type GraphQLSchema, type IntrospectionQuery } from "graphql";
import prisma from "../../app/db.server";

const ROOT = path.resolve(import.meta.dirname, "../..");

/** The Admin API version the app talks to, from `[webhooks] api_version` in shopify.app.toml. */
export function appApiVersion(): string {
  const toml = readFileSync(path.join(ROOT, "shopify.app.toml"), "utf8");
  const match = /^\s*api_version\s*=\s*"(\d{4}-\d{2})"/m.exec(toml);
  if (!match?.[1]) throw new Error("shopify.app.toml has no [webhooks] api_version");
  return match[1];
}

const schemas = new Map<string, GraphQLSchema>();
/** The Admin GraphQL schema of a version, from the offline introspection in tests/fixtures/shopify. */
export function adminSchema(version = appApiVersion()): GraphQLSchema {
  const cached = schemas.get(version);
  if (cached) return cached;
  const file = path.join(ROOT, "tests/fixtures/shopify", `admin_${version}.json.gz`);
  const introspection = JSON.parse(gunzipSync(readFileSync(file)).toString("utf8")) as { data: IntrospectionQuery };
  const schema = buildClientSchema(introspection.data);
  schemas.set(version, schema);
  return schema;
}

export type SmsMarketingState = "SUBSCRIBED" | "UNSUBSCRIBED" | "PENDING" | "NOT_SUBSCRIBED" | "REDACTED";
export type MarketingOptInLevel = "SINGLE_OPT_IN" | "CONFIRMED_OPT_IN" | "UNKNOWN";

export interface FakeCustomer {
  id: string; // gid://shopify/Customer/<n>
  phone: string | null;
  sms: { marketingState: SmsMarketingState; marketingOptInLevel: MarketingOptInLevel | null; consentUpdatedAt: string | null; collectedFrom: "SHOPIFY" | "OTHER" };
}

/** An order as the Thank-you check reads it: the checkout it came from and the customer. */
export interface FakeOrder {
  id: string; // gid://shopify/Order/<n>
  createdAt: string;
  checkoutToken: string | null;
  customerId: string | null;
}

export interface FakeMetafield {
  id: string;
  ownerId: string;
  namespace: string;
  key: string;
  type: string;
  value: string;
}

export interface RecordedRequest {
  shop: string;
  apiVersion: string;
  accessToken: string | null;
  query: string;
  operationName: string | null;
  rootFields: string[];
  variables: Record<string, unknown>;
  status: number;
}

export interface FiredWebhook {
  shop: string;
  topic: "customers_marketing_consent/update";
  payload: {
    id: number;
    phone: string | null;
    sms_marketing_consent: { state: string; opt_in_level: string | null; consent_updated_at: string | null; consent_collected_from: string } | null;
  };
}

export type InjectedFailure = "503" | "500" | "429" | "throttled" | "reset";

interface FakeShop {
  accessToken: string;
  id: string;
  /** Of its billing address, as `shop { billingAddress { countryCodeV2 } }` answers. */
  country?: string;
  customers: Map<string, FakeCustomer>;
  metafields: Map<string, FakeMetafield>;
  orders: Map<string, FakeOrder>;
  refusals: Map<string, Array<{ field: string[]; message: string; code: string }>>;
}

export interface ShopifyAdminServer {
  url: string;
  apiVersion: string;
  requests: RecordedRequest[];
  webhooks: FiredWebhook[];
  /** Stores that exchanged a session token for an offline access token (the app's auth on install and reinstall), in order. */
  tokenExchanges: string[];
  /** Registers a store with its access token (random unless given) and the country of its billing address (US unless given). */
  addShop(shop: string, accessToken?: string, profile?: { country?: string }): { accessToken: string; shopId: string };
  addCustomer(shop: string, customer: { phone: string | null; sms?: Partial<FakeCustomer["sms"]> }): FakeCustomer;
  customer(shop: string, id: string): FakeCustomer | undefined;
  /** An order of this store (a random checkout token and now, unless given). */
  addOrder(shop: string, order?: Partial<Omit<FakeOrder, "id">> & { id?: string }): FakeOrder;
  metafields(shop: string): FakeMetafield[];
  /** customerSmsMarketingConsentUpdate for this customer answers with these userErrors. */
  refuseConsentUpdates(shop: string, customerId: string, userErrors: Array<{ field: string[]; message: string; code: string }>): void;
  /** The next `count` requests (those touching `rootField`, when given) fail this way. */
  failNext(count: number, failure: InjectedFailure, rootField?: string): void;
  /** The next request touching `rootField` waits for `hook` before it is answered: something else can happen meanwhile. */
  beforeNextAnswer(rootField: string, hook: () => Promise<void>): void;
  /** Requests whose document touches this root field. */
  requestsFor(rootField: string): RecordedRequest[];
  close(): Promise<void>;
}

const SHOP_DOMAIN = /^[a-z0-9][a-z0-9-]*\.myshopify\.com$/i;

/** Shopify's DateTime has whole seconds. */
const shopifyDateTime = (value: string | Date) => new Date(value).toISOString().replace(/\.\d{3}Z$/, "Z");

export async function startShopifyAdminServer(options: { apiVersion?: string } = {}): Promise<ShopifyAdminServer> {
  const apiVersion = options.apiVersion ?? appApiVersion();
  const schema = adminSchema(apiVersion);
  const shops = new Map<string, FakeShop>();
  const requests: RecordedRequest[] = [];
  const webhooks: FiredWebhook[] = [];
  const tokenExchanges: string[] = [];
  const failures: Array<{ failure: InjectedFailure; rootField?: string }> = [];
  const hooks: Array<{ rootField: string; hook: () => Promise<void> }> = [];
  let nextId = 1000;

  const shopOrThrow = (shop: string) => {
    const found = shops.get(shop);
    if (!found) throw new Error(`${shop} is not a shop of this Admin server (addShop first)`);
    return found;
  };

  function fireConsentWebhook(shop: string, customer: FakeCustomer) {
    webhooks.push({
      shop,
      topic: "customers_marketing_consent/update",
      payload: {
        id: Number(customer.id.split("/").pop()),
        phone: customer.phone,
        sms_marketing_consent: {
          state: customer.sms.marketingState.toLowerCase(),
          opt_in_level: customer.sms.marketingOptInLevel?.toLowerCase() ?? null,
          consent_updated_at: customer.sms.consentUpdatedAt,
          consent_collected_from: customer.sms.collectedFrom,
        },
      },
    });
  }

  function resolversFor(shop: string, store: FakeShop) {
    const customerView = (customer: FakeCustomer | undefined) =>
      customer && {
        id: customer.id,
        phone: customer.phone,
        defaultPhoneNumber: customer.phone && {
          phoneNumber: customer.phone,
          marketingState: customer.sms.marketingState,
          marketingOptInLevel: customer.sms.marketingOptInLevel,
          marketingUpdatedAt: customer.sms.consentUpdatedAt,
          marketingCollectedFrom: customer.sms.collectedFrom,
        },
        smsMarketingConsent: customer.phone && {
          marketingState: customer.sms.marketingState,
          marketingOptInLevel: customer.sms.marketingOptInLevel,
          consentUpdatedAt: customer.sms.consentUpdatedAt,
          consentCollectedFrom: customer.sms.collectedFrom,
        },
      };
    const byPhone = (phone: string) => [...store.customers.values()].find((customer) => customer.phone === phone);
    return {
      shop: () => ({
        id: store.id,
        myshopifyDomain: shop,
        name: shop.split(".")[0],
        contactEmail: `owner@${shop}`,
        billingAddress: { countryCodeV2: store.country ?? "US" },
      }),
      customer: ({ id }: { id: string }) => customerView(store.customers.get(id)),
      order: ({ id }: { id: string }) => {
        const order = store.orders.get(id);
        return order && { id: order.id, createdAt: order.createdAt, checkoutToken: order.checkoutToken, customer: order.customerId && { id: order.customerId } };
      },
      customerByIdentifier: ({ identifier }: { identifier: { phoneNumber?: string; id?: string; emailAddress?: string } }) =>
        customerView(identifier.phoneNumber ? byPhone(identifier.phoneNumber) : identifier.id ? store.customers.get(identifier.id) : undefined),
      customerSmsMarketingConsentUpdate: ({ input }: { input: { customerId: string; smsMarketingConsent: { marketingState: SmsMarketingState; marketingOptInLevel?: MarketingOptInLevel; consentUpdatedAt?: string } } }) => {
        const customer = store.customers.get(input.customerId);
        const refused = store.refusals.get(input.customerId);
        const consent = input.smsMarketingConsent;
        const error = (field: string[], message: string, code: string) => ({ customer: null, userErrors: [{ field, message, code }] });
        if (!customer) return error(["input", "customerId"], "Customer does not exist", "INVALID");
        if (refused) return { customer: null, userErrors: refused };
        if (!customer.phone) return error(["input", "smsMarketingConsent"], "A phone number is required to set the SMS consent state.", "INVALID");
        if (consent.marketingState === "REDACTED") return error(["input", "smsMarketingConsent", "marketingState"], "Marketing state cannot be set to redacted.", "INCLUSION");
        customer.sms = {
          marketingState: consent.marketingState,
          marketingOptInLevel: consent.marketingOptInLevel ?? null,
          consentUpdatedAt: shopifyDateTime(consent.consentUpdatedAt ?? new Date()),
          collectedFrom: "OTHER",
        };
        fireConsentWebhook(shop, customer);
        return { customer: customerView(customer), userErrors: [] };
      },
      metafieldsSet: ({ metafields }: { metafields: Array<{ ownerId: string; namespace?: string; key: string; type?: string; value: string }> }) => {
        const userErrors = metafields.flatMap((input, elementIndex) => {
          const field = ["metafields", String(elementIndex)];
          if (input.ownerId !== store.id) return [{ field: [...field, "ownerId"], message: "Owner does not exist.", code: "INVALID", elementIndex }];
          if (input.type === "json") {
            try {
              JSON.parse(input.value);
            } catch {
              return [{ field: [...field, "value"], message: "Value is invalid JSON.", code: "INVALID_VALUE", elementIndex }];
            }
          }
          return [];
        });
        if (userErrors.length > 0) return { metafields: null, userErrors };
        const saved = metafields.map((input) => {
          const namespace = input.namespace ?? "$app";
          const id = `${input.ownerId}|${namespace}|${input.key}`;
          const metafield: FakeMetafield = {
            id: store.metafields.get(id)?.id ?? `gid://shopify/Metafield/${nextId++}`,
            ownerId: input.ownerId,
            namespace,
            key: input.key,
            type: input.type ?? store.metafields.get(id)?.type ?? "single_line_text_field",
            value: input.value,
          };
          store.metafields.set(id, metafield);
          return metafield;
        });
        return { metafields: saved, userErrors: [] };
      },
    };
  }

  async function answer(request: http.IncomingMessage, response: http.ServerResponse) {
    const raw = await readBody(request);
    const shop = String(request.headers["x-forwarded-host"] ?? "");
    const accessToken = header(request, "x-shopify-access-token");
    const match = /^\/admin\/api\/([^/]+)\/graphql\.json$/.exec(new URL(request.url ?? "/", "http://local").pathname);
    const body = safeJson(raw) as { query?: string; variables?: Record<string, unknown>; operationName?: string } | null;
    const query = body?.query ?? "";
    const recorded: RecordedRequest = {
      shop,
      apiVersion: match?.[1] ?? "",
      accessToken,
      query,
      operationName: body?.operationName ?? /\b(?:query|mutation)\s+(\w+)/.exec(query)?.[1] ?? null,
      rootFields: rootFieldsOf(query),
      variables: body?.variables ?? {},
      status: 0,
    };
    requests.push(recorded);
    const send = (status: number, json: unknown, headers: Record<string, string> = {}) => {
      recorded.status = status;
      response.writeHead(status, { "Content-Type": "application/json; charset=utf-8", ...headers });
      response.end(JSON.stringify(json));
    };

    const store = shops.get(shop);
    if (request.method === "POST" && request.url === "/admin/oauth/access_token") {
      // Token exchange: the app trades the session token App Bridge gave it for the store's offline token.
      const exchange = safeJson(raw) as { subject_token?: string; requested_token_type?: string } | null;
      if (!store || !exchange?.subject_token) return send(400, { error: "invalid_subject_token" });
      tokenExchanges.push(shop);
      return send(200, { access_token: store.accessToken, scope: "read_customers,write_customers,read_orders" });
    }
    if (request.method !== "POST" || !match) return send(404, { errors: "Not Found" });
    if (!store) return send(404, { errors: "Not Found" });
    if (match[1] !== apiVersion) return send(404, { errors: "Not Found" });
    if (accessToken !== store.accessToken) return send(401, { errors: "[API] Invalid API key or access token (unrecognized login or wrong password)" });

    const hookIndex = hooks.findIndex((entry) => recorded.rootFields.includes(entry.rootField));
    if (hookIndex >= 0) await hooks.splice(hookIndex, 1)[0]!.hook();

    const index = failures.findIndex((entry) => !entry.rootField || recorded.rootFields.includes(entry.rootField));
    if (index >= 0) {
      const [{ failure }] = failures.splice(index, 1) as [{ failure: InjectedFailure }];
      switch (failure) {
        case "reset":
          recorded.status = -1;
          request.socket.destroy();
          return;
        case "429":
          return send(429, { errors: "Exceeded 2 calls per second for api client. Reduce request rates to resume uninterrupted service." }, { "Retry-After": "2.0" });
        case "throttled":
          return send(200, { errors: [{ message: "Throttled", extensions: { code: "THROTTLED", documentation: "https://shopify.dev/api/usage/rate-limits" } }] });
        default:
          return send(Number(failure), { errors: "Internal Server Error" });
      }
    }

    const result = await graphql({
      schema,
      source: query,
      variableValues: recorded.variables,
      operationName: body?.operationName,
      rootValue: resolversFor(shop, store),
    });
    send(200, { ...result, extensions: { cost: { requestedQueryCost: 10, actualQueryCost: 10 } } });
  }

  const server = http.createServer((request, response) => {
    answer(request, response).catch((error: unknown) => {
      if (!response.headersSent) response.writeHead(500, { "Content-Type": "application/json" });
      response.end(JSON.stringify({ errors: String(error) }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  // Send Shopify's own requests for *.myshopify.com here; anything else goes out unchanged.
  const shopifyFetch = abstractFetch;
  setAbstractFetchFunc(async (input, init) => {
    const target = new URL(input instanceof Request ? input.url : String(input));
    if (!SHOP_DOMAIN.test(target.hostname)) return shopifyFetch(input, init);
    const headers = new Headers(init?.headers ?? (input instanceof Request ? input.headers : undefined));
    headers.set("X-Forwarded-Host", target.hostname);
    const body = init?.body ?? (input instanceof Request ? await input.text() : undefined);
    return shopifyFetch(`${url}${target.pathname}${target.search}`, { ...init, method: init?.method ?? (input instanceof Request ? input.method : "GET"), headers, body });
  });

  return {
    url,
    apiVersion,
    requests,
    webhooks,
    tokenExchanges,
    addShop(shop, accessToken = `shpat_${randomBytes(16).toString("hex")}`, profile = {}) {
      const shopId = `gid://shopify/Shop/${nextId++}`;
      shops.set(shop, { accessToken, id: shopId, customers: new Map(), metafields: new Map(), orders: new Map(), refusals: new Map() });
      if (profile.country) shopOrThrow(shop).country = profile.country;
      return { accessToken, shopId };
    },
    addCustomer(shop, { phone, sms }) {
      const store = shopOrThrow(shop);
      const customer: FakeCustomer = {
        id: `gid://shopify/Customer/${nextId++}`,
        phone,
        sms: { marketingState: "NOT_SUBSCRIBED", marketingOptInLevel: null, consentUpdatedAt: null, collectedFrom: "OTHER", ...sms },
      };
      store.customers.set(customer.id, customer);
      return customer;
    },
    customer: (shop, id) => shops.get(shop)?.customers.get(id),
    addOrder(shop, order = {}) {
      const created: FakeOrder = {
        id: order.id ?? `gid://shopify/Order/${nextId++}`,
        createdAt: shopifyDateTime(order.createdAt ?? new Date()),
        checkoutToken: order.checkoutToken === undefined ? randomBytes(16).toString("hex") : order.checkoutToken,
        customerId: order.customerId ?? null,
      };
      shopOrThrow(shop).orders.set(created.id, created);
      return created;
    },
    metafields: (shop) => [...(shops.get(shop)?.metafields.values() ?? [])],
    refuseConsentUpdates(shop, customerId, userErrors) {
      shopOrThrow(shop).refusals.set(customerId, userErrors);
    },
    failNext(count, failure, rootField) {
      for (let i = 0; i < count; i += 1) failures.push({ failure, ...(rootField ? { rootField } : {}) });
    },
    beforeNextAnswer(rootField, hook) {
      hooks.push({ rootField, hook });
    },
    requestsFor: (rootField) => requests.filter((request) => request.rootFields.includes(rootField)),
    async close() {
      setAbstractFetchFunc(shopifyFetch);
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
    },
  };
}

/**
 * Makes `shop` an installed store for the app: an offline session in the
 * database (what `shopify().unauthenticated.admin(shop)` loads) whose token the
 * Admin server accepts.
 */
export async function connectShop(server: ShopifyAdminServer, shop: string): Promise<{ accessToken: string; shopId: string }> {
  const registered = server.addShop(shop);
  const data = { shop, state: "installed", isOnline: false, scope: "read_customers,write_customers,read_orders", accessToken: registered.accessToken };
  await prisma.session.upsert({ where: { id: `offline_${shop}` }, create: { id: `offline_${shop}`, ...data }, update: data });
  return registered;
}

function rootFieldsOf(query: string): string[] {
  try {
    return parse(query).definitions.flatMap((definition) =>
      definition.kind === Kind.OPERATION_DEFINITION
        ? definition.selectionSet.selections.flatMap((selection) => (selection.kind === Kind.FIELD ? [selection.name.value] : []))
        : [],
    );
  } catch {
    return [];
  }
}

function header(request: http.IncomingMessage, name: string): string | null {
  const value = request.headers[name];
  return Array.isArray(value) ? (value[0] ?? null) : (value ?? null);
}

function safeJson(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return null;
  }
}

function readBody(request: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    request.on("error", reject);
  });
}
