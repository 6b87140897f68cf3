import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createClient } from "../../client/index";
import { ADMIN, uniqueGame } from "../support/worker-client";

// The new reads through the typed client: paths, queries, bodies and answers
// are checked by the compiler against the Worker's routes.
const fetchWorker: typeof fetch = (input, init) => exports.default.fetch(new Request(input, init));
const reader = createClient("http://podium.test", { fetch: fetchWorker });
const admin = createClient("http://podium.test", { key: ADMIN, fetch: fetchWorker });

describe("the typed client's board reads", () => {
  it("reads friends (GET and POST), a standing's top and tier, and one player across games", async () => {
    const game = uniqueGame("client");
    const games = admin.v1.games[":game"];
    const tiers = [{ name: "gold", rank: 1 }, { name: "rest" }];
    expect((await games.$put({ param: { game }, json: { tiers } })).status).toBe(200);
    const scores = [
      { player: "ada", score: 1200, ts: 1000 },
      { player: "lin", score: 950, ts: 1001 },
    ];
    expect((await admin.v1.games[":game"].scores.$post({ param: { game }, json: { scores } })).status).toBe(200);

    const got = await reader.v1.games[":game"].leaderboard.$get({ param: { game }, query: { players: "lin,bob" } });
    if (got.status !== 200) throw new Error(`friends answered ${got.status}`);
    const friends = await got.json();
    expect(friends.entries.map((e) => [e.rank, e.player, e.tier])).toEqual([[2, "lin", "rest"]]);
    expect(friends.missing).toEqual(["bob"]);

    const posted = await reader.v1.games[":game"].leaderboard.players.$post({
      param: { game },
      json: { players: ["ada", "bob"] },
    });
    if (posted.status !== 200) throw new Error(`friends answered ${posted.status}`);
    expect((await posted.json()).entries[0]).toMatchObject({ rank: 1, player: "ada", tier: "gold" });

    const standing = await reader.v1.games[":game"].players[":player"].$get({
      param: { game, player: "lin" },
      query: {},
    });
    if (standing.status !== 200) throw new Error(`standing answered ${standing.status}`);
    expect((await standing.json()).top).toBe(1);

    const across = await reader.v1.players[":player"].$get({ param: { player: "ada" }, query: { games: game } });
    if (across.status !== 200) throw new Error(`across answered ${across.status}`);
    const body = await across.json();
    expect(body.standings).toEqual([{ game, rank: 1, score: 1200, ts: 1000, total: 2, top: 0.5, tier: "gold" }]);
    expect(body.missing).toEqual([]);
  });
});
