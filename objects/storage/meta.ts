import type { ObjectSchema } from "./schema";

/** The game's small facts in the object's SQLite: name, config, times, the base pointer. */
export class MetaTable {
  constructor(
    private readonly sql: SqlStorage,
    private readonly schema: ObjectSchema,
  ) {}

  read<T>(key: string): T | undefined {
    // A game never written has no tables: nothing to find, and nothing to create by looking.
    if (!this.schema.exists) return undefined;
    const row = this.sql.exec<{ value: string }>("SELECT value FROM meta WHERE key = ?", key).toArray()[0];
    return row === undefined ? undefined : (JSON.parse(row.value) as T);
  }

  /** Call inside the write's transaction. */
  write(key: string, value: unknown): void {
    this.sql.exec("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", key, JSON.stringify(value));
  }
}
