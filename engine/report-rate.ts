/**
 * Reports applied per player in the current second of the server's clock.
 * Only players seen this second are held, so the memory follows the
 * reporters of one second, not the board. Not persisted: after a restart the
 * count starts again, which lets a player at most one extra second's worth.
 */
export class ReportRate {
  private second = -1;
  private readonly counts = new Map<string, number>();

  /** Reports of `player` applied so far in the second of `now`. */
  count(player: string, now: number): number {
    this.roll(now);
    return this.counts.get(player) ?? 0;
  }

  /** Adds a batch's reports per player, applied at `now`. */
  record(reported: ReadonlyMap<string, number>, now: number): void {
    this.roll(now);
    for (const [player, n] of reported) this.counts.set(player, (this.counts.get(player) ?? 0) + n);
  }

  private roll(now: number): void {
    const second = Math.floor(now / 1000);
    if (second === this.second) return;
    this.second = second;
    this.counts.clear();
  }
}
