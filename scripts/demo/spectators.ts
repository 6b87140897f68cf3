import { setTimeout as sleep } from "node:timers/promises";
import { LiveFeed, type LiveFeedOptions } from "../../client/index";
import type { LiveBoardName } from "../../protocol/live";
import { type Demo, mark } from "./harness";

/**
 * How long the games directory may take to count spectators: a change of
 * spectators alone is written at most every 10 s (reports bring it sooner).
 */
const COUNTED_WITHIN_MS = 12_000;

type Watch<B extends LiveBoardName> = Omit<LiveFeedOptions<B>, "onBoard">;

/** Live watchers of every game over its websocket, holding the board the way a browser does. */
export class Spectators<B extends LiveBoardName = "players"> {
  readonly feeds: LiveFeed<B>[] = [];
  /** Boards applied across every feed: the live updates received. */
  updates = 0;

  /**
   * `watch`: what the `index`th spectator of a game watches;
   * `unreachable`: told of each spectator that could not connect.
   */
  constructor(
    private readonly demo: Pick<Demo, "url" | "games" | "spectators" | "podium" | "sender">,
    private readonly watch: (index: number) => Watch<B>,
    private readonly unreachable: (game: string) => void = () => {},
  ) {}

  /** Opens `demo.spectators` feeds per game, all at once. */
  async open(): Promise<void> {
    const { games, spectators } = this.demo;
    await Promise.all(games.flatMap((game) => Array.from({ length: spectators }, (_, i) => this.connect(game, i))));
  }

  private async connect(game: string, index: number): Promise<void> {
    const feed = new LiveFeed<B>(this.demo.url, game, { ...this.watch(index), onBoard: () => this.updates++ });
    this.feeds.push(feed);
    await feed.open().catch(() => this.unreachable(game));
  }

  of(game: string): LiveFeed<B>[] {
    return this.feeds.filter((feed) => feed.game === game);
  }

  /** The feeds of `game` that missed an update (a gap in `seq`) or do not hold what `holds` expects. */
  astray(game: string, holds: (feed: LiveFeed<B>) => boolean): LiveFeed<B>[] {
    return this.of(game).filter((feed) => feed.gaps > 0 || !holds(feed));
  }

  /**
   * Checks that each game counts its live spectators (GET /v1/games), those
   * beyond the game's own sockets (LIVE_RELAY_AFTER) on its relays included:
   * at least these, as a workload's other feeds and a browser count too.
   */
  async checkCounted(): Promise<void> {
    if (this.feeds.length === 0) return;
    const deadline = Date.now() + COUNTED_WITHIN_MS;
    let counts = new Map<string, number>();
    const live = (game: string) => this.of(game).filter((feed) => feed.board !== undefined).length;
    const counted = (game: string) => (counts.get(game) ?? 0) >= live(game);
    const agree = () => this.demo.games.every(counted);
    for (;;) {
      const res = await this.demo.podium.v1.games.$get({ query: { order: "active", limit: "1000" } });
      if (res.ok) counts = new Map((await res.json()).games.map((g) => [g.game, g.spectators]));
      if (agree() || Date.now() >= deadline) break;
      await sleep(500);
    }
    for (const game of this.demo.games) {
      const line = `${game}: ${live(game)} spectators live, ${counts.get(game)} counted by the game (on its object and relays)`;
      if (counted(game)) console.log(`  ${mark(true)} ${line}`);
      else this.demo.sender.failure(`${mark(false)} ${line}`);
    }
  }

  close(): void {
    for (const feed of this.feeds) feed.close();
  }
}

/** Whether a players feed holds exactly `top`, player by player and score by score. */
export function holdsTop(top: { player: string; score: number }[]): (feed: LiveFeed) => boolean {
  const want = JSON.stringify(top.map(({ player, score }) => ({ player, score })));
  return (feed) => JSON.stringify(feed.entries().map(({ player, score }) => ({ player, score }))) === want;
}
