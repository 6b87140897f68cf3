import { setTimeout as sleep } from "node:timers/promises";
import type { PodiumClient } from "../../client/index";
import type { LiveBoardName } from "../../protocol/live";
import { fail, type Options } from "./options";
import type { Spectators } from "./spectators";

/** What every workload is handed: the options it runs by, the server's client and the request counter. */
export type Demo = Pick<Options, "url" | "players" | "seconds" | "spectators" | "teams" | "webhookSecret"> & {
  podium: PodiumClient;
  /** The games' names, `<prefix>-1` on. */
  games: string[];
  sender: Sender;
};

/** A workload that configures its games, with the admin key it needs to. */
export type AdminDemo = Demo & { admin: PodiumClient };

type Answer = { ok: boolean; status: number; text(): Promise<string> };

/** Sends requests, counting them and every failure, and saying what each failure was. */
export class Sender {
  requests = 0;
  failures = 0;

  async send(what: string, request: () => Promise<Answer>): Promise<void> {
    this.requests++;
    try {
      const res = await request();
      if (!res.ok) this.failure(`${what} answered ${res.status}: ${(await res.text()).slice(0, 200)}`);
    } catch (error) {
      this.failure(`${what} failed: ${(error as Error).message}`);
    }
  }

  /** A failure besides an answer's, such as a spectator that could not connect. */
  failure(message: string): void {
    this.failures++;
    console.error(`demo: ${message}`);
  }
}

/** Rewrites the progress line in place. */
export function progress(line: string): void {
  process.stdout.write(`\rdemo: ${line}   `);
}

/** What a workload does each second, and how it reports its progress. */
export interface Play<B extends LiveBoardName> {
  /** One second of play. */
  tick(second: number): Promise<void>;
  /** Opened after the first tick: a game exists from its first report on, and only then can it be watched. */
  spectators: Spectators<B>;
  /** The progress line past its `n/N s`; `perSecond` turns a count since the start into a rate. */
  progress(perSecond: (count: number) => number): string;
}

/**
 * Runs a tick a second for `seconds`, with a progress line after each; a tick
 * that runs late starts the next at once. Then checks that the games count
 * their spectators.
 */
export async function everySecond<B extends LiveBoardName>(seconds: number, play: Play<B>): Promise<void> {
  const started = Date.now();
  const perSecond = (count: number) => Math.round(count / ((Date.now() - started) / 1000));
  for (let second = 0; second < seconds; second++) {
    const tickStart = Date.now();
    await play.tick(second);
    if (second === 0) await play.spectators.open();
    progress(`${second + 1}/${seconds}s  ${play.progress(perSecond)}`);
    const wait = 1000 - (Date.now() - tickStart);
    if (wait > 0) await sleep(wait);
  }
  process.stdout.write("\n");
  await play.spectators.checkCounted();
}

type GameConfig = Parameters<PodiumClient["v1"]["games"][":game"]["$put"]>[0]["json"];

/** Configures each game, one counted request each. */
export async function configureGames(demo: AdminDemo, config: (game: string) => GameConfig): Promise<void> {
  for (const game of demo.games) {
    await demo.sender.send(`configure ${game}`, () =>
      demo.admin.v1.games[":game"].$put({ param: { game }, json: config(game) }),
    );
  }
}

/** Deletes this demo's games from an earlier run, so every board starts empty. */
export async function deleteLeftovers(admin: PodiumClient, games: string[]): Promise<void> {
  let deleted = 0;
  for (const game of games) {
    const res = await admin.v1.games[":game"].$delete({ param: { game }, query: { history: "true" } });
    if (res.status === 204) deleted++;
    else if (res.status !== 404) fail(`deleting ${game} from an earlier run answered ${res.status}`);
  }
  const names = games.length > 1 ? `${games[0]}..${games.at(-1)}` : games[0];
  if (deleted > 0) console.log(`demo: deleted ${deleted} games left from an earlier run (${names})`);
}

/** A board's order: higher score first, then the earlier ts, then the player's name. */
export function boardOrder(
  a: { player: string; score: number; ts: number },
  b: { player: string; score: number; ts: number },
): number {
  return b.score - a.score || a.ts - b.ts || (a.player < b.player ? -1 : 1);
}

export function mark(good: boolean): string {
  return good ? "✓" : "✗";
}
