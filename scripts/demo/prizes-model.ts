// A prize pool's close as the server pays it, computed apart from the server
// (the seasons and tournament workloads' models share it).

const MICROS = 1_000_000n;

export interface PrizeRange {
  from: number;
  to: number;
  share: number;
}

export interface Award {
  rank: number;
  player: string;
  amount: number;
}

/**
 * What a close pays from a pool of `poolMicros` (millionths) to `board` in
 * rank order, ranks distinct (ties: first): each range's share split equally
 * over the positions held, each award rounded down to whole units; `carry`
 * is what is left for the next season, in millionths.
 */
export function awardsOf(
  poolMicros: bigint,
  board: readonly { player: string }[],
  split: readonly PrizeRange[],
): { awards: Award[]; carry: bigint } {
  const awards: Award[] = [];
  let paid = 0n;
  for (const range of split) {
    const last = Math.min(range.to, board.length);
    const held = Math.max(0, last - range.from + 1);
    for (let position = range.from; position <= last; position++) {
      const units = (poolMicros * BigInt(Math.round(range.share * 1e6))) / (MICROS * BigInt(held) * MICROS);
      awards.push({ rank: position, player: board[position - 1].player, amount: Number(units) });
      paid += units * MICROS;
    }
  }
  return { awards, carry: poolMicros - paid };
}
