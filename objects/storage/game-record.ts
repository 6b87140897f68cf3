import { DEFAULT_CONFIG, type GameConfig } from "../../protocol/config";
import type { MetaTable } from "./meta";
import type { ObjectSchema } from "./schema";

/**
 * The game's own facts, kept in the meta table: its name and creation time
 * once a first write created it, its config, and its board's last change.
 * Read once at each start; each write records its change inside its
 * transaction and sets the field after it, so memory never runs ahead of
 * storage.
 */
export class GameRecord {
  /** Undefined until a first write creates the game: reads of an unknown game find nothing. */
  game: string | undefined;
  config: GameConfig;
  createdAt: number;
  updatedAt: number;

  constructor(
    private readonly meta: MetaTable,
    private readonly schema: ObjectSchema,
  ) {
    this.game = meta.read<string>("game");
    this.config = { ...DEFAULT_CONFIG, ...meta.read<GameConfig>("config") };
    this.createdAt = meta.read<number>("createdAt") ?? 0;
    this.updatedAt = meta.read<number>("updatedAt") ?? this.createdAt;
  }

  /** Creates the game's tables and records it, unless it exists; true when this write created it. */
  create(game: string, now: number): boolean {
    if (this.game !== undefined) return false;
    this.schema.migrate();
    this.meta.write("game", game);
    this.meta.write("createdAt", now);
    this.game = game;
    this.createdAt = now;
    return true;
  }

  /** Records a change of the board at `now`; call inside the write's transaction. */
  recordUpdate(now: number): void {
    this.meta.write("updatedAt", now);
  }

  /** Records a new config, changed at `now`; call inside the change's transaction, then set `config`. */
  recordConfig(config: GameConfig, now: number): void {
    this.meta.write("config", config);
    this.recordUpdate(now);
  }
}
