import { fileURLToPath } from "node:url";

import { defineConfig } from "vitest/config";

// Fault tests: the built portal in its own process on the PostgreSQL server (DATABASE_URL),
// killed, restarted and cut off from its database. One file at a time: they time things.
export default defineConfig({
  resolve: { alias: { "~": fileURLToPath(new URL("./app", import.meta.url)) } },
  test: {
    include: ["tests/faults/**/*.test.ts"],
    pool: "forks",
    fileParallelism: false,
    testTimeout: 300_000,
    hookTimeout: 120_000,
    env: { NODE_ENV: "test", SESSION_SECRET: "fault-test-secret-fault-test-secret-0123", DEMO_DATA: "false" },
  },
});
