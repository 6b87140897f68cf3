import { afterAll, beforeAll, expect, it } from "vitest";
import { bucketsByPrefix } from "../../bench/cpu-profile";
import { ObjectCpu } from "../../bench/object-cpu";
import { ADMIN_KEY, DevServer, INGEST_KEY } from "../support/dev-server";

// bench/object-cpu.ts against a real `wrangler dev`: the inspector's samples,
// mapped through the bundle's source map, name our files and classes.
const server = new DevServer("wrangler.toml", undefined, { inspector: true });
beforeAll(() => server.start(), 120_000);
afterAll(() => server.dispose());

async function post(game: string, round: number): Promise<void> {
  const scores = Array.from({ length: 1000 }, (_, k) => ({ player: `p${(round * 1000 + k) % 20_000}`, score: k }));
  const res = await fetch(`${server.url}/v1/games/${game}/scores`, {
    method: "POST",
    headers: { authorization: `Bearer ${INGEST_KEY}`, "content-type": "application/json" },
    body: JSON.stringify({ scores }),
  });
  expect(res.status).toBe(200);
}

it("splits the isolate's CPU into the game object's, the Worker's and the runtime's, per source file", async () => {
  const game = "e2e-object-cpu";
  await fetch(`${server.url}/v1/games/${game}`, {
    method: "PUT",
    headers: { authorization: `Bearer ${ADMIN_KEY}`, "content-type": "application/json" },
    body: "{}",
  });
  const cpu = await ObjectCpu.attach(server);
  const before = server.cpuByThread();
  for (let round = 0; round < 40; round++) await post(game, round);
  const after = server.cpuByThread();
  const report = await cpu.stop();
  // The busiest workerd thread runs the isolate.
  const isolateThreadMs = Math.max(
    ...[...after]
      .filter(([, t]) => t.comm === "workerd")
      .map(([id, t]) => (t.seconds - (before.get(id)?.seconds ?? 0)) * 1000),
  );

  expect(report.samples).toBeGreaterThan(100);
  expect(report.byBucket.game).toBeGreaterThan(0);
  expect(report.byBucket.worker).toBeGreaterThan(0);
  // Applying 1000 reports in the object costs more than parsing and forwarding them.
  expect(report.byBucket.game).toBeGreaterThan(report.byBucket.worker * 0.25);
  const files = Object.keys(report.byFile);
  expect(files).toContain("objects/game-board.ts");
  expect(files.some((f) => f.startsWith("engine/"))).toBe(true);
  expect(files.some((f) => f.startsWith("worker/"))).toBe(true);
  expect(files.some((f) => f.startsWith("node_modules/hono/"))).toBe(true);
  // Hono's validators run before any worker/ frame, and are still the Worker's.
  expect(Object.keys(report.filesByBucket.worker)).toContain("node_modules/zod/v4/core/schemas.js");
  const sum = (values: Record<string, number>) => Object.values(values).reduce((a, b) => a + b, 0);
  expect(sum(report.byBucket)).toBeCloseTo(report.totalMs, 6);
  expect(sum(report.byFile)).toBeCloseTo(report.totalMs, 6);
  // One isolate on one thread: never more than the window, nor than its thread's CPU (counted in
  // 10 ms ticks), and most of that thread's CPU under this load (the rest: sockets, SQLite commits).
  expect(report.totalMs).toBeLessThan(report.wallMs * 1.05);
  expect(report.totalMs).toBeLessThan(isolateThreadMs * 1.1 + 20);
  expect(report.totalMs).toBeGreaterThan(isolateThreadMs * 0.4);
}, 120_000);

it("takes the lead's rule: a prefix names a bucket, and code under no prefix is the runtime's", async () => {
  const game = "e2e-object-cpu-rule";
  const cpu = await ObjectCpu.attach(server, { rule: bucketsByPrefix([["worker/", "front door"]]) });
  for (let round = 0; round < 10; round++) await post(game, round);
  const report = await cpu.stop();
  expect(report.byBucket["front door"]).toBeGreaterThan(0);
  expect(report.byBucket.game).toBeUndefined();
  // The object's samples, now under no rule, fall to the runtime.
  expect(report.byBucket.runtime).toBeGreaterThan(0);
}, 120_000);
