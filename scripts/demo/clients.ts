// `--workload clients`: game clients submit their own scores. The game server
// (ingest key) mints a player token for each player; each player then posts
// its own score with its token, about once a second, within the game's bounds.
// Cheaters try what the threat model stops: a score of 10^15 (422), another
// player's score (403), a team of its own (403), a time of its own to win ties
// or outdate the server's corrections (403: a token's reports take the
// server's time), another game (403), a forged token (401), and a flood (422 past the per-player report rate, 429 past the
// token's rate limit). Every answer is checked against what it must be, every
// board against the accepted reports, every spectator against the board, and
// the audit log against the config changes and token mints.
import { setTimeout as sleep } from "node:timers/promises";
import { type AdminDemo, everySecond, mark } from "./harness";
import { holdsTop, Spectators } from "./spectators";

const BOUNDS = { min: 0, max: 100_000, maxGainPerSecond: 50, maxReportsPerSecond: 2, maxFutureSeconds: 300 };
/** Requests one flooder sends at once: past any one 10 s window's 20, whichever way the windows fall. */
const FLOOD = 45;
/** Requests in flight at once, so a large run does not open thousands of sockets. */
const PARALLEL = 64;

type Attack = "inflate" | "impersonate" | "team" | "backdate" | "other-game" | "forged";
/** What each answer must be; anything else is a failure of the service. */
const EXPECTED: Record<Attack | "honest", number> = {
  honest: 200,
  inflate: 422,
  impersonate: 403,
  team: 403,
  backdate: 403,
  "other-game": 403,
  forged: 401,
};

interface Player {
  game: string;
  player: string;
  token: string;
  score: number;
  reported: boolean;
}

export async function runClients(demo: AdminDemo): Promise<boolean> {
  const { url, podium, admin, games, seconds } = demo;
  let ok = true;
  const miss = (line: string) => {
    ok = false;
    console.error(`\n  ✗ ${line}`);
  };
  /** Token mints counted in the audit log for a game: compared before and after, as earlier runs count too. */
  const since = Date.now() - 2 * 3_600_000;
  const auditOf = async (game: string) => {
    const res = await admin.v1.audit.$get({ query: { game, from: String(since), limit: "1000" } });
    const { entries } = await res.json();
    const mints = entries
      .filter((e) => e.action === "tokens.minted")
      .reduce((n, e) => n + Number((e.details as { count?: number }).count ?? 0), 0);
    return { entries, mints };
  };
  const mintsBefore = new Map<string, number>();
  const configuredAt = Date.now();
  for (const game of games) {
    mintsBefore.set(game, (await auditOf(game)).mints);
    const res = await admin.v1.games[":game"].$put({ param: { game }, json: { aggregate: "last", bounds: BOUNDS } });
    if (!res.ok) miss(`configure ${game}: ${res.status} ${await res.text()}`);
  }

  const mint = async (game: string, player: string, ttl = 900): Promise<string> => {
    const res = await podium.v1.games[":game"].tokens.$post({ param: { game }, json: { player, ttl } });
    if (!res.ok) throw new Error(`minting a token for ${player} in ${game} answered ${res.status}`);
    return (await res.json()).token;
  };
  const roster: Player[] = games.flatMap((game) =>
    Array.from({ length: demo.players }, (_, i) => ({
      game,
      player: `client-${String(i + 1).padStart(3, "0")}`,
      token: "",
      score: 0,
      reported: false,
    })),
  );
  await inBatches(roster, async (p) => {
    p.token = await mint(p.game, p.player);
  });
  const you = await mint(games[0] as string, "you", 3600);
  console.log(`demo: ${roster.length} player tokens minted; play along at ${url}/games/${games[0]}/play#token=${you}`);
  const minted = new Map(games.map((g) => [g, demo.players + (g === games[0] ? 1 : 0)]));

  const answers = new Map<string, Map<number, number>>();
  const tally = (kind: string, status: number) => {
    const byStatus = answers.get(kind) ?? new Map<number, number>();
    byStatus.set(status, (byStatus.get(status) ?? 0) + 1);
    answers.set(kind, byStatus);
  };
  const post = async (game: string, token: string, body: object): Promise<Response> =>
    fetch(`${url}/v1/games/${encodeURIComponent(game)}/scores`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify(body),
    });

  /** One attack a second, taking turns, each by a random player of a random game. */
  const cheat = async (second: number): Promise<void> => {
    const attacks: Attack[] = ["inflate", "impersonate", "team", "backdate", "forged"];
    if (games.length > 1) attacks.push("other-game");
    const attack = attacks[second % attacks.length] as Attack;
    const cheater = roster[Math.floor(Math.random() * roster.length)] as Player;
    const victim = roster.find((p) => p.game === cheater.game && p.player !== cheater.player) ?? cheater;
    const other = games.find((g) => g !== cheater.game) ?? cheater.game;
    const [head, , signature] = cheater.token.split(".");
    const claims = { sub: victim.player, game: cheater.game, exp: Math.floor(Date.now() / 1000) + 600 };
    const forged = `${head}.${Buffer.from(JSON.stringify(claims)).toString("base64url")}.${signature}`;
    const own = { player: cheater.player, score: cheater.score };
    const sends: Record<Attack, () => Promise<Response>> = {
      inflate: () => post(cheater.game, cheater.token, { player: cheater.player, score: 1e15 }),
      impersonate: () => post(cheater.game, cheater.token, { player: victim.player, score: BOUNDS.max }),
      team: () => post(cheater.game, cheater.token, { ...own, team: "cheats" }),
      backdate: () => post(cheater.game, cheater.token, { ...own, ts: 0 }),
      "other-game": () => post(other, cheater.token, { player: cheater.player, score: BOUNDS.max }),
      forged: () => post(cheater.game, forged, { player: victim.player, score: BOUNDS.max }),
    };
    const res = await sends[attack]();
    tally(attack, res.status);
    if (res.status !== EXPECTED[attack]) miss(`${attack} by ${cheater.player}: ${res.status}, not ${EXPECTED[attack]}`);
  };

  /** A flooder with a fresh token sends FLOOD reports back to back, each within the gain bound. */
  const flooding = async (): Promise<Map<number, number>> => {
    const flooder: Player = {
      game: games[0] as string,
      player: "flooder",
      token: await mint(games[0] as string, "flooder"),
      score: 0,
      reported: false,
    };
    minted.set(flooder.game, (minted.get(flooder.game) ?? 0) + 1);
    roster.push(flooder);
    const statuses = new Map<number, number>();
    for (let i = 0; i < FLOOD; i++) {
      const res = await post(flooder.game, flooder.token, { player: "flooder", score: i + 1 });
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
      if (res.status === 200) Object.assign(flooder, { score: i + 1, reported: true });
      else if (res.status === 429 && res.headers.get("retry-after") === null) miss("a 429 without Retry-After");
    }
    return statuses;
  };

  const spectators = new Spectators(
    demo,
    () => ({ limit: 15 }),
    (game) => miss(`a spectator of ${game} could not connect`),
  );
  let sent = 0;
  const tick = async (second: number) => {
    // About half the players play each second, each at its own pace within maxGainPerSecond.
    const playing = roster.filter(() => Math.random() < 0.5);
    await inBatches(playing, async (p) => {
      const score = p.score + Math.floor(Math.random() * (BOUNDS.maxGainPerSecond / 2));
      const res = await post(p.game, p.token, { player: p.player, score });
      tally("honest", res.status);
      if (res.status === 200) Object.assign(p, { score, reported: true });
      else miss(`${p.player} in ${p.game}: ${res.status} ${await res.text()}`);
    });
    sent += playing.length;
    await cheat(second);
  };
  await everySecond(seconds, {
    tick,
    spectators,
    progress: (perSecond) =>
      `${sent} client reports (${perSecond(sent)}/s), ` +
      `cheats refused ${[...answers].filter(([k]) => k !== "honest").reduce((n, [, m]) => n + sum(m), 0)}`,
  });
  const flood = await flooding();

  console.log("demo: checking every answer, board, spectator and the audit log");
  for (const [kind, byStatus] of answers) {
    const want = EXPECTED[kind as Attack | "honest"];
    const right = byStatus.get(want) ?? 0;
    console.log(`  ${mark(right === sum(byStatus))} ${kind}: ${right}/${sum(byStatus)} answered ${want}`);
  }
  const floodOk =
    (flood.get(200) ?? 0) >= 1 &&
    (flood.get(422) ?? 0) >= 1 &&
    (flood.get(429) ?? 0) >= 1 &&
    [...flood.keys()].every((s) => [200, 422, 429].includes(s));
  console.log(
    `  ${mark(floodOk)} flood of ${FLOOD}: ${[...flood].map(([s, n]) => `${n}x ${s}`).join(", ")} ` +
      "(past 2 reports a second: 422; past 20 requests in 10 s: 429)",
  );
  ok &&= floodOk;

  await sleep(500); // the last live updates
  for (const game of games) {
    const res = await podium.v1.games[":game"].leaderboard.$get({ param: { game }, query: { limit: "1000" } });
    const board = await res.json();
    // "you" is whoever plays along in the browser: on the board, not in the model. The server stamps each
    // report's time, so among equal scores the model cannot know the board's order: both sides go by name there.
    const byScore = (a: { player: string; score: number }, b: { player: string; score: number }) =>
      b.score - a.score || (a.player < b.player ? -1 : 1);
    const got = board.entries
      .filter((e) => e.player !== "you")
      .map(({ player, score }) => ({ player, score }))
      .sort(byScore);
    const want = roster
      .filter((p) => p.game === game && p.reported)
      .map(({ player, score }) => ({ player, score }))
      .sort(byScore);
    const same = JSON.stringify(got) === JSON.stringify(want);
    console.log(`  ${mark(same)} ${game} board: ${got.length} players, as accepted, no cheat applied`);
    ok &&= same;
    for (const _feed of spectators.astray(game, holdsTop(board.entries.slice(0, 15)))) {
      miss(`a spectator of ${game} sees another top 15`);
    }
    const { entries, mints: mintsAfter } = await auditOf(game);
    const mints = mintsAfter - (mintsBefore.get(game) ?? 0);
    const configured = entries.some((e) => e.action === "config.changed" && e.ts >= configuredAt);
    const auditOk = configured && mints === minted.get(game);
    console.log(`  ${mark(auditOk)} ${game} audit: config change logged, ${mints} token mints counted`);
    ok &&= auditOk;
  }
  if (spectators.feeds.length > 0) console.log(`  ${spectators.feeds.length} spectators followed along live`);
  spectators.close();
  return ok;
}

function sum(byStatus: Map<number, number>): number {
  return [...byStatus.values()].reduce((a, b) => a + b, 0);
}

async function inBatches<T>(items: T[], work: (item: T) => Promise<void>): Promise<void> {
  for (let i = 0; i < items.length; i += PARALLEL) await Promise.all(items.slice(i, i + PARALLEL).map(work));
}
