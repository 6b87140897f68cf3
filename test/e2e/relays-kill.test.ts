import { readdirSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { LiveFeed, type LiveFeedOptions } from "../../client/live";
import type { AnyLiveEntry, LiveBoardName } from "../../protocol/live";
import { ADMIN_KEY, DevServer } from "../support/dev-server";

// Relays hold what a game cannot (README, "Audiences beyond one object"). A
// game's spectators are spread over the game and several relays, watching
// different views, while reports stream in; wrangler dev (and workerd) is
// killed with SIGKILL mid-stream and started again on its state. Every
// spectator reconnects as the web client does (LiveFeed: on close, again
// with backoff, for a fresh snapshot) and must converge on the true board,
// never having applied a message past a gap in seq; every acknowledged
// report must be on the board.
const AFTER = 2;
const SOCKETS = 3;
const server = new DevServer("wrangler.toml", undefined, {
  vars: { LIVE_RELAY_AFTER: String(AFTER), LIVE_RELAY_SOCKETS: String(SOCKETS) },
});
beforeAll(() => server.start(), 120_000);
afterAll(() => server.dispose());

const GAME = "relays-kill";
const PLAYERS = 120;
const TEAMS = ["red", "blue", "green", "gold", "teal", "plum"];
const COUNTRIES = ["DE", "TR", "US", "JP"];

/** What each spectator watches: top 15, two followed players, a country, the teams board. */
const VIEWS: LiveFeedOptions<LiveBoardName>[] = [
  ...Array.from({ length: 4 }, () => ({ limit: 15 })),
  ...Array.from({ length: 2 }, () => ({ limit: 5, player: "p7", around: 2 })),
  ...Array.from({ length: 2 }, () => ({ limit: 5, player: "p77", around: 2 })),
  ...Array.from({ length: 3 }, () => ({ limit: 10, country: "DE" })),
  ...Array.from({ length: 3 }, () => ({ board: "teams" as const, limit: 5 })),
];
/**
 * Room for the spectators and two more: a game that still counted the
 * sockets its relays held before the kill would refuse their return (429).
 */
const MAX_SPECTATORS = VIEWS.length + 2;

interface Report {
  player: string;
  score: number;
  ts: number;
  team: string;
  country: string;
}

/** A spectator as the web client holds it, checking that each board follows the last one without a gap. */
interface Watcher {
  feed: LiveFeed<LiveBoardName>;
  /** Boards applied that did not follow on from the last one on the same socket. */
  skipped: number;
}

function watch(view: LiveFeedOptions<LiveBoardName>): Watcher {
  let socket = -1;
  let seq = 0;
  const watcher: Watcher = {
    skipped: 0,
    // A 1 s cap on the backoff (the page's is 10 s) keeps the test short; the reconnection is the page's.
    feed: new LiveFeed<LiveBoardName>(server.url, GAME, {
      ...view,
      maxBackoffMs: 1000,
      onBoard: (board) => {
        // A new socket starts from a snapshot; on one socket each board is the next seq.
        if (socket === watcher.feed.reconnects && board.seq !== seq + 1) watcher.skipped++;
        socket = watcher.feed.reconnects;
        seq = board.seq;
      },
    }),
  };
  return watcher;
}

async function read<T>(path: string): Promise<T> {
  const res = await fetch(`${server.url}/v1/games/${GAME}${path}`);
  expect(res.status, path).toBe(200);
  return (await res.json()) as T;
}

type Row = { rank: number; key: string; score: number };
/** Players' and teams' entries (the views here), as rank, key and score in board order. */
const rows = (entries: AnyLiveEntry[]): Row[] =>
  entries
    .map((e) => {
      const { rank, score, player, team } = e as { rank: number; score: number; player?: string; team?: string };
      return { rank, key: player ?? team ?? "", score };
    })
    .sort((a, b) => a.rank - b.rank || (a.key < b.key ? -1 : 1));

/** What a view must show, read over HTTP. */
async function truth(view: LiveFeedOptions<LiveBoardName>): Promise<Row[]> {
  type Page = { entries: AnyLiveEntry[] };
  if (view.board === "teams") return rows((await read<Page>(`/teams?limit=${view.limit}`)).entries);
  if (view.country !== undefined) {
    return rows((await read<Page>(`/leaderboard?limit=${view.limit}&country=${view.country}`)).entries);
  }
  const top = (await read<Page>(`/leaderboard?limit=${view.limit}`)).entries;
  if (view.player === undefined) return rows(top);
  const standing = await read<AnyLiveEntry & { around: AnyLiveEntry[] }>(
    `/players/${view.player}?around=${view.around}`,
  );
  const all = new Map<string, AnyLiveEntry>();
  for (const e of [...top, ...standing.around]) all.set((e as { player: string }).player, e);
  return rows([...all.values()]);
}

it("spectators on the game and its relays reconnect after a kill -9 and converge on the true board", async () => {
  expect(
    await server.send("PUT", `/v1/games/${GAME}`, { aggregate: "max", maxSpectators: MAX_SPECTATORS }, ADMIN_KEY),
  ).toBe(200);
  const best = new Map<string, number>();
  let tick = 0;
  const batch = (): Report[] =>
    Array.from({ length: 20 }, (_, i) => {
      const p = (tick * 37 + i * 11) % PLAYERS;
      const player = `p${p}`;
      const score = (best.get(player) ?? 0) + 1 + ((tick + i) % 7);
      best.set(player, score);
      return { player, score, ts: 1_700_000_000_000 + tick, team: TEAMS[p % TEAMS.length], country: COUNTRIES[p % 4] };
    }).filter((r, i, all) => all.findIndex((o) => o.player === r.player) === i);
  const acknowledged: Report[] = [];
  // Every player on the board before anyone watches (a followed player must be on it).
  tick++;
  const everyone = Array.from({ length: PLAYERS }, (_, p) => ({
    player: `p${p}`,
    score: 1,
    ts: 1_700_000_000_000,
    team: TEAMS[p % TEAMS.length],
    country: COUNTRIES[p % 4],
  }));
  for (const r of everyone) best.set(r.player, 1);
  expect(await server.send("POST", `/v1/games/${GAME}/scores`, { scores: everyone })).toBe(200);
  acknowledged.push(...everyone);

  // One at a time, so the first AFTER sockets are the game's and the rest fill relays in order.
  const watchers: Watcher[] = [];
  for (const view of VIEWS) {
    const watcher = watch(view);
    await watcher.feed.open();
    watchers.push(watcher);
  }

  let streaming = true;
  const stream = (async () => {
    while (streaming) {
      tick++;
      const scores = batch();
      const status = await server.send("POST", `/v1/games/${GAME}/scores`, { scores }).catch(() => 0);
      if (status === 200) acknowledged.push(...scores);
      await new Promise((r) => setTimeout(r, 40));
    }
  })();
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
  await sleep(1500);
  expect(watchers.map((w) => w.feed.reconnects)).toEqual(VIEWS.map(() => 0));
  await server.stop("SIGKILL");
  await server.start();
  await sleep(2000);
  streaming = false;
  await stream;

  // Every acknowledged report is on the board (under max, a player's best is at least each of its scores).
  const board = new Map<string, number>();
  for (const e of (await read<{ entries: { player: string; score: number }[] }>("/leaderboard?limit=1000")).entries) {
    board.set(e.player, e.score);
  }
  expect(acknowledged.filter((r) => (board.get(r.player) ?? -1) < r.score)).toEqual([]);

  // Every spectator reconnected and now shows exactly what the API answers.
  const want = await Promise.all(VIEWS.map(truth));
  const astray = () =>
    watchers
      .map((w, i) => ({ i, view: VIEWS[i], got: rows(w.feed.entries()) }))
      .filter(({ i, got }) => JSON.stringify(got) !== JSON.stringify(want[i]));
  for (let i = 0; i < 100 && astray().length > 0; i++) await sleep(100);
  expect(astray()).toEqual([]);
  for (const w of watchers) {
    expect(w.feed.reconnects).toBeGreaterThan(0);
    expect(w.skipped).toBe(0);
  }

  // The spectators were spread: the relays that held them left their storage behind.
  const relays = readdirSync(join(server.stateDir, "v3", "do"))
    .filter((dir) => dir.includes("LiveRelay"))
    .flatMap((dir) => readdirSync(join(server.stateDir, "v3", "do", dir)).filter((f) => f.endsWith(".sqlite")));
  expect(relays.length).toBeGreaterThanOrEqual(Math.ceil((VIEWS.length - AFTER) / SOCKETS));
  for (const w of watchers) w.feed.close();
}, 60_000);
