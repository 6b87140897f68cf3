import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";

// The Worker and its Durable Objects run inside workerd; the pure modules
// (ranking engine, parsers, web client logic, the layout check) run in plain
// Node, faster; the browser and end-to-end tests drive a real `wrangler dev`.
export default defineConfig({
  test: {
    projects: [
      {
        extends: true,
        plugins: [
          cloudflareTest(async () => ({
            wrangler: { configPath: "./wrangler.toml" },
            miniflare: {
              bindings: {
                TEST_MIGRATIONS: await readD1Migrations("./migrations"),
                INGEST_KEYS: "ingest-test-key,scoped-test-key:scoped-*|solo",
                ADMIN_KEYS: "admin-test-key",
                WEBHOOK_SECRET: "webhook-test-secret",
                PLAYER_TOKEN_SECRET: "player-token-test-secret",
              },
            },
          })),
        ],
        test: {
          name: "workers",
          include: ["test/worker/**/*.test.ts", "test/objects/**/*.test.ts"],
          // The line-protocol parser is pure: its tests run in Node with the engine's.
          exclude: ["test/worker/ingest/**"],
          setupFiles: ["./test/support/apply-migrations.ts"],
        },
      },
      {
        test: {
          name: "node",
          environment: "node",
          include: [
            "test/*.test.ts",
            "test/protocol/**/*.test.ts",
            "test/engine/**/*.test.ts",
            "test/worker/ingest/**/*.test.ts",
            "test/web/**/*.test.ts",
          ],
          exclude: ["test/web/**/*.browser.test.ts"],
        },
      },
      {
        // Pages in Debian's Chromium (never a downloaded browser), against `wrangler dev`.
        test: {
          name: "browser",
          environment: "node",
          include: ["test/web/**/*.browser.test.ts"],
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
      {
        // Against a real `wrangler dev`, as a user runs it.
        test: {
          name: "e2e",
          environment: "node",
          include: ["test/e2e/**/*.test.ts"],
          testTimeout: 180_000,
          hookTimeout: 120_000,
          // Its files mostly wait on their own servers (ports from each worker's range):
          // two at a time, in a group of their own after the others.
          sequence: { groupOrder: 1 },
          maxWorkers: 2,
        },
      },
    ],
  },
});
