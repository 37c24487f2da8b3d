import { defineConfig } from "vitest/config";

// Every test runs in Node. Edge tests start the real Worker inside workerd through
// Miniflare; Redis-backed tests use a unique key prefix and queue name each.
export default defineConfig({
  test: {
    include: ["**/*.test.ts"],
    exclude: ["**/node_modules/**", ".wrangler/**", ".data/**", "**/.git/**"],
    environment: "node",
    pool: "forks",
    testTimeout: 60_000,
    hookTimeout: 120_000,
    globalSetup: ["test/support/global-setup.ts"],
  },
});
