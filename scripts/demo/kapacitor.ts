// The default workload, Kapacitor's leaderboard: games x players, each player
// reporting its score every second over line protocol, some games over JSON
// batches. At the end every board is checked against what was sent: the last
// value per player, ties by earlier ts.
import { setTimeout as sleep } from "node:timers/promises";
import { boardOrder, type Demo, everySecond, mark } from "./harness";
import { holdsTop, Spectators } from "./spectators";

interface Sent {
  score: number;
  ts: number;
}

export async function runKapacitor(demo: Demo): Promise<boolean> {
  const { podium, games, sender } = demo;
  const players = Array.from({ length: demo.players }, (_, p) => `player-${String(p + 1).padStart(3, "0")}`);
  /** The last report sent per game and player: what each board must show. */
  const sent = new Map(games.map((g) => [g, new Map<string, Sent>()]));
  const skill = players.map(() => 1 + Math.random() * 9);
  const spectators = new Spectators(
    demo,
    () => ({ limit: 15 }),
    (game) => sender.failure(`a spectator of ${game} could not connect`),
  );
  let reports = 0;

  /** One second of play: every player of every game reports its new score. */
  const tick = async (second: number): Promise<void> => {
    const now = Date.now();
    const lines: string[] = [];
    const posts: Promise<void>[] = [];
    games.forEach((game, g) => {
      const scores = players.map((player, p) => {
        const previous = sent.get(game)?.get(player)?.score ?? 0;
        // Scores climb at each player's own pace, with ties now and then.
        const score = previous + Math.round(Math.random() * skill[p]);
        const report = { player, score, ts: now + p };
        sent.get(game)?.set(player, { score, ts: report.ts });
        return report;
      });
      reports += scores.length;
      if (g % 2 === 0 || second % 5 === 0) {
        for (const r of scores) lines.push(`scores,game=${game},player=${r.player} value=${r.score} ${r.ts}000000`);
      } else {
        posts.push(
          sender.send(`scores for ${game}`, () =>
            podium.v1.games[":game"].scores.$post({ param: { game }, json: { scores } }),
          ),
        );
      }
    });
    for (let i = 0; i < lines.length; i += 5000) {
      const body = lines.slice(i, i + 5000).join("\n");
      // Line protocol is a text body, which the typed client passes through as is.
      const text = { headers: { "content-type": "text/plain" }, init: { body } };
      posts.push(sender.send("line protocol", () => podium.v1.write.$post({ query: { precision: "ns" } }, text)));
    }
    await Promise.all(posts);
  };

  await everySecond(demo.seconds, {
    tick,
    spectators,
    progress: (perSecond) =>
      `${reports} reports in ${sender.requests} requests  (${perSecond(reports)}/s)  ${spectators.feeds.length} ` +
      `spectators got ${spectators.updates} updates  failures ${sender.failures}`,
  });
  await sleep(500); // the last live updates
  console.log("demo: checking every board (and every spectator) against what was sent");
  let ok = true;
  for (const game of games) {
    const want = [...(sent.get(game) ?? [])].map(([player, { score, ts }]) => ({ player, score, ts })).sort(boardOrder);
    ok = (await check(demo, game, want, spectators)) && ok;
  }
  if (spectators.feeds.length > 0) console.log(`  ${spectators.feeds.length} spectators followed along live`);
  return ok;
}

/** One game's board, read over HTTP, against `want`; its spectators against want's top 15. */
async function check(
  { podium }: Demo,
  game: string,
  want: { player: string; score: number; ts: number }[],
  spectators: Spectators,
): Promise<boolean> {
  const res = await podium.v1.games[":game"].leaderboard.$get({ param: { game }, query: { limit: "1000" } });
  if (!res.ok) {
    console.error(`  ✗ ${game}: leaderboard answered ${res.status}`);
    return false;
  }
  const board = await res.json();
  const got = board.entries.map(({ player, score, ts }) => ({ player, score, ts }));
  const same = board.total === want.length && JSON.stringify(got) === JSON.stringify(want);
  const leader = board.entries[0];
  console.log(
    `  ${mark(same)} ${game}: ${board.total} players, leader ${leader?.player} with ${leader?.score}` +
      (same ? "" : ` (expected ${want[0]?.player} with ${want[0]?.score})`),
  );
  const astray = spectators.astray(game, holdsTop(want.slice(0, 15)));
  for (const feed of astray) console.error(`  ✗ ${game}: a spectator sees a different top 15 (gaps: ${feed.gaps})`);
  return same && astray.length === 0;
}
