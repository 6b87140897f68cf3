import { createClient, LiveFeed } from "podium/client";

const url = process.env.PODIUM_URL ?? "http://localhost:8787";
const podium = createClient(url, { key: process.env.PODIUM_INGEST_KEY });

// After each round: report the scores (durable when this answers).
const res = await podium.v1.games[":game"].scores.$post({
  param: { game: "arena-1" },
  json: {
    scores: [
      { player: "ada", score: 1200, id: "round-7-ada" },
      { player: "lin", score: 950, id: "round-7-lin" },
    ],
  },
});
if (!res.ok) {
  console.error(`report refused: ${res.status} ${await res.text()}`);
  process.exit(1);
}
console.log(await res.json()); // { accepted: 2, duplicates: 0 }, or duplicates: 2 on a second run

// Read a page, typed.
const top = await podium.v1.games[":game"].leaderboard.$get({ param: { game: "arena-1" }, query: { limit: "10" } });
if (top.ok) for (const e of (await top.json()).entries) console.log(e.rank, e.player, e.score);

// Follow the board live for ten seconds, then leave.
const feed = new LiveFeed(url, "arena-1", { limit: 10, onBoard: () => console.log("live:", feed.entries()) });
await feed.open();
setTimeout(() => feed.close(), 10_000);
