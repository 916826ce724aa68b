import tsconfigPaths from "vite-tsconfig-paths";
import { defineConfig } from "vitest/config";
import { TEST_ENV } from "./tests/setup/test-env";

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
      {
        extends: true,
        test: {
          name: "sqlite",
          include: ["app/**/*.server.test.ts", "tests/integration/**/*.test.ts"],
          env: { ...TEST_ENV, TEST_DB_PROVIDER: "sqlite" },
          globalSetup: ["tests/setup/global-db.ts"],
          setupFiles: ["tests/setup/per-file-db.ts"],
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        extends: true,
        test: {
          name: "postgresql",
          include: ["app/**/*.server.test.ts", "tests/integration/**/*.test.ts"],
          env: { ...TEST_ENV, TEST_DB_PROVIDER: "postgresql" },
          globalSetup: ["tests/setup/global-db.ts"],
          setupFiles: ["tests/setup/per-file-db.ts"],
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
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
