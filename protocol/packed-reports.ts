import type { ScoreReport } from "./reports";

/** A report as an object takes it: its meta as JSON text already (the object keeps meta as text). */
export type SentReport = Omit<ScoreReport, "meta"> & { metaJson?: string };

/** A report's fields beyond its player, score, ts and meta. */
type ReportExtras = Omit<ScoreReport, "player" | "score" | "ts" | "meta">;

/**
 * A batch of score reports as it crosses the RPC from the Worker to an
 * object: the players in one string and the scores and times in typed
 * arrays, which the RPC copies whole, where an array of report objects is
 * cloned and rebuilt field by field on the object's thread (measured in Node:
 * 1000 reports cloned as objects 1.0-1.3 ms, packed and unpacked 0.2 ms).
 * Meta crosses as the JSON text the object stores, serialized in the Worker;
 * other fields ride along only with the reports that have them.
 */
export interface PackedReports {
  /** The players, joined by "\n" (no player name holds a control character). */
  players: string;
  scores: Float64Array;
  /** NaN where a report has no ts (the object stamps it with its own clock). */
  ts: Float64Array;
  /** Each report's meta as JSON text, by its position, for the reports that have meta. */
  metas: [position: number, json: string][];
  /** Each report's other fields, by its position, for the reports that have any. */
  extras: [position: number, fields: ReportExtras][];
}

export function packReports(reports: ScoreReport[]): PackedReports {
  const count = reports.length;
  const players = new Array<string>(count);
  const scores = new Float64Array(count);
  const ts = new Float64Array(count);
  const metas: PackedReports["metas"] = [];
  const extras: PackedReports["extras"] = [];
  for (let i = 0; i < count; i++) {
    const { player, score, ts: at, meta, ...fields } = reports[i];
    if (meta !== undefined) metas.push([i, JSON.stringify(meta)]);
    players[i] = player;
    scores[i] = score;
    ts[i] = at ?? Number.NaN;
    for (const _ in fields) {
      extras.push([i, fields]);
      break;
    }
  }
  return { players: players.join("\n"), scores, ts, metas, extras };
}

export function unpackReports({ players, scores, ts, metas, extras }: PackedReports): SentReport[] {
  if (scores.length === 0) return [];
  const names = players.split("\n");
  const reports = new Array<SentReport>(names.length);
  for (let i = 0; i < names.length; i++) {
    const at = ts[i];
    reports[i] = Number.isNaN(at)
      ? { player: names[i], score: scores[i] }
      : { player: names[i], score: scores[i], ts: at };
  }
  for (const [i, fields] of extras) Object.assign(reports[i], fields);
  for (const [i, json] of metas) reports[i].metaJson = json;
  return reports;
}
