import { errorResponse, spectatorsMoving } from "../protocol/errors";
import { DOOR_HEADER, RELAY_HEADER, RELAYS_HEADER, relayName } from "../protocol/relays";

/**
 * Games this isolate has seen place spectators on relays, with how many
 * relays each uses. A join of such a game goes straight to one of its relays,
 * which holds it from its own copy of the view without waking the game; a
 * relay without the view or without room sends it back to the game's door.
 * A stale entry costs one more round trip, never a wrong socket.
 */
const relayed = new Map<string, number>();
const GAMES_KEPT = 10_000;
/** Hops between the door and relays before giving up (a relay filled between the door's choice and the join). */
const HOPS = 4;

/** Opens a spectator's socket on the game's object or one of its relays (README, "Audiences beyond one object"). */
export async function openSocket(env: Env, game: string, url: URL, request: Request): Promise<Response> {
  const door = () => env.BOARD.getByName(game).fetch(new Request(url, request));
  const relay = (index: number) => {
    const headers = new Headers(request.headers);
    headers.set(RELAY_HEADER, String(index));
    return env.RELAY.getByName(relayName(game, index)).fetch(new Request(url, { headers }));
  };
  const known = relayed.get(game);
  let response = known === undefined ? await door() : await relay(Math.floor(Math.random() * known));
  for (let hop = 0; hop < HOPS; hop++) {
    const placed = response.headers.get(RELAY_HEADER);
    if (placed !== null) {
      if (relayed.size >= GAMES_KEPT) relayed.clear();
      relayed.set(game, Number(response.headers.get(RELAYS_HEADER)));
      response = await relay(Number(placed));
    } else if (response.headers.has(DOOR_HEADER)) {
      response = await door();
    } else {
      if (response.status === 404) relayed.delete(game);
      return response;
    }
  }
  return errorResponse(spectatorsMoving());
}
