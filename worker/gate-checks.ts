import { GATE_CODES } from "../objects/competition/gates";
import { type ApiError, attemptsExhausted, type GateDetail, notJoined } from "../protocol/errors";

/**
 * The one refusal a game on one object would give a batch, from its shards'
 * gate checks (each over its part, naming items by their place in the
 * part): the first gate any part refused at (GATE_CODES order), with every
 * part's items it names, in batch order. A shard checks the gates in that
 * order too, so a part that refused at a later gate passed the earlier ones.
 * `positions`: each part's items' places in the batch; `playersOf`: an
 * item's players, in the order the object names them.
 */
export function mergeGateRefusals(
  checks: readonly (ApiError | undefined)[],
  positions: readonly (readonly number[])[],
  playersOf: (index: number) => string[],
): ApiError | undefined {
  const refusals = checks.flatMap((error, k) =>
    error !== undefined && GATE_CODES.includes(error.code) ? [{ error, k }] : [],
  );
  if (refusals.length === 0) return undefined;
  const first = Math.min(...refusals.map(({ error }) => GATE_CODES.indexOf(error.code)));
  const chosen = refusals.filter(({ error }) => GATE_CODES.indexOf(error.code) === first);
  if (GATE_CODES[first] === "game_closed") return chosen[0].error;
  const details = chosen.flatMap(({ error, k }) =>
    (error.details as GateDetail[]).map((d) => ({ ...d, index: positions[k][d.index] })),
  );
  const place = (d: GateDetail) => playersOf(d.index).indexOf(d.player);
  details.sort((a, b) => a.index - b.index || place(a) - place(b));
  return GATE_CODES[first] === "not_joined" ? notJoined(details) : attemptsExhausted(details);
}
