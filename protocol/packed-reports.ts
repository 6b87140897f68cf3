import type { ScoreReport } from "./reports";

/** A report as an object takes it: its meta as JSON text already (the object keeps meta as text). */
export type SentReport = Omit<ScoreReport, "meta"> & { metaJson?: string };

/** A report's fields beyond its player, score, ts, subscore, team, id and meta. */
type ReportExtras = Omit<ScoreReport, "player" | "score" | "ts" | "subscore" | "team" | "id" | "meta">;

/**
 * A batch of score reports as it crosses the RPC from the Worker to an
 * object: the players in one string and the scores and times in typed
 * arrays, which the RPC copies whole, where an array of report objects is
 * cloned and rebuilt field by field on the object's thread (measured in Node:
 * 1000 reports cloned as objects 1.0-1.3 ms, packed and unpacked 0.2 ms).
 * Subscores, teams and ids, which a game sends with every report or none, are
 * columns too; meta crosses as the JSON text the object stores, serialized
 * in the Worker; other fields ride along only with the reports that have them.
 */
export interface PackedReports {
  /** The players, joined by "\n" (no name holds a control character). */
  players: string;
  scores: Float64Array;
  /** NaN where a report has no ts (the object stamps it with its own clock). */
  ts: Float64Array;
  /** NaN where a report has no subscore; absent when none has. */
  subscores?: Float64Array;
  /** The teams, joined by "\n", "" where a report names none (no team name is empty); absent when none does. */
  teams?: string;
  /** The ids, joined by "\n", "" where a report has none (no id is empty); absent when none has. */
  ids?: string;
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
  let subscores: Float64Array | undefined;
  let teams: string[] | undefined;
  let ids: string[] | undefined;
  const metas: PackedReports["metas"] = [];
  const extras: PackedReports["extras"] = [];
  for (let i = 0; i < count; i++) {
    const { player, score, ts: at, subscore, team, id, meta, ...fields } = reports[i];
    players[i] = player;
    scores[i] = score;
    ts[i] = at ?? Number.NaN;
    if (subscore !== undefined) {
      subscores ??= new Float64Array(count).fill(Number.NaN);
      subscores[i] = subscore;
    }
    if (team !== undefined) {
      teams ??= new Array<string>(count).fill("");
      teams[i] = team;
    }
    if (id !== undefined) {
      ids ??= new Array<string>(count).fill("");
      ids[i] = id;
    }
    if (meta !== undefined) metas.push([i, JSON.stringify(meta)]);
    for (const _ in fields) {
      extras.push([i, fields]);
      break;
    }
  }
  const packed: PackedReports = { players: players.join("\n"), scores, ts, metas, extras };
  if (subscores !== undefined) packed.subscores = subscores;
  if (teams !== undefined) packed.teams = teams.join("\n");
  if (ids !== undefined) packed.ids = ids.join("\n");
  return packed;
}

export function unpackReports(packed: PackedReports): SentReport[] {
  const { scores, ts, subscores, metas, extras } = packed;
  if (scores.length === 0) return [];
  const names = packed.players.split("\n");
  const teams = packed.teams?.split("\n");
  const ids = packed.ids?.split("\n");
  const reports = new Array<SentReport>(names.length);
  for (let i = 0; i < names.length; i++) {
    const at = ts[i];
    const report: SentReport = Number.isNaN(at)
      ? { player: names[i], score: scores[i] }
      : { player: names[i], score: scores[i], ts: at };
    if (subscores !== undefined && !Number.isNaN(subscores[i])) report.subscore = subscores[i];
    if (teams !== undefined && teams[i] !== "") report.team = teams[i];
    if (ids !== undefined && ids[i] !== "") report.id = ids[i];
    reports[i] = report;
  }
  for (const [i, fields] of extras) Object.assign(reports[i], fields);
  for (const [i, json] of metas) reports[i].metaJson = json;
  return reports;
}
