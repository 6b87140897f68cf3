import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { boardOrder, codePointCompare, type Placed, sameValue } from "../../engine/board-order";
import { aroundAcross, pageAcross, type SortedParts } from "../../engine/pages-across";
import { Ranking } from "../../engine/ranking";
import { ORDERS, type RankedEntry, TIE_MODES } from "../../engine/rules";

// A board split into parts (a game's shards) must read as the whole board:
// each part counts exactly how many of its entries go ahead of any entry, and
// a page across the parts is the whole board's page at any offset.

// Names with prefixes, non-ASCII, astral characters and U+E000-U+FFFF, where
// UTF-16 order and code-point order differ.
const NAMES = ["a", "ab", "B", "é", "😀", "\uE000", "\uFFFD", "p1", "p10", "Ω", "a b", "𝔸"];
const nameArb = fc
  .tuple(fc.constantFrom(...NAMES), fc.nat({ max: 400 }))
  .map(([name, n]) => (n % 3 === 0 ? name : `${name}${n}`));
const stateArb = fc.record({
  player: nameArb,
  score: fc.oneof(fc.integer({ min: -3, max: 3 }), fc.constantFrom(0.5, -0, 1e15)),
  subscore: fc.constantFrom(-1, 0, 2),
  ts: fc.integer({ min: 0, max: 4 }),
});
const boardArb = fc.record({
  states: fc.uniqueArray(stateArb, { selector: (s) => s.player, maxLength: 300 }),
  parts: fc.integer({ min: 1, max: 8 }),
  order: fc.constantFrom(...ORDERS),
  // Parts merge as a sharded game's shards do, which refuse dense ties.
  ties: fc.constantFrom(...TIE_MODES.filter((ties) => ties !== "dense")),
  tiebreak: fc.constantFrom(undefined, ...ORDERS),
});

type BoardCase = typeof boardArb extends fc.Arbitrary<infer T> ? T : never;

/** The whole board and its parts, each player in the part its name's hash picks. */
function split({ states, parts, order, ties, tiebreak }: BoardCase) {
  const rules = { aggregate: "last" as const, order, ties, window: 0, tiebreak };
  const whole = new Ranking(rules);
  whole.load(states, 0);
  const boards = Array.from({ length: parts }, () => new Ranking(rules));
  const byPart = boards.map(() => [] as typeof states);
  for (const state of states) byPart[hash(state.player) % parts].push(state);
  for (const [i, board] of boards.entries()) board.load(byPart[i], 0);
  return { whole, boards, order: boardOrder(order === "asc", tiebreak) };
}

function hash(text: string): number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619) >>> 0;
  return h;
}

/** The parts as a page across them asks them, counting the requests. */
function partsOf(boards: Ranking[]): SortedParts<RankedEntry> & { requests: number } {
  const parts = {
    requests: 0,
    async ranges(ranges: readonly (readonly [number, number])[]) {
      parts.requests += boards.length;
      return ranges.map(([from, to], i) => (to > from ? boards[i].page(from, to - from) : []));
    },
    async at(positions: readonly (readonly number[])[]) {
      parts.requests += boards.length;
      return positions.map((asked, i) => asked.map((p) => boards[i].page(p, 1)[0]));
    },
    async countsBefore(entries: readonly Placed[]) {
      parts.requests += boards.length;
      return boards.map((board) => entries.map((e) => board.countAhead(e)));
    },
  };
  return parts;
}

const placed = ({ player, score, ts }: Placed) => ({ player, score, ts });

describe("a board split into parts", () => {
  it("orders players by code point, as UTF-8 bytes do", () => {
    fc.assert(
      fc.property(fc.string({ unit: "grapheme" }), fc.string({ unit: "grapheme" }), (a, b) => {
        const bytes = Math.sign(Buffer.compare(Buffer.from(a), Buffer.from(b)));
        expect(Math.sign(codePointCompare(a, b))).toBe(bytes);
      }),
      { numRuns: 2000 },
    );
    expect(codePointCompare("😀", "\uE000")).toBeGreaterThan(0);
  });

  it("counts, in each part, the entries ahead of any entry, adding up to its place on the whole board", () => {
    fc.assert(
      fc.property(boardArb, stateArb, (board, { subscore, ...stranger }) => {
        const { whole, boards, order } = split(board);
        const everyone = whole.page(0, 1000);
        // Entries carry a subscore exactly when the board has a tiebreak.
        const probe = board.tiebreak === undefined ? stranger : { ...stranger, subscore };
        for (const entry of [...everyone.slice(0, 40), probe]) {
          const ahead = boards.reduce((sum, b) => sum + b.countAhead(entry), 0);
          expect(ahead).toBe(everyone.filter((e) => order(e, entry) < 0).length);
          const better = boards.reduce((sum, b) => sum + b.countAhead(entry, true), 0);
          expect(better).toBe(everyone.filter((e) => !sameValue(e, entry) && order(e, entry) < 0).length);
        }
      }),
      { numRuns: 300 },
    );
  });

  it("reads a page across the parts as the whole board's page, at any offset, however narrow the rounds", async () => {
    await fc.assert(
      fc.asyncProperty(
        boardArb,
        fc.nat({ max: 320 }),
        fc.integer({ min: 1, max: 40 }),
        fc.constantFrom(1, 4, 64, 4096),
        async (board, offset, limit, narrowTo) => {
          const { whole, boards, order } = split(board);
          const sizes = boards.map((b) => b.rankedPlayers);
          const page = await pageAcross(sizes, offset, limit, partsOf(boards), order, narrowTo);
          expect(page.map(placed)).toEqual(whole.page(offset, limit).map(placed));
        },
      ),
      { numRuns: 400 },
    );
  });

  it("reads a player's neighbourhood across the parts from each part's count ahead of it, as the whole board's", () => {
    fc.assert(
      fc.property(boardArb, fc.nat({ max: 299 }), fc.integer({ min: 1, max: 12 }), (board, pick, radius) => {
        const { whole, boards, order } = split(board);
        const everyone = whole.page(0, 1000);
        if (everyone.length === 0) return;
        const position = pick % everyone.length;
        const entry = everyone[position];
        const windows = boards.map((b) => {
          const ahead = b.countAhead(entry);
          const from = Math.max(0, ahead - radius);
          return { ahead, entries: b.page(from, ahead + radius + 1 - from) };
        });
        const near = aroundAcross(windows, radius, order);
        expect(near.map(placed)).toEqual(whole.around(entry.player, radius)?.map(placed));
      }),
      { numRuns: 300 },
    );
  });

  it("finds a deep page of 200,000 players over 16 parts in a few requests per part", async () => {
    const states = Array.from({ length: 200_000 }, (_, i) => ({
      player: `p${i}`,
      score: (i * 7919) % 5000,
      subscore: 0 as const,
      ts: i % 7,
    }));
    const { whole, boards, order } = split({ states, parts: 16, order: "desc", ties: "first", tiebreak: undefined });
    const parts = partsOf(boards);
    const page = await pageAcross(
      boards.map((b) => b.rankedPlayers),
      123_456,
      50,
      parts,
      order,
    );
    expect(page.map(placed)).toEqual(whole.page(123_456, 50).map(placed));
    expect(parts.requests / 16).toBeLessThan(12);
  });
});
