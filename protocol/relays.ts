/**
 * Relays: objects that hold a game's spectators beyond the game's own
 * sockets (README, "Audiences beyond one object"). The game's object is the
 * door: it admits each new spectator (limits, views) and holds the first
 * `after` sockets itself; later ones it places on relays of at most
 * `sockets` sockets each, carrying the view's state to the relay first. The
 * Worker then routes joins to a relay directly, which admits them from its
 * own copy of the view while it has room, and sends anything else back to
 * the door.
 */

export interface RelayLimits {
  /** Sockets the game's object holds itself before it places spectators on relays. */
  after: number;
  /** Most sockets per relay. */
  sockets: number;
}

/** What `wrangler.toml` sets (`LIVE_RELAY_AFTER`, `LIVE_RELAY_SOCKETS`); tests set them low. */
export function relayLimits(env: { LIVE_RELAY_AFTER: string; LIVE_RELAY_SOCKETS: string }): RelayLimits {
  return { after: Number(env.LIVE_RELAY_AFTER), sockets: Number(env.LIVE_RELAY_SOCKETS) };
}

/**
 * The sockets relay `relay` may hold on its own: the game's `maxSpectators`
 * beyond its own share, split over relays in order, so that every relay full
 * is the game full, and no relay needs to ask how many the others hold.
 */
export function relayAllowance(relay: number, maxSpectators: number, limits: RelayLimits): number {
  const beyond = maxSpectators - Math.min(limits.after, maxSpectators) - relay * limits.sockets;
  return Math.max(0, Math.min(limits.sockets, beyond));
}

/** How many relays a game of `maxSpectators` may use. */
export const relaysFor = (maxSpectators: number, limits: RelayLimits): number =>
  Math.ceil(Math.max(0, maxSpectators - limits.after) / limits.sockets);

/** The name of one of a game's relay objects (game names never hold `#`). */
export const relayName = (game: string, relay: number): string => `${game}#relay-${relay}`;

/**
 * Headers between the Worker, the door and the relays, never shown to a
 * client: the door answers "go to relay n" (and how many relays the game
 * uses), the Worker tells a relay its number, and a relay answers "ask the
 * door".
 */
export const RELAY_HEADER = "podium-relay";
/** The Worker tells the door and relays the spectator's address key (absent for loopback clients). */
export const ADDRESS_HEADER = "podium-address";
export const RELAYS_HEADER = "podium-relays";
export const DOOR_HEADER = "podium-door";

/**
 * Live sockets one client address (an IPv4 address, an IPv6 /64) may hold on
 * one object, the game's or a relay's: without it one address could take
 * every spectator slot of a game, the plain top included. High enough for
 * many viewers behind one NAT; past it on the game's object, a spectator
 * goes to a relay when the game has them.
 */
export const SOCKETS_PER_ADDRESS = 100;
