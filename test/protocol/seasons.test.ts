import { describe, expect, it } from "vitest";
import { nextBoundary, SeasonSchedule } from "../../protocol/seasons";

const at = (iso: string) => Date.parse(iso);
const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
const HOUR = 3_600_000;

/** The next `n` boundaries after `from`. */
function boundaries(schedule: SeasonSchedule, from: string, n: number): number[] {
  const out: number[] = [];
  let t = at(from);
  for (let i = 0; i < n; i++) {
    const next = nextBoundary(schedule, t);
    if (next === null) break;
    out.push(next);
    t = next;
  }
  return out;
}

describe("season schedules", () => {
  it("reads hour, day, week (Monday) and month in UTC by default", () => {
    const from = "2026-11-23T10:15:00Z"; // a Monday
    expect(iso(nextBoundary({ every: "hour" }, at(from)))).toBe("2026-11-23T11:00:00.000Z");
    expect(iso(nextBoundary({ every: "day" }, at(from)))).toBe("2026-11-24T00:00:00.000Z");
    expect(iso(nextBoundary({ every: "week" }, at(from)))).toBe("2026-11-30T00:00:00.000Z");
    expect(iso(nextBoundary({ every: "month" }, at(from)))).toBe("2026-12-01T00:00:00.000Z");
    // Strictly after: a boundary is never the instant it is asked from.
    expect(iso(nextBoundary({ every: "hour" }, at("2026-11-23T11:00:00Z")))).toBe("2026-11-23T12:00:00.000Z");
  });

  it("reads a zone: Istanbul's midnight is 21:00 UTC", () => {
    const next = nextBoundary({ every: "day", timezone: "Europe/Istanbul" }, at("2026-11-23T10:00:00Z"));
    expect(iso(next)).toBe("2026-11-23T21:00:00.000Z");
    const weekly = nextBoundary({ cron: "0 0 * * MON", timezone: "Europe/Istanbul" }, at("2026-11-23T10:00:00Z"));
    expect(iso(weekly)).toBe("2026-11-29T21:00:00.000Z");
  });

  it("has a 23-hour day when New York springs forward and a 25-hour day when it falls back", () => {
    const ny = { every: "day", timezone: "America/New_York" } as const;
    const [spring, afterSpring] = boundaries(ny, "2026-03-08T04:30:00Z", 2); // just before midnight EST
    expect(iso(spring)).toBe("2026-03-08T05:00:00.000Z"); // midnight EST
    expect(afterSpring - spring).toBe(23 * HOUR);
    const [fall, afterFall] = boundaries(ny, "2026-11-01T03:30:00Z", 2);
    expect(iso(fall)).toBe("2026-11-01T04:00:00.000Z"); // midnight EDT
    expect(afterFall - fall).toBe(25 * HOUR);
  });

  it("runs a daily time that the spring gap skips once, after the gap, and a repeated one once", () => {
    // 02:30 does not exist in New York on 2026-03-08: that day's season turns at 03:00 EDT, after the gap.
    const gap = boundaries({ cron: "30 2 * * *", timezone: "America/New_York" }, "2026-03-07T12:00:00Z", 3);
    expect(gap.map(iso)).toEqual(["2026-03-08T07:00:00.000Z", "2026-03-09T06:30:00.000Z", "2026-03-10T06:30:00.000Z"]);
    // 01:30 occurs twice on 2026-11-01: one boundary, at the first.
    const repeated = boundaries({ cron: "30 1 * * *", timezone: "America/New_York" }, "2026-10-31T12:00:00Z", 3);
    expect(repeated.map(iso)).toEqual([
      "2026-11-01T05:30:00.000Z",
      "2026-11-02T06:30:00.000Z",
      "2026-11-03T06:30:00.000Z",
    ]);
  });

  it("keeps an hourly schedule on the clock through both changes: 23 and 25 boundaries in those days", () => {
    const hourly = { every: "hour", timezone: "America/New_York" } as const;
    const spring = boundaries(hourly, "2026-03-08T05:00:00Z", 30).filter((t) => t < at("2026-03-09T04:00:00Z"));
    expect(spring.length).toBe(22); // after midnight, through 23:00 EDT: 23 hours, the first excluded
    const fall = boundaries(hourly, "2026-11-01T04:00:00Z", 30).filter((t) => t < at("2026-11-02T05:00:00Z"));
    expect(fall.length).toBe(24);
    for (const list of [spring, fall]) for (let i = 1; i < list.length; i++) expect(list[i] - list[i - 1]).toBe(HOUR);
  });

  it("refuses a bad pattern, a pattern that never fires, and an unknown zone", () => {
    const problems = (value: unknown) =>
      SeasonSchedule.safeParse(value)
        .error?.issues.map((i) => i.message)
        .join("; ") ?? "";
    expect(problems({ cron: "0 0 * *" })).toMatch(/5-field/);
    expect(problems({ cron: "0 0 31 2 *" })).toMatch(/never fires/);
    expect(problems({ every: "day", timezone: "Mars/Olympus" })).toMatch(/IANA/);
    expect(problems({ every: "fortnight" })).not.toBe("");
    expect(problems({ cron: "*/1 * * * *", timezone: "Asia/Tokyo" })).toBe("");
  });
});
