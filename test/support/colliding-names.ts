// Names that collide under the player directory's old, unkeyed hash: the
// hash-flooding test and the engine benchmark's adversarial row use them.

/** The directory's old, unkeyed hash state: FNV-1a over the bytes (its finalizer was a bijection). */
export function fnv1a(state: number, text: string): number {
  let h = state;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

/**
 * 2^stages names that all share one old hash, built the cheap way an attacker
 * would: a colliding pair of 6-letter blocks per stage (a birthday search; from some
 * states FNV-1a is one-to-one on 4 bytes),
 * then every choice of block per stage (Joux's multicollisions).
 */
export function collidingNames(stages: number): string[] {
  let random = 12345;
  const letter = () => {
    random = (Math.imul(random, 1103515245) + 12345) >>> 0;
    return "abcdefghijklmnopqrstuvwxyz0123456789"[(random >>> 8) % 36];
  };
  let state = 0x811c9dc5;
  const pairs: [string, string][] = [];
  for (let stage = 0; stage < stages; stage++) {
    const seen = new Map<number, string>();
    for (;;) {
      const block = letter() + letter() + letter() + letter() + letter() + letter();
      const h = fnv1a(state, block);
      const other = seen.get(h);
      if (other !== undefined && other !== block) {
        pairs.push([other, block]);
        state = h;
        break;
      }
      seen.set(h, block);
    }
  }
  let names = [""];
  for (const [a, b] of pairs) names = names.flatMap((prefix) => [prefix + a, prefix + b]);
  return names;
}
