import { afterAll, beforeAll, describe, expect, it } from "vitest";
import prisma from "../db.server";
import { connectShop, startShopifyAdminServer, type ShopifyAdminServer } from "../../tests/support/shopify-admin-server";
import { AdminApiError, adminGraphql } from "./admin-graphql.server";
import { CUSTOMER_BY_PHONE_QUERY, SMS_CONSENT_UPDATE_MUTATION } from "./consent-sync.server";

let admin: ShopifyAdminServer;
beforeAll(async () => {
  admin = await startShopifyAdminServer();
});
afterAll(async () => {
  await admin.close();
});

let shopCounter = 0;
async function installedShop() {
  const shop = `admin-api-${shopCounter++}.myshopify.com`;
  const { accessToken } = await connectShop(admin, shop);
  return { shop, accessToken };
}

async function failureOf(promise: Promise<unknown>): Promise<AdminApiError> {
  const error = await promise.then(
    () => null,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(AdminApiError);
  return error as AdminApiError;
}

const lookup = (shop: string, phone = "+15553330000") => adminGraphql<{ customerByIdentifier: { id: string } | null }>(shop, CUSTOMER_BY_PHONE_QUERY, { phone });

describe("adminGraphql", () => {
  it("runs the document with the shop's offline token against its API version and returns data", async () => {
    const { shop, accessToken } = await installedShop();
    const customer = admin.addCustomer(shop, { phone: "+15553330000" });

    expect(await lookup(shop)).toEqual({ customerByIdentifier: { id: customer.id } });
    expect(await lookup(shop, "+15553339999")).toEqual({ customerByIdentifier: null });
    const [request] = admin.requests.filter((entry) => entry.shop === shop);
    expect(request).toMatchObject({ accessToken, apiVersion: "2026-07", operationName: "SmsConsentCustomerByPhone", variables: { phone: "+15553330000" } });
  });

  it.each([
    ["503", "server_error", true, 503],
    ["500", "server_error", true, 500],
    ["429", "throttled", true, 429],
    ["throttled", "throttled", true, undefined],
    ["reset", "network", true, undefined],
  ] as const)("classifies %s as %s (retryable: %s)", async (failure, kind, retryable, status) => {
    const { shop } = await installedShop();
    admin.failNext(1, failure);
    const error = await failureOf(lookup(shop));
    expect([error.failure, error.retryable, error.status]).toEqual([kind, retryable, status]);
    if (failure === "429") expect(error.retryAfterMs).toBe(2000);
    await expect(lookup(shop)).resolves.toEqual({ customerByIdentifier: null }); // and the next call goes through
  });

  it("throws userErrors as a permanent failure with Shopify's messages", async () => {
    const { shop } = await installedShop();
    const customer = admin.addCustomer(shop, { phone: null });
    const error = await failureOf(
      adminGraphql(shop, SMS_CONSENT_UPDATE_MUTATION, { input: { customerId: customer.id, smsMarketingConsent: { marketingState: "SUBSCRIBED" } } }),
    );
    expect(error).toMatchObject({ failure: "user_errors", retryable: false, message: "A phone number is required to set the SMS consent state." });
    expect(error.userErrors).toEqual([{ field: ["input", "smsMarketingConsent"], message: "A phone number is required to set the SMS consent state.", code: "INVALID" }]);
  });

  it("throws a rejected token as a permanent HTTP failure", async () => {
    const { shop } = await installedShop();
    await prisma.session.update({ where: { id: `offline_${shop}` }, data: { accessToken: "shpat_revoked" } });
    const error = await failureOf(lookup(shop));
    expect([error.failure, error.retryable, error.status]).toEqual(["http_error", false, 401]);
    expect(error.message).toMatch(/no longer accepts the app's access token/);
  });

  it("throws a document Shopify's schema rejects as a permanent GraphQL failure", async () => {
    const { shop } = await installedShop();
    const error = await failureOf(adminGraphql(shop, "query Broken { customerByIdentifier { id } }"));
    expect([error.failure, error.retryable]).toEqual(["graphql_errors", false]);
    expect(error.message).toMatch(/identifier/);
  });

  it("throws not_installed for a shop without an offline session, without calling Shopify", async () => {
    const before = admin.requests.length;
    const error = await failureOf(lookup("never-installed.myshopify.com"));
    expect([error.failure, error.retryable]).toEqual(["not_installed", false]);
    expect(admin.requests.length).toBe(before);
  });
});
