// @vitest-environment node
// (esbuild refuses to run under jsdom's TextEncoder.)
import { expect, test } from "vitest";
import { buildBundles, LIMIT_BYTES, readTargets } from "../scripts/build.mjs";

test("every bundle, and the deployed one with both targets, fits Shopify's 64 KB compressed limit", async () => {
  const targets = await readTargets();
  expect(targets.map(({ target }) => target)).toEqual([
    "purchase.checkout.contact.render-after",
    "purchase.thank-you.block.render",
  ]);
  const bundles = await buildBundles();
  expect(bundles).toHaveLength(targets.length + 1);
  for (const bundle of bundles) expect(bundle.gzip, bundle.name).toBeLessThan(LIMIT_BYTES);
}, 30_000);
