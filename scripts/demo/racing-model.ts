// The racing workload's model of one `min` game with an ascending subscore
// tiebreak: each player's best lap as the board must keep it, the board's
// order, tiers by share and friends boards, computed apart from the server.

export interface LapMeta {
  car: string;
  track: string;
}

export interface Lap {
  player: string;
  /** The lap time (ms): lower is better. */
  score: number;
  /** The lap's best sector (ms): of equal lap times, lower is better. */
  subscore: number;
  ts: number;
  meta: LapMeta;
}

/** Best first: each with its share of the board at or above it. */
export const TIERS = [
  { name: "Gold", top: 0.1 },
  { name: "Silver", top: 0.3 },
  { name: "Bronze", top: 0.6 },
  { name: "Rookie" },
] as const;

/** An entry as every players read shows it, in a fixed key order to compare as JSON. */
export interface Placed {
  rank: number;
  player: string;
  score: number;
  subscore: number;
  ts: number;
  tier: string;
  meta: LapMeta;
}

/** The board's order: the faster lap, then the faster sector, then the earlier ts, then the name. */
export function lapOrder(a: Lap, b: Lap): number {
  return a.score - b.score || a.subscore - b.subscore || a.ts - b.ts || (a.player < b.player ? -1 : 1);
}

/** The first tier whose share holds `rank` of `total`; the last holds everyone else. */
export function tierOf(rank: number, total: number): string {
  const tier = TIERS.find((t) => !("top" in t) || rank / total <= t.top);
  return (tier ?? TIERS[TIERS.length - 1]).name;
}

/** One game's best laps. */
export class RaceModel {
  private readonly best = new Map<string, Lap>();
  /** Laps that tied a best lap time and set the entry by a faster sector alone. */
  sectorImprovements = 0;

  /**
   * Applies a lap as `min` with the tiebreak does: a faster lap, or an equal
   * one with a faster sector, sets the entry (its ts and meta with it).
   */
  report(lap: Lap): void {
    const best = this.best.get(lap.player);
    if (best !== undefined && lap.score > best.score) return;
    if (best !== undefined && lap.score === best.score) {
      if (lap.subscore >= best.subscore) return;
      this.sectorImprovements++;
    }
    this.best.set(lap.player, lap);
  }

  /** Every entry in board order, ranked and tiered. */
  board(): Placed[] {
    const laps = [...this.best.values()].sort(lapOrder);
    return laps.map((lap, i) => placed(lap, i + 1, laps.length));
  }

  /** A friends read: the asked players on the board in board order, and the rest missing in the order asked. */
  friends(board: Placed[], asked: string[]): { entries: Placed[]; missing: string[] } {
    const wanted = new Set(asked);
    return {
      entries: board.filter((e) => wanted.has(e.player)),
      missing: asked.filter((player) => !this.best.has(player)),
    };
  }
}

function placed({ player, score, subscore, ts, meta }: Lap, rank: number, total: number): Placed {
  return { rank, player, score, subscore, ts, tier: tierOf(rank, total), meta };
}

/** A server entry in the model's key order (and without what the model does not track). */
export function asPlaced(e: {
  rank: number;
  player: string;
  score: number;
  subscore?: number;
  ts: number;
  tier?: string;
  meta?: unknown;
}): Placed {
  const { rank, player, score, subscore, ts, tier, meta } = e;
  return { rank, player, score, subscore: subscore ?? Number.NaN, ts, tier: tier ?? "", meta: meta as LapMeta };
}
