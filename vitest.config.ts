import tsconfigPaths from "vite-tsconfig-paths";
import { defineConfig, type TestProjectInlineConfiguration } from "vitest/config";
import { TEST_ENV } from "./tests/setup/test-env";

// Everything that touches a database runs once per provider, each test file on a database of its own.
function databaseProject(provider: "sqlite" | "postgresql"): TestProjectInlineConfiguration {
  return {
    extends: true,
    test: {
      name: provider,
      include: ["app/**/*.server.test.ts", "tests/integration/**/*.test.ts"],
      env: { ...TEST_ENV, TEST_DB_PROVIDER: provider },
      globalSetup: ["tests/setup/global-db.ts"],
      setupFiles: ["tests/setup/per-file-db.ts"],
      testTimeout: 30_000,
      hookTimeout: 60_000,
    },
  };
}

// Test layers: pure domain logic ("unit"), everything that touches a database
// (run once per provider), and the browser flow against a running demo server.
export default defineConfig({
  plugins: [tsconfigPaths()],
  test: {
    env: TEST_ENV,
    projects: [
      {
        extends: true,
        test: {
          name: "unit",
          include: ["app/**/*.test.ts", "scripts/**/*.test.ts"],
          exclude: ["**/*.server.test.ts", "**/node_modules/**"],
        },
      },
      databaseProject("sqlite"),
      databaseProject("postgresql"),
      {
        extends: true,
        test: {
          name: "e2e",
          include: ["tests/e2e/**/*.test.ts"],
          testTimeout: 120_000,
          hookTimeout: 240_000,
        },
      },
      // The checkout UI extension (Preact + jsdom): its own config in its folder.
      "extensions/sms-consent-checkout/vitest.config.ts",
    ],
  },
});
