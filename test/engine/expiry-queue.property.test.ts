import fc from "fast-check";
import { expect, it } from "vitest";
import { ExpiryQueue } from "../../engine/expiry-queue";

it("ExpiryQueue pops times in ascending order", () => {
  fc.assert(
    fc.property(fc.array(fc.integer({ min: 0, max: 1e6 }), { maxLength: 2000 }), (times) => {
      const queue = new ExpiryQueue();
      for (const [slot, t] of times.entries()) queue.push(t, slot);
      const popped: number[] = [];
      while (queue.size > 0) {
        const t = queue.peekTime();
        expect(times[queue.peekSlot()]).toBe(t);
        popped.push(t);
        queue.pop();
      }
      expect(popped).toEqual([...times].sort((a, b) => a - b));
      expect(queue.peekTime()).toBe(Number.POSITIVE_INFINITY);
    }),
  );
});
