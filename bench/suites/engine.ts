// The ranking engine in plain Node at N = 1e4, 1e5, 1e6 players, against a
// Redis sorted set and a naive re-sorted array on the same ids, scores and
// operations, in the same run.
import { Ranking } from "../../engine/ranking";
import type { PlayerState } from "../../engine/rules";
import { sortStrings } from "../../engine/string-sort";
import { collidingNames } from "../../test/support/colliding-names";
import { BATCH, derivedBatches, derivedBoard, heapNow, initialStates, NOW, scrambled } from "../engine-workload";
import { memberName, redisAvailable, runRedis } from "../redis";
import { type BenchContext, type BenchResult, compared } from "../report";

/** Timed rounds per figure, of which the best counts (both for Podium and for Redis); one when quick. */
const ROUNDS = 3;

export async function run(ctx: BenchContext): Promise<BenchResult[]> {
  const sizes = ctx.quick ? [10_000] : [10_000, 100_000, 1_000_000];
  const results: BenchResult[] = [];
  const haveRedis = redisAvailable();
  const rounds = ctx.quick ? 1 : ROUNDS;
  const rate = rater(rounds, ctx.quick ? 0.5 : 1);
  if (!haveRedis) ctx.progress("redis-server/redis-benchmark not installed: skipping the Redis baseline");
  for (const n of sizes) {
    ctx.progress(`engine at ${n.toLocaleString("en-US")} players`);
    const podium = await measurePodium(n, ctx, rate, rounds);
    const naive = n <= 100_000 ? measureNaive(n, ctx, rate) : undefined;
    const redis = haveRedis ? await runRedis(n, ctx.quick ? 200_000 : 1_000_000, rounds, ctx.progress) : undefined;
    const row = (
      name: string,
      value: number,
      unit: string,
      lowerIsBetter: boolean,
      redisValue?: number,
      naiveValue?: number,
    ) => {
      if (redisValue !== undefined) {
        results.push(
          compared(
            { suite: "engine", name, n, value, unit, baseline: "redis", baselineValue: redisValue },
            lowerIsBetter,
          ),
        );
      } else if (naiveValue === undefined) {
        results.push({ suite: "engine", name, n, value, unit });
      }
      if (naiveValue !== undefined) {
        results.push(
          compared(
            { suite: "engine", name, n, value, unit, baseline: "naive", baselineValue: naiveValue },
            lowerIsBetter,
          ),
        );
      }
    };
    row("upsert existing (batches of 1000)", podium.upserts, "ops/s", false, redis?.zaddPerSecond, naive?.upserts);
    row("insert new players", podium.inserts, "ops/s", false, undefined, naive?.inserts);
    row("rank of player", podium.ranks, "ops/s", false, redis?.zrevrankPerSecond, naive?.ranks);
    row("top 15", podium.top15, "ops/s", false, redis?.top15PerSecond, naive?.top15);
    row("one upsert, then top 15 (first read, uncached)", podium.top15AfterChange, "ops/s", false);
    row("page of 50 at the middle", podium.middle50, "ops/s", false, redis?.middle50PerSecond, naive?.middle50);
    row("around player (±5)", podium.around, "ops/s", false, undefined, naive?.around);
    row("bulk build from unsorted", podium.buildMs, "ms", true, undefined, naive?.buildMs);
    row("heap per player", podium.bytesPerPlayer, "B", true, redis?.bytesPerMember);
  }
  results.push(measureFlooding(ctx, rounds));
  results.push(measureKeySort(ctx));
  results.push(...(await measureDerived(ctx, rate)));
  return results;
}

/**
 * A flush's sort of the keys it writes (objects/storage/write-behind.ts):
 * 40,000 players' names drawn from 10^5 in random order, as a flush of stats
 * at 10^5 players sorts them, against `Array.prototype.sort` on the same keys.
 */
function measureKeySort(ctx: BenchContext): BenchResult {
  const keys = 40_000;
  ctx.progress(`sorting a flush's ${keys.toLocaleString("en-US")} keys`);
  // Keys as a flush holds them: flat strings, looked up in a Map (which internalizes them).
  const held = new Map<string, number>();
  while (held.size < keys) held.set(memberName(Math.floor(Math.random() * 100_000)), held.size);
  const names = [...held.keys()];
  const medianMs = (sort: (keys: string[]) => unknown) => {
    const times: number[] = [];
    // The first rounds warm the function up; every round sorts the keys in a new random order.
    for (let round = 0; round < (ctx.quick ? 9 : 31); round++) {
      const copy = shuffled(names);
      const start = performance.now();
      sort(copy);
      if (round >= 2) times.push(performance.now() - start);
    }
    return times.sort((a, b) => a - b)[times.length >> 1];
  };
  return compared(
    {
      suite: "engine",
      name: "sort a flush's keys (multikey quicksort)",
      n: keys,
      value: medianMs(sortStrings),
      unit: "ms",
      baseline: "Array.prototype.sort",
      baselineValue: medianMs((copy) => copy.sort()),
    },
    true,
  );
}

function shuffled<T>(items: readonly T[]): T[] {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [copy[i], copy[j]] = [copy[j], copy[i]];
  }
  return copy;
}

/**
 * Derived boards (teams, countries, MVPs): the same 1000-report batches on a board with
 * teams (10^3), countries and trending on, against a plain board; trending's
 * top 10 over every player active; and memory with a team and a country.
 */
async function measureDerived(ctx: BenchContext, rate: Rate): Promise<BenchResult[]> {
  const n = ctx.quick ? 20_000 : 100_000;
  const teams = ctx.quick ? 200 : 1000;
  ctx.progress(`derived boards at ${n.toLocaleString("en-US")} players, ${teams} teams`);
  const states = initialStates(n);
  const build = async (derived: boolean) => {
    const before = await heapNow();
    const board = derivedBoard(states, teams, derived);
    return { board, bytes: ((await heapNow()) - before) / n };
  };
  const batches = derivedBatches(n, teams);
  const plain = await build(false);
  const derived = await build(true);
  // The derived boards are built on their first read: the heap a game that reads them holds.
  const unread = await heapNow();
  derived.board.derived.teamsPage(0, 10);
  derived.board.derived.countriesPage(0, 10);
  derived.board.derived.mvpsPage(0, 10);
  const builtBytes = derived.bytes + ((await heapNow()) - unread) / n;
  const batchRate = (board: Ranking, withTeams: boolean, read = false) => {
    let round = 0;
    return rate(() => {
      const batch = batches[round++ % 64];
      board.apply(board.plan(withTeams ? batch : batch.map(({ team: _team, ...r }) => r)), NOW);
      // As live views of the teams and countries boards would, after every batch.
      if (read) {
        board.derived.teamsPage(0, 10);
        board.derived.countriesPage(0, 10);
      }
    }, 400);
  };
  const plainRate = batchRate(plain.board, false);
  const derivedRate = batchRate(derived.board, true);
  const derivedReadRate = batchRate(derived.board, true, true);
  // Every player active in the trending windows, with two reports in the short one.
  const beforeTrending = await heapNow();
  for (let i = 0; i < n; i += BATCH) {
    const reports = Array.from({ length: Math.min(BATCH, n - i) }, (_, k) => memberName(i + k)).flatMap((player) => [
      { player, score: 1 + (i % 5), ts: NOW - 2000 },
      { player, score: 2, ts: NOW - 1000 },
    ]);
    derived.board.apply(derived.board.plan(reports), NOW);
  }
  const trendingBytes = ((await heapNow()) - beforeTrending) / derived.board.derived.trendingPlayers;
  const trendingPerSecond = rate(() => derived.board.derived.trendingPage(NOW, 10), 400);
  const ms = (perSecond: number) => 1000 / perSecond;
  return [
    compared(
      {
        suite: "engine",
        name: "1000-report batch, teams + countries + trending on",
        n,
        value: ms(derivedRate),
        unit: "ms",
        baseline: "the same batch, plain board",
        baselineValue: ms(plainRate),
        note: "goal: at most 2x (ratio >= 0.5); teams, countries and MVPs catch up on their next read",
      },
      true,
    ),
    compared(
      {
        suite: "engine",
        name: "the same, the teams and countries boards read after every batch",
        n,
        value: ms(derivedReadRate),
        unit: "ms",
        baseline: "the same batch, plain board",
        baselineValue: ms(plainRate),
      },
      true,
    ),
    {
      suite: "engine",
      name: `trending top 10 over ${derived.board.derived.trendingPlayers.toLocaleString("en-US")} active players`,
      n,
      value: ms(trendingPerSecond),
      unit: "ms",
      note: "goal: at most 20 ms per recompute",
    },
    compared(
      {
        suite: "engine",
        name: "heap per player with a team and a country (trending on), teams, countries and MVPs read",
        n,
        value: builtBytes,
        unit: "B",
        baseline: "plain board",
        baselineValue: plain.bytes,
        note: `goal: at most 100 B; ${derived.bytes.toFixed(0)} B before the derived boards' first read`,
      },
      true,
    ),
    {
      suite: "engine",
      name: "trending memory per active player",
      n: derived.board.derived.trendingPlayers,
      value: trendingBytes,
      unit: "B",
      note: "only players active in the long window are kept",
    },
  ];
}

/**
 * Hash flooding: names chosen to collide under the old unkeyed hash (16,384
 * of them stalled a game for 4.3 s), against as many ordinary names, each
 * batch inserted into a fresh board. Ratio 1 means the attack buys nothing.
 */
function measureFlooding(ctx: BenchContext, rounds: number): BenchResult {
  const stages = ctx.quick ? 14 : 15;
  ctx.progress(`hash flooding: ${2 ** stages} colliding names against as many ordinary ones`);
  const adversarial = collidingNames(stages);
  const ordinary = adversarial.map((name, i) => memberName(i).padEnd(name.length, "-"));
  const insertMs = (names: string[]) => {
    let best = Number.POSITIVE_INFINITY;
    for (let round = 0; round < rounds + 1; round++) {
      const board = new Ranking();
      const start = performance.now();
      for (let i = 0; i < names.length; i += BATCH) {
        board.apply(
          names.slice(i, i + BATCH).map((player, k) => ({ player, score: i + k, ts: NOW })),
          NOW,
        );
      }
      best = Math.min(best, performance.now() - start);
    }
    return best;
  };
  const attacked = insertMs(adversarial);
  return compared(
    {
      suite: "engine",
      name: "insert names colliding under the old hash",
      n: adversarial.length,
      value: attacked,
      unit: "ms",
      baseline: "ordinary names",
      baselineValue: insertMs(ordinary),
    },
    true,
  );
}

interface Measures {
  upserts: number;
  inserts: number;
  ranks: number;
  top15: number;
  top15AfterChange: number;
  middle50: number;
  around: number;
  buildMs: number;
  bytesPerPlayer: number;
}

type Rate = (op: (i: number) => void, ms?: number) => number;

/**
 * A rate measurer: it calls `op` with 0, 1, 2... for a short warm-up, then in
 * `rounds` timed rounds of about `ms` times `scale` each, and returns the best
 * round's calls per second. The VMs this runs on swing timings by up to 2x,
 * and the best round is the one least disturbed; Redis gets the same
 * treatment (runRedis).
 */
const rater =
  (rounds: number, scale: number): Rate =>
  (op, ms = 250) => {
    const roundMs = ms * scale;
    let i = 0;
    const round = (windowMs: number) => {
      const first = i;
      const start = performance.now();
      let elapsed = 0;
      while (elapsed < windowMs) {
        for (const end = i + 64; i < end; i++) op(i);
        elapsed = performance.now() - start;
      }
      return ((i - first) / elapsed) * 1000;
    };
    round(roundMs / 2);
    return Math.max(...Array.from({ length: rounds }, () => round(roundMs)));
  };

async function measurePodium(n: number, ctx: BenchContext, rate: Rate, rounds: number): Promise<Measures> {
  const states = initialStates(n);
  let buildMs = Number.POSITIVE_INFINITY;
  for (let i = 1; i < rounds; i++) buildMs = Math.min(buildMs, timeBuild(states));
  const before = await heapNow();
  let board: Ranking | undefined = new Ranking();
  buildMs = Math.min(buildMs, timeBuild(states, board));
  const bytesPerPlayer = ((await heapNow()) - before) / n;
  if (!("gc" in globalThis)) ctx.progress("run node with --expose-gc for exact heap figures (npm run bench does)");

  const updates = Array.from({ length: BATCH * 64 }, (_, i) => ({
    player: memberName(scrambled(i * 7 + 3, n)),
    score: scrambled(i * 13 + 5, n),
    ts: 1_800_000_000_000 + i,
  }));
  let round = 0;
  const upserts =
    rate(() => {
      const at = (round++ % 64) * BATCH;
      board?.apply(updates.slice(at, at + BATCH), NOW);
    }) * BATCH;
  // Query ids are made before timing: redis-benchmark makes its keys outside Redis too.
  const queries = Array.from({ length: 65_536 }, (_, i) => memberName(scrambled(i, n)));
  const ranks = rate((i) => board?.entry(queries[i & 65_535]));
  const top15 = rate(() => board?.page(0, 15));
  // The top is cached until the next change: also measure a read right after one.
  const top15AfterChange = rate((i) => {
    board?.apply([{ player: queries[i & 65_535], score: scrambled(i * 3, n), ts: 1_900_000_000_000 + i }], NOW);
    board?.page(0, 15);
  });
  const middle50 = rate(() => board?.page(n >> 1, 50));
  const around = rate((i) => board?.around(queries[i & 65_535], 5));
  let fresh = n;
  const inserts =
    rate(() => {
      const batch = Array.from({ length: BATCH }, () => ({ player: memberName(fresh++), score: fresh % n, ts: NOW }));
      board?.apply(batch, NOW);
    }, 200) * BATCH;
  board = undefined;
  return { upserts, inserts, ranks, top15, top15AfterChange, middle50, around, buildMs, bytesPerPlayer };
}

/** Milliseconds to load `states` into a new board (or `board`). */
function timeBuild(states: PlayerState[], board = new Ranking()): number {
  const start = performance.now();
  board.load(states, NOW);
  return performance.now() - start;
}

/** The naive board: an array kept sorted by re-sorting it after every update. */
function measureNaive(n: number, ctx: BenchContext, rate: Rate): Measures {
  ctx.progress(`naive sorted array at ${n.toLocaleString("en-US")}`);
  const compare = (a: PlayerState, b: PlayerState) =>
    b.score - a.score || a.ts - b.ts || (a.player < b.player ? -1 : a.player > b.player ? 1 : 0);
  const states = initialStates(n);
  const start = performance.now();
  const sorted = [...states].sort(compare);
  const buildMs = performance.now() - start;
  const byPlayer = new Map(sorted.map((s) => [s.player, s]));
  const cap = 300;
  const upserts = rate((i) => {
    const state = byPlayer.get(memberName(scrambled(i * 7 + 3, n))) as PlayerState;
    state.score = scrambled(i * 13 + 5, n);
    sorted.sort(compare);
  }, cap);
  const rankOf = (player: string) => sorted.findIndex((s) => s.player === player);
  const queries = Array.from({ length: 4096 }, (_, i) => memberName(scrambled(i, n)));
  const ranks = rate((i) => rankOf(queries[i & 4095]), cap);
  const top15 = rate(() => sorted.slice(0, 15).map((s, i) => ({ rank: i + 1, ...s })));
  const middle50 = rate(() => sorted.slice(n >> 1, (n >> 1) + 50).map((s, i) => ({ rank: i + 1, ...s })));
  const around = rate((i) => {
    const at = rankOf(queries[i & 4095]);
    return sorted.slice(Math.max(0, at - 5), at + 6);
  }, cap);
  let fresh = n;
  const inserts = rate(() => {
    const state = { player: memberName(fresh++), score: fresh % n, ts: NOW };
    sorted.push(state);
    byPlayer.set(state.player, state);
    sorted.sort(compare);
  }, cap);
  return {
    upserts,
    inserts,
    ranks,
    top15,
    top15AfterChange: Number.NaN,
    middle50,
    around,
    buildMs,
    bytesPerPlayer: Number.NaN,
  };
}
