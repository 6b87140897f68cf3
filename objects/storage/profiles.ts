import type { ObjectSchema } from "./schema";

export interface StoredProfile {
  name?: string;
  country?: string;
}

/** SQLite in Durable Objects binds at most 100 parameters per statement. */
const PER_STATEMENT = 99;
/** Names kept in memory: live views and top pages show the same few players again and again. */
const CACHE_SIZE = 10_000;

/**
 * Players' profiles (display name, country) in the object's SQLite. Countries
 * also live in the engine (country boards need them); names are read from here
 * for the entries a page or view shows, through a bounded cache, so a million
 * named players cost no memory until shown.
 */
export class ProfileTable {
  private readonly cache = new Map<string, StoredProfile | null>();
  /** Profiles stored: when 0, new players need no look-up. */
  count = 0;

  constructor(
    private readonly sql: SqlStorage,
    private readonly schema: ObjectSchema,
  ) {
    if (schema.exists) this.count = sql.exec<{ n: number }>("SELECT count(*) AS n FROM profiles").one().n;
  }

  get(player: string): StoredProfile | undefined {
    return this.many([player]).get(player);
  }

  /** The stored profiles of `players` (absent ones left out). */
  many(players: readonly string[]): Map<string, StoredProfile> {
    const found = new Map<string, StoredProfile>();
    if (this.count === 0 || !this.schema.exists) return found;
    const missing: string[] = [];
    for (const player of new Set(players)) {
      const cached = this.cache.get(player);
      if (cached === undefined) missing.push(player);
      else if (cached !== null) found.set(player, cached);
    }
    for (let i = 0; i < missing.length; i += PER_STATEMENT) {
      const chunk = missing.slice(i, i + PER_STATEMENT);
      const rows = this.sql.exec<{ player: string; name: string | null; country: string | null }>(
        `SELECT player, name, country FROM profiles WHERE player IN (${chunk.map(() => "?").join(", ")})`,
        ...chunk,
      );
      const seen = new Set<string>();
      for (const row of rows) {
        const profile = toProfile(row);
        found.set(row.player, profile);
        this.remember(row.player, profile);
        seen.add(row.player);
      }
      for (const player of chunk) if (!seen.has(player)) this.remember(player, null);
    }
    return found;
  }

  /** Merges a change into a player's profile; call inside the write's transaction. Returns the whole profile. */
  set(player: string, change: StoredProfile): StoredProfile {
    const current = this.get(player);
    const next: StoredProfile = { ...current, ...change };
    this.sql.exec(
      "INSERT OR REPLACE INTO profiles (player, name, country) VALUES (?, ?, ?)",
      player,
      next.name ?? null,
      next.country ?? null,
    );
    if (current === undefined) this.count++;
    this.remember(player, next);
    return next;
  }

  delete(player: string): void {
    const cursor = this.sql.exec("DELETE FROM profiles WHERE player = ?", player);
    if (cursor.rowsWritten > 0) this.count--;
    this.cache.delete(player);
  }

  /** Every player with a country, for a rebuild. */
  *countries(): Generator<{ player: string; country: string }> {
    if (this.count === 0) return;
    yield* this.sql.exec<{ player: string; country: string }>(
      "SELECT player, country FROM profiles WHERE country IS NOT NULL",
    );
  }

  private remember(player: string, profile: StoredProfile | null): void {
    if (this.cache.size >= CACHE_SIZE) this.cache.clear();
    this.cache.set(player, profile);
  }
}

function toProfile(row: { name: string | null; country: string | null }): StoredProfile {
  const profile: StoredProfile = {};
  if (row.name !== null) profile.name = row.name;
  if (row.country !== null) profile.country = row.country;
  return profile;
}
