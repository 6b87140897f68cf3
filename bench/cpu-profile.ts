// A V8 CPU profile (the inspector's Profiler.stop) turned into milliseconds
// per original source file and per bucket (a Durable Object class, the
// Worker, the runtime). Pure: the caller says which file a frame's position
// is in (through the bundle's source map) and which bucket a file belongs to.
//
// Invariants:
// - Every sample lands in exactly one bucket and one file, so the buckets and
//   the files each add up to `totalMs`.
// - A sample belongs to the bucket of the ROOT-most frame of our own code on
//   its stack: the class whose entry point the runtime called (a stack
//   entering through objects/game-board.ts is the game's, whatever engine/
//   code it reaches). Stacks with none of our code go to "gc", "idle" or
//   "runtime" (miniflare's wrappers, packages alone, native work).
// - workerd's V8 samples only while the isolate is entered, so a sample that
//   follows a long gap stands for one typical sampling period, not the idle
//   time before it.

/** The parts of a V8 `Profiler.Profile` this module reads. */
export interface CpuProfile {
  nodes: {
    id: number;
    callFrame: { functionName: string; scriptId: string; url: string; lineNumber: number; columnNumber: number };
    children?: number[];
  }[];
  startTime: number;
  endTime: number;
  samples?: number[];
  timeDeltas?: number[];
}

export type CallFrame = CpuProfile["nodes"][number]["callFrame"];

/** The bucket of a source file (relative to the repository), or undefined for code that is not ours. */
export type BucketRule = (file: string) => string | undefined;

export interface CpuBreakdown {
  /** Milliseconds per bucket. */
  byBucket: Record<string, number>;
  /** Self milliseconds per original source file (the sampled frame's file). */
  byFile: Record<string, number>;
  /** `byFile` within each bucket: what a bucket's time was spent on. */
  filesByBucket: Record<string, Record<string, number>>;
  totalMs: number;
  samples: number;
  /** The typical time between two samples while the isolate runs, in ms. */
  periodMs: number;
}

/**
 * A rule from path prefixes, the first match winning: the lead says
 * `["objects/relay/", "relay"]` and relay code has its own bucket.
 */
export function bucketsByPrefix(prefixes: [prefix: string, bucket: string][]): BucketRule {
  return (file) => prefixes.find(([prefix]) => file.startsWith(prefix))?.[1];
}

/**
 * Podium's classes: relays, shards, then any other object code is the game
 * object's. The Worker's requests enter through wrangler's middleware and
 * Hono, whose validators (zod) run before any worker/ frame; no object is
 * entered through them. engine/ and protocol/ are shared, so they are a bucket
 * only when the runtime enters them directly (a callback or a resumed async
 * function).
 */
export const PODIUM_PREFIXES: [prefix: string, bucket: string][] = [
  ["objects/relay/", "relay"],
  ["objects/shards/game-shard.ts", "shard"],
  ["objects/", "game"],
  ["worker/", "worker"],
  ["node_modules/wrangler/templates/middleware/", "worker"],
  ["node_modules/hono/", "worker"],
  ["node_modules/@hono/", "worker"],
  ["engine/", "shared"],
  ["protocol/", "shared"],
];

export const PODIUM_BUCKETS: BucketRule = bucketsByPrefix(PODIUM_PREFIXES);

/** A gap longer than this many typical periods had the isolate idle in it. */
const IDLE_GAP = 2;

export function breakdown(profile: CpuProfile, fileOf: (frame: CallFrame) => string, rule: BucketRule): CpuBreakdown {
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const bucketOfNode = new Map<number, string>();
  const fileOfNode = new Map<number, string>();
  // Root first, so the root-most frame of our code decides for all below it.
  const visit = (id: number, inherited: string | undefined) => {
    const node = nodes.get(id);
    if (node === undefined) return;
    const file = fileOf(node.callFrame);
    const own = inherited ?? rule(file);
    fileOfNode.set(id, file);
    bucketOfNode.set(id, own ?? unattributed(node.callFrame.functionName));
    for (const child of node.children ?? []) visit(child, own);
  };
  const childIds = new Set(profile.nodes.flatMap((n) => n.children ?? []));
  for (const n of profile.nodes) if (!childIds.has(n.id)) visit(n.id, undefined);

  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  const period = median(deltas.filter((d) => d > 0));
  const byBucket: Record<string, number> = {};
  const byFile: Record<string, number> = {};
  const filesByBucket: Record<string, Record<string, number>> = {};
  let totalUs = 0;
  samples.forEach((id, i) => {
    const delta = deltas[i] ?? period;
    const us = delta > IDLE_GAP * period ? period : delta;
    const bucket = bucketOfNode.get(id) ?? "runtime";
    const file = fileOfNode.get(id) ?? "(unknown)";
    byBucket[bucket] = (byBucket[bucket] ?? 0) + us / 1000;
    byFile[file] = (byFile[file] ?? 0) + us / 1000;
    filesByBucket[bucket] ??= {};
    const inBucket = filesByBucket[bucket];
    inBucket[file] = (inBucket[file] ?? 0) + us / 1000;
    totalUs += us;
  });
  return { byBucket, byFile, filesByBucket, totalMs: totalUs / 1000, samples: samples.length, periodMs: period / 1000 };
}

/**
 * Inclusive milliseconds per key (a function, say): a sample counts once for
 * every distinct key on its stack, so a caller holds what its callees took.
 * Samples are weighted as in `breakdown`.
 */
export function inclusive(profile: CpuProfile, keyOf: (frame: CallFrame) => string): Record<string, number> {
  const parentOf = new Map<number, number>();
  for (const n of profile.nodes) for (const child of n.children ?? []) parentOf.set(child, n.id);
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const deltas = profile.timeDeltas ?? [];
  const period = median(deltas.filter((d) => d > 0));
  const totals: Record<string, number> = {};
  (profile.samples ?? []).forEach((id, i) => {
    const delta = deltas[i] ?? period;
    const ms = (delta > IDLE_GAP * period ? period : delta) / 1000;
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parentOf.get(at)) {
      const node = nodes.get(at);
      if (node !== undefined) seen.add(keyOf(node.callFrame));
    }
    for (const key of seen) totals[key] = (totals[key] ?? 0) + ms;
  });
  return totals;
}

/** V8's pseudo-frames name what the isolate did outside any script. */
function unattributed(functionName: string): string {
  if (functionName === "(garbage collector)") return "gc";
  if (functionName === "(idle)") return "idle";
  return "runtime";
}

function median(values: number[]): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}
