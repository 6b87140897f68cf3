import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";

/** The Worker's and objects' tests that watch games live. */
const LIVE_TESTS = [
  "test/objects/live*.test.ts",
  "test/objects/relay/**/*.test.ts",
  "test/objects/delete-game.test.ts",
  "test/worker/shards-live.test.ts",
  "test/worker/friends.test.ts",
  "test/worker/cohorts.test.ts",
  "test/worker/meta.test.ts",
];

/** The optional per-ingest-key limit, bound only for its own tests (every other test writes with one key). */
const INGEST_LIMIT_TESTS = ["test/worker/ingest-limit.test.ts"];

/** A project of tests that run inside workerd, with the test keys and, for some, other bindings. */
function workers(
  name: string,
  include: string[],
  exclude: string[],
  bindings: Record<string, string> = {},
  ratelimits: Record<string, { namespace_id: string; simple: { limit: number; period: 10 | 60 } }> = {},
) {
  return {
    extends: true as const,
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
            ...bindings,
          },
          ratelimits,
        },
      })),
    ],
    test: {
      name,
      include,
      // One workerd for all of a worker's files (starting one per file cost ~10 s each). Files share its
      // storage: each writes games of its own names, and asserts nothing about the others'.
      isolate: false,
      // Property tests and kills run long on a loaded 2-core machine: a hang still fails.
      testTimeout: 30_000,
      // The line-protocol parser is pure: its tests run in Node with the engine's.
      exclude: ["test/worker/ingest/**", ...exclude],
      setupFiles: ["./test/support/apply-migrations.ts"],
    },
  };
}

// The Worker and its Durable Objects run inside workerd; the pure modules
// (ranking engine, parsers, web client logic, the layout check) run in plain
// Node, faster; the browser and end-to-end tests drive a real `wrangler dev`.
export default defineConfig({
  test: {
    // Most files wait on workerd, wrangler or a browser more than they compute: two at a time
    // (vitest's default is one on a 2-core machine).
    maxWorkers: 2,
    projects: [
      // Relays' own tests need relayed games: they run in the project below only.
      workers(
        "workers",
        ["test/worker/**/*.test.ts", "test/objects/**/*.test.ts"],
        ["test/objects/relay/**", ...INGEST_LIMIT_TESTS],
      ),
      workers(
        "workers-ingest-limit",
        INGEST_LIMIT_TESTS,
        [],
        {},
        {
          INGEST_LIMIT: { namespace_id: "1003", simple: { limit: 5, period: 10 } },
        },
      ),
      // The live tests again, on games whose spectators beyond the first go to relays of two sockets each.
      workers("workers-relayed", LIVE_TESTS, [], { LIVE_RELAY_AFTER: "1", LIVE_RELAY_SOCKETS: "2" }),
      {
        test: {
          name: "node",
          environment: "node",
          // Property tests run long on a loaded 2-core machine: a hang still fails.
          testTimeout: 30_000,
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
          // A page on a loaded machine can take longer than vitest's 1 s to show what a poll waits for
          // (vitest's own browser mode waits 5 s). A poll that must be fast says its own timeout.
          expect: { poll: { timeout: 5000 } },
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
          expect: { poll: { timeout: 5000 } },
          // Its files mostly wait on their own servers (ports from each worker's range):
          // two at a time, in a group of their own after the others.
          sequence: { groupOrder: 1 },
          maxWorkers: 2,
        },
      },
    ],
  },
});
