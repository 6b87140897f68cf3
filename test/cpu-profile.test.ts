import { describe, expect, it } from "vitest";
import {
  breakdown,
  bucketsByPrefix,
  type CallFrame,
  type CpuProfile,
  inclusive,
  PODIUM_BUCKETS,
} from "../bench/cpu-profile";

// bench/cpu-profile.ts on hand-made profiles: where each sample's time goes.
// A frame's "file" here is its url, as if the source map had mapped it.
const fileOf = (frame: CallFrame) => frame.url || frame.functionName;

/** A profile from stacks (root first, as file paths or V8 pseudo-frames) and each sample's delta in us. */
function profileOf(samples: [stack: string[], deltaUs: number][]): CpuProfile {
  const nodes: CpuProfile["nodes"] = [{ id: 1, callFrame: frame("(root)"), children: [] }];
  const sampleIds = samples.map(([stack]) => {
    let parent = nodes[0];
    for (const name of stack) {
      let child = nodes.find((n) => parent.children?.includes(n.id) && fileOf(n.callFrame) === name);
      if (child === undefined) {
        child = { id: nodes.length + 1, callFrame: frame(name), children: [] };
        nodes.push(child);
        parent.children?.push(child.id);
      }
      parent = child;
    }
    return parent.id;
  });
  const timeDeltas = samples.map(([, delta]) => delta);
  const endTime = timeDeltas.reduce((a, b) => a + b, 0);
  return { nodes, startTime: 0, endTime, samples: sampleIds, timeDeltas };
}

function frame(name: string): CallFrame {
  const pseudo = name.startsWith("(");
  return {
    functionName: pseudo ? name : "f",
    scriptId: pseudo ? "0" : "1",
    url: pseudo ? "" : name,
    lineNumber: 0,
    columnNumber: 0,
  };
}

describe("breakdown", () => {
  it("gives a sample to the root-most frame of our code: the engine under the game object is the game's", () => {
    const profile = profileOf([
      [["node_modules/miniflare/do-wrapper.js", "objects/game-board.ts", "engine/ranking.ts"], 200],
      [["objects/game-board.ts", "objects/live/views.ts"], 200],
      [["node_modules/hono/dist/compose.js", "worker/routes/scores.ts", "objects/reports.ts"], 200],
      [["objects/relay/live-relay.ts", "objects/live/views.ts", "engine/ranking.ts"], 200],
    ]);
    const rule = bucketsByPrefix([
      ["objects/relay/", "relay"],
      ["objects/", "game"],
      ["worker/", "worker"],
    ]);
    const result = breakdown(profile, fileOf, rule);
    expect(result.byBucket).toEqual({ game: 0.4, worker: 0.2, relay: 0.2 });
    expect(result.byFile).toEqual({
      "engine/ranking.ts": 0.4,
      "objects/live/views.ts": 0.2,
      "objects/reports.ts": 0.2,
    });
    expect(result.filesByBucket.relay).toEqual({ "engine/ranking.ts": 0.2 });
    expect(result.totalMs).toBeCloseTo(0.8, 9);
  });

  it("puts stacks with none of our code in gc, idle or runtime, by V8's pseudo-frames", () => {
    const profile = profileOf([
      [["(garbage collector)"], 100],
      [["(idle)"], 100],
      [["(program)"], 100],
      [["node_modules/miniflare/do-wrapper.js"], 100],
      [["(native exec)", "objects/storage/stats.ts"], 100],
    ]);
    const result = breakdown(profile, fileOf, PODIUM_BUCKETS);
    expect(result.byBucket).toEqual({ gc: 0.1, idle: 0.1, runtime: 0.2, game: 0.1 });
  });

  it("counts a sample after the isolate was idle as one typical period, not the gap", () => {
    const profile = profileOf([
      [["objects/game-board.ts"], 200],
      [["objects/game-board.ts"], 180],
      [["worker/index.ts"], 50_000],
      [["worker/index.ts"], 220],
      [["worker/index.ts"], 200],
    ]);
    const result = breakdown(profile, fileOf, PODIUM_BUCKETS);
    expect(result.periodMs).toBe(0.2);
    // 50 ms is more than twice the period: idle before it.
    expect(result.byBucket.game).toBeCloseTo(0.38, 9);
    expect(result.byBucket.worker).toBeCloseTo(0.2 + 0.22 + 0.2, 9);
  });

  it("Podium's rule: relays, shards, the game object, the Worker (through Hono), shared code, others not ours", () => {
    expect(PODIUM_BUCKETS("objects/relay/live-relay.ts")).toBe("relay");
    expect(PODIUM_BUCKETS("objects/shards/game-shard.ts")).toBe("shard");
    expect(PODIUM_BUCKETS("objects/shards/shard-boards.ts")).toBe("game");
    expect(PODIUM_BUCKETS("objects/game-board.ts")).toBe("game");
    expect(PODIUM_BUCKETS("objects/players/player-board.ts")).toBe("game");
    expect(PODIUM_BUCKETS("worker/routes/scores.ts")).toBe("worker");
    expect(PODIUM_BUCKETS("node_modules/hono/dist/compose.js")).toBe("worker");
    expect(PODIUM_BUCKETS("engine/ranking.ts")).toBe("shared");
    expect(PODIUM_BUCKETS("node_modules/zod/v4/core/schemas.js")).toBeUndefined();
    expect(PODIUM_BUCKETS("(program)")).toBeUndefined();
  });
});

describe("inclusive", () => {
  it("counts a sample once for every distinct key on its stack, a recursive one once", () => {
    const profile = profileOf([
      [["a.ts", "b.ts", "c.ts"], 200],
      [["a.ts", "b.ts"], 200],
      [["a.ts", "b.ts", "a.ts"], 200],
      [["d.ts"], 200],
    ]);
    const ms = inclusive(profile, fileOf);
    const rounded = Object.fromEntries(
      Object.entries(ms).map(([key, value]) => [key, Math.round(value * 1000) / 1000]),
    );
    expect(rounded).toEqual({ "(root)": 0.8, "a.ts": 0.6, "b.ts": 0.6, "c.ts": 0.2, "d.ts": 0.2 });
  });
});
