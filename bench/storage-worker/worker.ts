import type { GameBoard } from "../../objects/game-board";
import { packReports } from "../../protocol/packed-reports";

export { GameBoard } from "../../objects/game-board";

interface Env {
  BOARD: DurableObjectNamespace<GameBoard>;
}

/**
 * POST /fill?game=g&from=0&batches=10&players=1000000 applies `batches`
 * batches of 1000 generated reports through GameBoard.applyReports.
 * GET /read?game=g&limit=15 answers the top `limit` (the first read after a
 * restart is the rebuild).
 * POST /results?game=g&from=0&batches=10&players=100000&size=2&rating=elo applies
 * `batches` batches of 1000 players' worth of generated results (1v1 when
 * size is 2, else free-for-alls of `size` players) through applyResults.
 * GET /stats?game=g&player=p and GET /standing?game=g&player=p read one player.
 * POST /close?game=g closes the season; GET /season?game=g&season=n reads one.
 * POST /gate?game=g turns maxAttempts on.
 */
const COUNTRIES = ["TR", "DE", "US", "BR", "JP", "KR", "FR", "IN", "GB", "ES"];

export default {
  async fetch(request: Request, env: Env): Promise<Response> {
    const query = new URL(request.url).searchParams;
    const game = query.get("game") ?? "bench";
    const board = env.BOARD.getByName(game);
    const path = new URL(request.url).pathname;
    if (request.method === "POST" && path === "/results") {
      const from = Number(query.get("from") ?? 0);
      const batches = Number(query.get("batches") ?? 1);
      const players = Number(query.get("players") ?? 1000);
      const size = Number(query.get("size") ?? 2);
      if (from === 0) {
        const rating = (query.get("rating") ?? "elo") as "elo" | "openskill" | "wins" | "none";
        await board.configure(game, { snapshotEvery: 86_400, maxPlayers: Math.max(players, 1000), rating });
      }
      const name = (i: number) => `m:${String(((i % players) * 7919) % players).padStart(12, "0")}`;
      for (let b = from; b < from + batches; b++) {
        const results = Array.from({ length: 1000 / size }, (_, m) => {
          const first = (b * 1000 + m * size) % players;
          if (size === 2) return { winner: name(first), loser: name(first + 1) };
          return { placements: Array.from({ length: size }, (_, k) => [name(first + k)]) };
        });
        const outcome = await board.applyResults(game, results);
        if (!outcome.ok) return Response.json(outcome.error, { status: 500 });
      }
      return Response.json({ applied: batches * (1000 / size) });
    }
    if (request.method === "POST" && path === "/close") return Response.json(await board.closeSeason());
    // POST /gate: maxAttempts on (high enough that nothing is refused), for batches after a fill.
    if (request.method === "POST" && path === "/gate") {
      const outcome = await board.configure(game, { maxAttempts: 1_000_000 });
      return Response.json(outcome, { status: outcome.ok ? 200 : 500 });
    }
    if (path === "/season") return Response.json(await board.season(Number(query.get("season") ?? 1)));
    if (path === "/stats") return Response.json(await board.playerStats(query.get("player") ?? ""));
    if (path === "/standing") return Response.json(await board.standing(query.get("player") ?? "", 0));
    if (request.method === "POST") {
      const from = Number(query.get("from") ?? 0);
      const batches = Number(query.get("batches") ?? 1);
      const players = Number(query.get("players") ?? 1000);
      // derived=1: 1000 teams, countries set with each player's first report, trending on; else all off.
      const derived = query.get("derived") === "1";
      // bounds=1: every bound on, wide enough that each gain is charged in memory only (an honest pace);
      // bounds=2: a gain rate so low that most gains leave a player over a minute short, and are recorded.
      const bounded = query.get("bounds") ?? "0";
      // meta=1: each report carries meta of about 100 bytes, as a game's client would send.
      const withMeta = query.get("meta") === "1";
      // subscore=1: a tiebreak on, and each report carries a subscore (with meta=1: both, as a racing game sends).
      const withSubscore = query.get("subscore") === "1";
      // attempts=1: every report counts against maxAttempts (set high enough that none is refused);
      // cohorts=1: players are placed in cohorts of 1000 at their first report.
      const withAttempts = query.get("attempts") === "1";
      const withCohorts = query.get("cohorts") === "1";
      // No history alarm may wake the object before the timed read after a restart.
      if (from === 0) {
        await board.configure(game, {
          snapshotEvery: 86_400,
          maxPlayers: Math.max(players, 1000),
          trend: derived ? { short: 10, long: 60, minReports: 2 } : null,
          ...(withSubscore ? { tiebreak: { order: "desc" as const } } : {}),
          ...(withAttempts ? { maxAttempts: 1_000_000 } : {}),
          ...(withCohorts ? { cohorts: { size: 1000 } } : {}),
          ...(bounded !== "0"
            ? {
                bounds: {
                  min: 0,
                  max: 1_000_000,
                  maxGainPerSecond: bounded === "2" ? 2000 : 1_000_000,
                  maxReportsPerSecond: 1000,
                  maxFutureSeconds: 300,
                },
              }
            : {}),
        });
      }
      for (let b = from; b < from + batches; b++) {
        const reports = Array.from({ length: 1000 }, (_, k) => {
          const i = b * 1000 + k;
          const slot = i < players ? i : (i * 7919) % players;
          const player = `m:${String(slot).padStart(12, "0")}`;
          // At the low gain rate each batch is stamped 2000 s after the last, so the ts rule lets gains through
          // and the allowance on the server's clock is what they spend.
          const ts = bounded === "2" ? Date.now() - 864_000_000 + b * 2_000_000 : Date.now() - 1000;
          const report = {
            player,
            score: (i * 2654435761) % 1_000_000,
            ts,
            ...(withSubscore ? { subscore: (i * 7919) % 997 } : {}),
          };
          if (withMeta)
            return { ...report, meta: { level: i % 60, character: "mage", build: [slot % 7, b], run: `r-${i}` } };
          if (!derived) return report;
          return { ...report, team: `team-${slot % 1000}`, ...(i < players ? { country: COUNTRIES[slot % 10] } : {}) };
        });
        const outcome = await board.applyReports(game, packReports(reports));
        if (!outcome.ok) return Response.json(outcome.error, { status: 500 });
      }
      return Response.json({ applied: batches * 1000 });
    }
    if (path === "/read") return Response.json(await board.leaderboard(0, Number(query.get("limit") ?? 15)));
    return new Response("storage bench: POST /fill, POST /results, GET /read, /stats, /standing");
  },
};
