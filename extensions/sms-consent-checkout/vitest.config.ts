import { defineProject } from "vitest/config";

// Its own project (not `extends: true`): Preact JSX and a DOM, none of the
// app's database setup. Run from the repository root: npx vitest run --project extension
export default defineProject({
  esbuild: { jsx: "automatic", jsxImportSource: "preact" },
  test: {
    name: "extension",
    environment: "jsdom",
    include: ["src/**/*.test.{ts,tsx}"],
    server: { deps: { inline: ["@shopify/ui-extensions-tester"] } },
  },
});
