import type { GroupBoard, GroupListener, PlayerAccess } from "./groups";
import type { MemberIndex } from "./member-index";
import { RankedIndex } from "./ranked-index";

/**
 * Team MVPs: for each team with a positive score, the member with the largest
 * share of it (ties by board order), ranked across teams by share, largest
 * first, then by the MVPs' board order. A team leaves this index before any
 * of its members changes (the team board tells it) and comes back after, so
 * a team's key and its MVP never change while it is indexed.
 */
export class MvpBoard implements GroupListener {
  private readonly index = new RankedIndex((a, b) => this.mvpOrder(a, b));
  private mvps = new Int32Array(16).fill(-1);
  private keys = new Float64Array(16);
  private teams!: GroupBoard;

  constructor(
    private readonly players: PlayerAccess,
    private readonly ascending: () => boolean,
  ) {}

  /** The team board this ranks (set once, right after both are made). */
  watch(teams: GroupBoard): void {
    this.teams = teams;
  }

  get size(): number {
    return this.index.size;
  }

  /** The team's MVP slot, or -1 when the team has no positive score. */
  mvpOf(team: number): number {
    return team < this.mvps.length ? this.mvps[team] : -1;
  }

  detach(team: number): void {
    if (this.mvpOf(team) === -1) return;
    this.index.remove(team, this.keys[team]);
    this.mvps[team] = -1;
  }

  attach(team: number): void {
    if (this.choose(team)) this.index.insert(team, this.keys[team]);
  }

  /** Every team's MVP chosen afresh, and the index built once from them sorted. */
  rebuild(): void {
    this.mvps.fill(-1);
    const teams: number[] = [];
    this.teams.forEach((team) => {
      if (this.choose(team)) teams.push(team);
    });
    teams.sort((a, b) => this.keys[a] - this.keys[b] || this.mvpOrder(a, b));
    this.index.build(
      teams,
      teams.map((team) => this.keys[team]),
    );
  }

  /** Sets the team's MVP and key; false when it has none (no positive score). */
  private choose(team: number): boolean {
    const sum = this.teams.sum(team);
    const members = this.teams.memberIndex(team);
    if (!(sum > 0) || members === undefined) return false;
    if (team >= this.mvps.length) this.grow(team);
    const mvp = this.largest(members);
    this.mvps[team] = mvp;
    this.keys[team] = -(this.players.score(mvp) / sum);
    return true;
  }

  /** Teams in MVP order from 0-based `offset`. */
  page(offset: number, limit: number, visit: (team: number, mvp: number, rank: number) => void): void {
    this.index.forRange(offset, limit, (team, position) => visit(team, this.mvps[team], position + 1));
  }

  /** The member with the largest score: first in board order when higher is better, else the first of the last scores. */
  largest(members: MemberIndex): number {
    if (!this.ascending()) return members.at(0);
    const last = members.at(members.size - 1);
    return members.at(members.countLess(this.players.keyOf(last)));
  }

  /** Equal shares: the MVPs' board order. */
  private mvpOrder(a: number, b: number): number {
    const x = this.mvps[a];
    const y = this.mvps[b];
    return this.players.keyOf(x) - this.players.keyOf(y) || this.players.tieBreak(x, y);
  }

  private grow(team: number): void {
    let size = this.mvps.length;
    while (size <= team) size *= 2;
    const mvps = new Int32Array(size).fill(-1);
    mvps.set(this.mvps);
    const keys = new Float64Array(size);
    keys.set(this.keys);
    this.mvps = mvps;
    this.keys = keys;
  }
}
