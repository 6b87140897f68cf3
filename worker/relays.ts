import { errorResponse, spectatorsMoving } from "../protocol/errors";
import { ADDRESS_HEADER, DOOR_HEADER, RELAY_HEADER, RELAYS_HEADER, relayName } from "../protocol/relays";

/**
 * Games this isolate has seen place spectators on relays: how many relays
 * each uses, and the relay the door last placed each view on. A join of such
 * a game goes straight to that relay (or, for a view not placed yet, to one
 * of the game's relays), which holds it from its own copy of the view
 * without waking the game; a relay without the view or without room sends it
 * back to the game's door. A stale entry costs one more round trip, never a
 * wrong socket.
 */
interface Relayed {
  relays: number;
  /** By the view's query, as the Worker normalized it. */
  views: Map<string, number>;
}
const relayed = new Map<string, Relayed>();
const GAMES_KEPT = 10_000;
const VIEWS_KEPT = 1000;

/** Hops between the door and relays before giving up (a relay filled between the door's choice and the join). */
const HOPS = 4;

/**
 * Opens a spectator's socket on the game's object or one of its relays
 * (README, "Audiences beyond one object"); `address`: the client's address
 * key, which each holds to its share of sockets.
 */
export async function openSocket(
  env: Env,
  game: string,
  url: URL,
  request: Request,
  address: string | undefined,
): Promise<Response> {
  // Internal headers are the Worker's to set: whatever a client sent under their names goes.
  const forwarded = new Headers(request.headers);
  for (const name of [ADDRESS_HEADER, RELAY_HEADER]) forwarded.delete(name);
  if (address !== undefined) forwarded.set(ADDRESS_HEADER, address);
  const door = () => env.BOARD.getByName(game).fetch(new Request(url, { headers: forwarded }));
  const relay = (index: number) => {
    const headers = new Headers(forwarded);
    headers.set(RELAY_HEADER, String(index));
    return env.RELAY.getByName(relayName(game, index)).fetch(new Request(url, { headers }));
  };
  const view = url.search;
  const known = relayed.get(game);
  let response =
    known === undefined ? await door() : await relay(known.views.get(view) ?? Math.floor(Math.random() * known.relays));
  for (let hop = 0; hop < HOPS; hop++) {
    const placed = response.headers.get(RELAY_HEADER);
    if (placed !== null) {
      remember(game, Number(response.headers.get(RELAYS_HEADER)), view, Number(placed));
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

function remember(game: string, relays: number, view: string, relay: number): void {
  let known = relayed.get(game);
  if (known === undefined) {
    if (relayed.size >= GAMES_KEPT) relayed.clear();
    known = { relays, views: new Map() };
    relayed.set(game, known);
  }
  known.relays = relays;
  if (known.views.size >= VIEWS_KEPT) known.views.clear();
  known.views.set(view, relay);
}
