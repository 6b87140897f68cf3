import type { BoardLoader } from "../board-loader";
import type { GameBoards } from "../game-boards";
import type { Maintenance } from "../maintenance";
import type { PlayerBoard } from "../players/player-board";
import type { ShardSet } from "../shards/shard-set";
import type { GameRecord } from "../storage/game-record";
import type { GameTables } from "../storage/tables";
import type { ArchiveWriter } from "./archive-writer";
import { type SeasonHost, SeasonWorkflow } from "./season-workflow";

/** What a game's season workflow reaches of the game's object (read at each call: a deletion rebuilds them). */
export interface GameSeasonsHost {
  record(): GameRecord;
  players(): PlayerBoard;
  boards(): GameBoards;
  maintenance(): Maintenance;
  shards(): ShardSet | undefined;
  changed(now: number): void;
  archive(): ArchiveWriter;
}

/** The season workflow of a game's object, over its storage, board and D1. */
export function gameSeasons(
  object: GameSeasonsHost,
  tables: GameTables,
  clock: { arm(at: number): void },
  loader: BoardLoader,
): SeasonWorkflow {
  const host: SeasonHost = {
    game: () => object.record().game,
    config: () => object.record().config,
    board: (now) => object.players().at(now),
    standing: async () => {
      const { total, entries } = await object.boards().page(0, 1);
      return { players: total, leader: entries[0]?.player ?? null };
    },
    retireBoard: (now) => {
      object.maintenance().dropCompaction();
      tables.trendLog.clear();
      object.record().recordUpdate(now);
    },
    openBoard: (now) => {
      object.players().reopen(now);
      object.changed(now);
    },
    background: () => object.maintenance().schedule(),
  };
  const parts = { tables, loader, clock, archive: object.archive(), createdAt: object.record().createdAt };
  return SeasonWorkflow.over(host, parts, () => object.shards());
}
