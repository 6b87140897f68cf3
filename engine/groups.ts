import { codePointCompare } from "./board-order";
import { DistinctValues } from "./distinct-values";
import { MemberIndex } from "./member-index";
import { RankedIndex } from "./ranked-index";
import type { TieMode } from "./rules";

/** What a group board reads of the players board. */
export interface PlayerAccess {
  /** The board's sort key of a player on the board (ascending: better first). */
  keyOf(slot: number): number;
  /** Board order among equal keys. */
  tieBreak(a: number, b: number): number;
  score(slot: number): number;
  time(slot: number): number;
  onBoard(slot: number): boolean;
}

/** Told when a group's standing is about to change and once it has, or that all were rebuilt (the MVP board listens). */
export interface GroupListener {
  detach(group: number): void;
  attach(group: number): void;
  rebuild(): void;
}

/**
 * Players grouped by a column (team, country), each group ranked by the sum
 * of its members' scores in the board's order, then by when it reached that
 * standing (its newest member `ts`), then by name. Only players on the board
 * count. Each player change updates its group in O(log n): the group leaves
 * its index, its sum, count, members and newest ts change, and it comes back,
 * so a group's key and tie-break never change while it is indexed.
 */
export class GroupBoard {
  private readonly names: string[] = [""];
  private readonly ids = new Map<string, number>();
  private sums = new Float64Array(16);
  private counts = new Uint32Array(16);
  /** Each group's newest member ts, as last computed: the index's tie-break reads this. */
  private newest = new Float64Array(16);
  /**
   * Each group's newest member ts as members come and go, and how many members
   * hold it; when the last of them leaves (0 with members left), the newest is
   * below it and found again by a walk over the members (once, when settling).
   * Two numbers per group instead of a heap entry per member.
   */
  private latest = new Float64Array(16).fill(Number.NEGATIVE_INFINITY);
  private atLatest = new Uint32Array(16);
  private members: (MemberIndex | undefined)[] = [];
  private readonly index = new RankedIndex((a, b) => this.groupTieBreak(a, b));
  /** The distinct sums of groups in the index, for dense ranks (groups are few: kept whatever the tie mode). */
  private readonly sumValues = new DistinctValues(() => 0);
  /** Groups out of the index while players change (left, about to join again): put back once, by `settle`. */
  private readonly open: number[] = [];
  private isOpen = new Uint8Array(16);
  /** Whether so many groups are open that `settle` ranks them all afresh (they were not taken out one by one). */
  private bulk = false;

  /** `ascending`: the board's order, read (never cached) so a rebuild after a change of order sees it. */
  constructor(
    private readonly players: PlayerAccess,
    private readonly groupOf: (slot: number) => number,
    private readonly ascending: () => boolean,
    private readonly listener?: GroupListener,
  ) {}

  /** The id of a group name, made when `create`; 0 for none. */
  idOf(name: string, create = false): number {
    let id = this.ids.get(name);
    if (id === undefined && create) {
      id = this.names.length;
      this.names.push(name);
      this.ids.set(name, id);
      if (id >= this.sums.length) this.grow();
    }
    return id ?? 0;
  }

  nameOf(group: number): string {
    return this.names[group];
  }

  /** Groups with at least one member on the board. */
  get size(): number {
    return this.index.size;
  }

  /** Named groups, with members or not. */
  get known(): number {
    return this.names.length - 1;
  }

  sum(group: number): number {
    return this.sums[group];
  }

  count(group: number): number {
    return this.counts[group];
  }

  ts(group: number): number {
    return this.newest[group];
  }

  /** The group `take` found the last player in (0 for none), and the player's place in its members. */
  private takenFrom = 0;
  private takenAt = 0;

  /**
   * A player changes or leaves the board (`players` reading its standing as
   * its group holds it): its group leaves the index until `settle`, and loses
   * the player's score; the player stays among its members until `put`.
   */
  take(slot: number, wasOnBoard: boolean): void {
    const group = wasOnBoard ? this.groupOf(slot) : 0;
    this.takenFrom = group;
    if (group === 0) return;
    this.openGroup(group);
    this.sums[group] -= this.players.score(slot);
    this.counts[group]--;
    if (this.players.time(slot) === this.latest[group]) this.atLatest[group]--;
    // An empty group's sum restarts at an exact 0 (no rounding left over from floats).
    if (this.counts[group] === 0) {
      this.sums[group] = 0;
      this.latest[group] = Number.NEGATIVE_INFINITY;
    }
    this.takenAt = (this.members[group] as MemberIndex).positionOf(slot, this.players.keyOf(slot));
  }

  /**
   * The player `take` took (`players` now reading its new standing) joins
   * its group if on the board: moved within its members when it stays in the
   * same group, which leaves them in place when its order among them holds.
   */
  put(slot: number, onBoard: boolean): void {
    const from = this.takenFrom;
    const group = onBoard ? this.groupOf(slot) : 0;
    this.takenFrom = 0;
    if (group !== 0) {
      this.openGroup(group);
      this.sums[group] += this.players.score(slot);
      this.counts[group]++;
      this.noteLatest(group, this.players.time(slot));
    }
    if (from !== 0 && from === group) {
      (this.members[group] as MemberIndex).replaceAt(this.takenAt, slot, this.players.keyOf(slot));
      return;
    }
    if (from !== 0) this.members[from]?.removeAt(this.takenAt);
    if (group !== 0) this.membersOf(group).insert(slot, this.players.keyOf(slot));
  }

  /** Puts the groups a change took out back in the index. */
  settle(): void {
    const bulk = this.bulk;
    for (const group of this.open) {
      this.isOpen[group] = 0;
      if (bulk) this.newest[group] = this.newestMemberTime(group);
      else this.attach(group);
    }
    if (bulk) {
      this.reindex();
      for (const group of this.open) if (this.counts[group] > 0) this.listener?.attach(group);
    }
    this.open.length = 0;
    this.bulk = false;
  }

  private openGroup(group: number): void {
    if (this.isOpen[group] === 1) return;
    this.isOpen[group] = 1;
    this.open.push(group);
    // Past an eighth of the groups, ranking them all afresh costs less than moving each out and back.
    if (!this.bulk && this.open.length > 8 + ((this.index.size + this.open.length) >> 3)) this.bulk = true;
    if (this.counts[group] === 0) return;
    this.listener?.detach(group);
    if (!this.bulk) {
      this.index.remove(group, this.groupKey(group));
      this.sumValues.remove(this.groupKey(group));
    }
  }

  /** Every group rebuilt from the board's players in board order (after a load or a change of rules). */
  rebuild(boardOrder: ArrayLike<number>): void {
    this.sums.fill(0);
    this.counts.fill(0);
    this.newest.fill(Number.NEGATIVE_INFINITY);
    this.latest.fill(Number.NEGATIVE_INFINITY);
    this.atLatest.fill(0);
    const lists: number[][] = this.names.map(() => []);
    for (let i = 0; i < boardOrder.length; i++) {
      const slot = boardOrder[i];
      const group = this.groupOf(slot);
      if (group === 0) continue;
      this.sums[group] += this.players.score(slot);
      this.counts[group]++;
      this.noteLatest(group, this.players.time(slot));
      lists[group].push(slot);
    }
    for (let g = 1; g < this.names.length; g++) {
      const list = lists[g];
      this.members[g] = undefined;
      if (list.length === 0) continue;
      this.membersOf(g).build(list);
      this.newest[g] = this.latest[g];
    }
    this.reindex();
    this.listener?.rebuild();
  }

  /** Ranks every group with members afresh. */
  private reindex(): void {
    const present: number[] = [];
    for (let g = 1; g < this.names.length; g++) if (this.counts[g] > 0) present.push(g);
    present.sort((a, b) => this.groupKey(a) - this.groupKey(b) || this.groupTieBreak(a, b));
    this.index.build(
      present,
      present.map((g) => this.groupKey(g)),
    );
    this.sumValues.clear();
    for (const g of present) this.sumValues.add(this.groupKey(g));
  }

  /** Visits every group with members, in rank order. */
  forEach(visit: (group: number) => void): void {
    this.index.forRange(0, this.index.size, visit);
  }

  /** 0-based position of a group with members. */
  positionOf(group: number): number {
    return this.index.positionOf(group, this.groupKey(group));
  }

  /** Groups from 0-based `offset`, with their ranks under the tie mode (equal sums are ties). */
  page(offset: number, limit: number, ties: TieMode, visit: (group: number, rank: number) => void): void {
    let previous = -1;
    let previousRank = 0;
    this.index.forRange(offset, limit, (group, position) => {
      let rank = position + 1;
      if (ties !== "first" && previous !== -1 && this.sums[group] === this.sums[previous]) rank = previousRank;
      else if (ties === "shared") rank = this.index.countLess(this.groupKey(group)) + 1;
      else if (ties === "dense") rank = previous === -1 ? this.rankOf(group, ties) : previousRank + 1;
      visit(group, rank);
      previous = group;
      previousRank = rank;
    });
  }

  /** The 1-based rank of a group with members. */
  rankOf(group: number, ties: TieMode): number {
    if (ties === "shared") return this.index.countLess(this.groupKey(group)) + 1;
    return ties === "dense" ? this.sumValues.denseRank(this.groupKey(group)) : this.positionOf(group) + 1;
  }

  /** A group's members on the board, in board order. */
  memberIndex(group: number): MemberIndex | undefined {
    return this.counts[group] > 0 ? this.members[group] : undefined;
  }

  /** The group's sort key: its sum in the board's order (ascending keys go first). */
  private groupKey(group: number): number {
    return this.ascending() ? this.sums[group] + 0 : 0 - this.sums[group];
  }

  /** Equal sums: who reached the standing first (earlier newest ts), then name in code-point order. */
  private groupTieBreak(a: number, b: number): number {
    const ta = this.newest[a];
    const tb = this.newest[b];
    if (ta !== tb) return ta < tb ? -1 : 1;
    return codePointCompare(this.names[a], this.names[b]);
  }

  private attach(group: number): void {
    if (this.counts[group] === 0) {
      this.newest[group] = Number.NEGATIVE_INFINITY;
      return;
    }
    this.newest[group] = this.newestMemberTime(group);
    this.index.insert(group, this.groupKey(group));
    this.sumValues.add(this.groupKey(group));
    this.listener?.attach(group);
  }

  /** The newest ts among a group's members: walked over when the last member holding the one known left. */
  private newestMemberTime(group: number): number {
    if (this.atLatest[group] === 0) {
      this.latest[group] = Number.NEGATIVE_INFINITY;
      this.members[group]?.forRange(0, this.counts[group], (slot) => this.noteLatest(group, this.players.time(slot)));
    }
    return this.latest[group];
  }

  private noteLatest(group: number, time: number): void {
    if (time > this.latest[group]) {
      this.latest[group] = time;
      this.atLatest[group] = 1;
    } else if (time === this.latest[group]) this.atLatest[group]++;
  }

  /** Members' keys and order among equal keys, shared by every group's index. */
  private readonly memberKey = (slot: number): number => this.players.keyOf(slot);
  private readonly memberOrder = (a: number, b: number): number => this.players.tieBreak(a, b);

  private membersOf(group: number): MemberIndex {
    let members = this.members[group];
    if (members === undefined) {
      members = new MemberIndex(this.memberKey, this.memberOrder);
      this.members[group] = members;
    }
    return members;
  }

  private grow(): void {
    const size = this.sums.length * 2;
    const grown = <T extends Float64Array | Uint32Array>(old: T, make: (n: number) => T) => {
      const next = make(size);
      next.set(old);
      return next;
    };
    this.sums = grown(this.sums, (n) => new Float64Array(n));
    this.counts = grown(this.counts, (n) => new Uint32Array(n));
    this.newest = grown(this.newest, (n) => new Float64Array(n));
    this.latest = grown(this.latest, (n) => new Float64Array(n).fill(Number.NEGATIVE_INFINITY));
    this.atLatest = grown(this.atLatest, (n) => new Uint32Array(n));
    const isOpen = new Uint8Array(size);
    isOpen.set(this.isOpen);
    this.isOpen = isOpen;
  }
}
