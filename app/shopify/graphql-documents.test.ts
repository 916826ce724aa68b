/**
 * Every Admin GraphQL document the app sends is valid against the Admin API
 * schema of the version in shopify.app.toml (offline introspection in
 * tests/fixtures/shopify). Documents live in the module that sends them,
 * tagged `#graphql`; each must be registered below, and a `#graphql` literal
 * anywhere in app/ that is not registered fails the test.
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { Kind, parse, validate, type OperationDefinitionNode } from "graphql";
import { describe, expect, it } from "vitest";
import { adminSchema, appApiVersion } from "../../tests/support/shopify-admin-server";
import { apiVersion } from "../shopify.server";
import { THANK_YOU_ORDER_QUERY } from "../checkout/thank-you-order.server";
import { SHOP_PROFILE_QUERY } from "./after-auth.server";
import { CUSTOMER_BY_PHONE_QUERY, SMS_CONSENT_UPDATE_MUTATION } from "./consent-sync.server";
import { DISCLOSURE_METAFIELD_SET_MUTATION, SHOP_ID_QUERY } from "./disclosure-metafield.server";

const REGISTERED: Record<string, Record<string, string>> = {
  "app/checkout/thank-you-order.server.ts": { THANK_YOU_ORDER_QUERY },
  "app/shopify/after-auth.server.ts": { SHOP_PROFILE_QUERY },
  "app/shopify/consent-sync.server.ts": { CUSTOMER_BY_PHONE_QUERY, SMS_CONSENT_UPDATE_MUTATION },
  "app/shopify/disclosure-metafield.server.ts": { SHOP_ID_QUERY, DISCLOSURE_METAFIELD_SET_MUTATION },
};

const ROOT = path.resolve(import.meta.dirname, "../..");
const documents = Object.entries(REGISTERED).flatMap(([file, exports]) => Object.entries(exports).map(([name, source]) => ({ file, name, source })));

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return /\.(ts|tsx)$/.test(entry.name) && !/\.test\.tsx?$/.test(entry.name) ? [full] : [];
  });
}

/** The `#graphql` template literals of a file, exactly as the code sends them. */
function graphqlLiterals(text: string): string[] {
  return [...text.matchAll(/`(#graphql[\s\S]*?)`/g)].map((match) => match[1]!);
}

describe("Admin GraphQL documents", () => {
  it("are checked against the API version the app uses", () => {
    expect(appApiVersion()).toBe("2026-07");
    expect(apiVersion).toBe(appApiVersion()); // app/shopify.server.ts and shopify.app.toml agree
  });

  it.each(documents)("$name ($file) is valid against the Admin schema", ({ source }) => {
    const document = parse(source);
    expect(validate(adminSchema(), document).map((error) => error.message)).toEqual([]);
    const operations = document.definitions.filter((definition): definition is OperationDefinitionNode => definition.kind === Kind.OPERATION_DEFINITION);
    expect(operations).toHaveLength(1);
    expect(operations[0]!.name?.value).toBeTruthy(); // named, so Shopify's logs and our test server can tell them apart
  });

  it("mutations ask for userErrors, so adminGraphql can throw on them", () => {
    for (const { name, source } of documents.filter((entry) => /^\s*#graphql\s+mutation\b/.test(entry.source))) {
      expect(source, name).toMatch(/userErrors\s*\{[^}]*\bmessage\b/);
    }
  });

  it("covers every #graphql document in app/ (register new ones above)", () => {
    const found = sourceFiles(path.join(ROOT, "app")).flatMap((file) =>
      graphqlLiterals(readFileSync(file, "utf8")).map((source) => ({ file: path.relative(ROOT, file).split(path.sep).join("/"), source })),
    );
    expect(found.length).toBeGreaterThan(0);
    for (const { file, source } of found) {
      expect(source, `${file}: build documents without \${…}; pass values as variables`).not.toContain("${");
      const registered = Object.values(REGISTERED[file] ?? {});
      expect(registered, `${file} sends a #graphql document that is not registered in graphql-documents.test.ts`).toContain(source);
    }
    expect(found).toHaveLength(documents.length);
  });
});
