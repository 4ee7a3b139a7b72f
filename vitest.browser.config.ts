import { fileURLToPath } from "node:url";

import { defineConfig } from "vitest/config";

// Browser tests: the built portal in its own process, driven through Debian's Chromium.
export default defineConfig({
  resolve: { alias: { "~": fileURLToPath(new URL("./app", import.meta.url)) } },
  test: {
    include: ["tests/browser/**/*.test.ts"],
    pool: "forks",
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 120_000,
    env: { SESSION_SECRET: "browser-test-secret-browser-test-secret-0123", NODE_ENV: "test", I18N_STRICT: "1" },
  },
});
