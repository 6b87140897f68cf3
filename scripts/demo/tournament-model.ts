// The tournament workload's model of one tournament (one season) of one
// game, computed apart from the server: who joined and in which order, each
// player's attempts, its best score (`max`, ties by who reached it first),
// the cohorts in join order, the prize pool, and the answer every batch must
// get from the gates.
import { boardOrder } from "./harness";
import { type Award, awardsOf, type PrizeRange } from "./prizes-model";

/** The tournaments' rules, as the games are configured and the model applies them. */
export const RULES: TournamentRules = {
  maxAttempts: 3,
  cohortSize: 20,
  poolShare: 0.05,
  split: [
    { from: 1, to: 1, share: 0.5 },
    { from: 2, to: 3, share: 0.3 },
  ],
};
/** Seconds between two looks of the hooks at the board. */
export const HOOK_EVERY = 2;
/** The entries top.changed carries. */
export const HOOK_TOP = 3;

export interface Report {
  player: string;
  score: number;
  ts: number;
}

/** A refusal as the gates must answer it: each refused report by its index in the batch, with its player. */
export interface Refusal {
  status: 403 | 409;
  code: "not_joined" | "attempts_exhausted";
  details: { index: number; player: string; reason?: string }[];
}

/** An entry of the board, with its cohort and its rank within it. */
export interface Ranked {
  rank: number;
  player: string;
  score: number;
  ts: number;
  cohort: number;
  cohortRank: number;
}

export interface TournamentRules {
  maxAttempts: number;
  cohortSize: number;
  poolShare: number;
  split: PrizeRange[];
}

export class TournamentModel {
  /** Each joined player's place in join order. */
  private readonly joins = new Map<string, number>();
  private readonly attempts = new Map<string, number>();
  private readonly best = new Map<string, { score: number; ts: number }>();

  constructor(
    readonly season: number,
    private readonly rules: TournamentRules,
    /** The prize pool in millionths: the seed plus the last tournament's carry, then its share of every gain. */
    public poolMicros: bigint,
  ) {}

  /** A join places the player in the newest cohort with room; joining again changes nothing. */
  join(player: string): void {
    if (!this.joins.has(player)) this.joins.set(player, this.joins.size);
  }

  joined(player: string): boolean {
    return this.joins.has(player);
  }

  /** The joined players in join order. */
  entrants(): string[] {
    return [...this.joins.keys()];
  }

  attemptsOf(player: string): number {
    return this.attempts.get(player) ?? 0;
  }

  /** The refusal a batch must get (joining checked first, then attempts), or undefined when it is accepted. */
  judge(reports: readonly Report[]): Refusal | undefined {
    const strangers = reports.flatMap(({ player }, index) => (this.joins.has(player) ? [] : [{ index, player }]));
    if (strangers.length > 0) return { status: 403, code: "not_joined", details: strangers };
    const { maxAttempts } = this.rules;
    const inBatch = new Map<string, number>();
    const over = reports.flatMap(({ player }, index) => {
      const attempt = this.attemptsOf(player) + (inBatch.get(player) ?? 0) + 1;
      inBatch.set(player, (inBatch.get(player) ?? 0) + 1);
      return attempt > maxAttempts
        ? [{ index, player, reason: `attempt ${attempt} of at most ${maxAttempts} this season` }]
        : [];
    });
    return over.length > 0 ? { status: 409, code: "attempts_exhausted", details: over } : undefined;
  }

  /** Applies an accepted batch: each report an attempt, a higher score the new best (its ts with it). */
  apply(reports: readonly Report[]): void {
    let gains = 0;
    for (const { player, score, ts } of reports) {
      this.attempts.set(player, this.attemptsOf(player) + 1);
      const before = this.best.get(player);
      // A first report gains nothing; an equal score keeps who reached it first.
      if (before !== undefined && score <= before.score) continue;
      if (before !== undefined) gains += score - before.score;
      this.best.set(player, { score, ts });
    }
    // The pool grows by the share (in millionths) of the batch's gains: exact for whole gains.
    this.poolMicros += BigInt(Math.round(this.rules.poolShare * 1e6)) * BigInt(gains);
  }

  cohortOf(player: string): number {
    return Math.floor((this.joins.get(player) as number) / this.rules.cohortSize) + 1;
  }

  /** Cohorts opened this tournament: one per `cohortSize` joins. */
  get cohorts(): number {
    return Math.ceil(this.joins.size / this.rules.cohortSize);
  }

  /** The board in rank order (ties: first), each entry with its cohort and rank within it. */
  board(): Ranked[] {
    const sorted = [...this.best].map(([player, { score, ts }]) => ({ player, score, ts })).sort(boardOrder);
    const held = new Map<number, number>();
    return sorted.map(({ player, score, ts }, i) => {
      const cohort = this.cohortOf(player);
      const cohortRank = (held.get(cohort) ?? 0) + 1;
      held.set(cohort, cohortRank);
      return { rank: i + 1, player, score, ts, cohort, cohortRank };
    });
  }

  /** Cohort `n`'s board as `GET .../cohorts/{n}` answers it: ranks within it, and `globalRank`. */
  cohortBoard(n: number): { rank: number; globalRank: number; player: string; score: number }[] {
    return this.board()
      .filter((e) => e.cohort === n)
      .map(({ cohortRank, rank, player, score }) => ({ rank: cohortRank, globalRank: rank, player, score }));
  }

  /** What the close pays, and what it carries to the next tournament. */
  awards(): { awards: Award[]; carry: bigint } {
    return awardsOf(this.poolMicros, this.board(), this.rules.split);
  }
}
