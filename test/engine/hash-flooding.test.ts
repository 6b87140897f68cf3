import { describe, expect, it } from "vitest";
import { halfSipHash13, PlayerIds } from "../../engine/player-ids";
import { collidingNames, fnv1a } from "../support/colliding-names";

describe("player-id hash under flooding", () => {
  it("is HalfSipHash-1-3 (vectors from the reference implementation, key 00..07, message 00..n-1)", () => {
    const message = Uint8Array.from({ length: 16 }, (_, i) => i);
    const hash = (n: number) => halfSipHash13(0x03020100, 0x07060504, message, 0, n);
    expect([hash(0), hash(7), hash(15)]).toEqual([1477757078, 2637748694, 3492117252]);
  });

  it("keeps per-insert probes flat for 16,384 names that collide under the old hash", () => {
    const names = collidingNames(14);
    expect(new Set(names).size).toBe(16_384);
    expect(new Set(names.map((n) => fnv1a(0x811c9dc5, n))).size).toBe(1);

    const adversarial = new PlayerIds();
    const means: number[] = [];
    names.forEach((name, i) => {
      adversarial.intern(name);
      if ((i + 1) % 2048 === 0) means.push(adversarial.probeStats().mean);
    });
    const random = new PlayerIds();
    for (let i = 0; i < names.length; i++) random.intern(`player-${i}-${(i * 2654435761) >>> 0}`);

    // Under the old hash every lookup walked the whole cluster: a mean of ~8,192 probes.
    const attacked = adversarial.probeStats();
    const baseline = random.probeStats();
    expect(Math.max(...means)).toBeLessThan(3);
    expect(attacked.mean).toBeLessThan(baseline.mean * 1.5 + 0.5);
    expect(attacked.max).toBeLessThan(64);
    for (const name of names) expect(adversarial.find(name)).toBeGreaterThanOrEqual(0);
  });

  it("hashes the same name differently under different keys", () => {
    const bytes = new TextEncoder().encode("player-1");
    const hashes = new Set(Array.from({ length: 64 }, (_, k) => halfSipHash13(k, k * 7919, bytes, 0, bytes.length)));
    expect(hashes.size).toBe(64);
  });
});
