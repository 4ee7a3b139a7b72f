import { fileURLToPath } from "node:url";

import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: { alias: { "~": fileURLToPath(new URL("./app", import.meta.url)) } },
  test: {
    include: ["tests/**/*.test.ts"],
    exclude: ["tests/browser/**", "tests/faults/**", "node_modules/**"],
    globalSetup: ["tests/support/global-setup.ts"],
    pool: "forks",
    // Two forks measured fastest here (4m04 against 5m16 with one per core): each file opens its own
    // database, and more forks only contend for the same disk and CPU.
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 60_000,
    env: {
      NODE_ENV: "test",
      SESSION_SECRET: "test-secret-test-secret-test-secret-0123",
      DEMO_DATA: "false",
      // A page that looks up a text outside its namespaces fails (app/i18n/i18n.server.ts).
      I18N_STRICT: "1",
    },
  },
});
