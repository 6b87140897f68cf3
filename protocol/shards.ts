/** The most objects one game's players may spread over. */
export const MAX_SHARDS = 64;

/**
 * The shard that holds `player` in a game of `shards` shards: FNV-1a over the
 * game's name and the player's (NFC, as the edge normalizes every name), then
 * murmur3's finalizer, without which names that differ in their last
 * character (p1, p2, ...) fall into shards by that character's low bits. It
 * must never change: a player who moved would be on two shards at once.
 */
export function shardOf(game: string, player: string, shards: number): number {
  if (shards === 1) return 0;
  let hash = 2166136261;
  for (let i = 0; i < game.length; i++) hash = Math.imul(hash ^ game.charCodeAt(i), 16777619);
  hash = Math.imul(hash ^ 0x0a, 16777619);
  for (let i = 0; i < player.length; i++) hash = Math.imul(hash ^ player.charCodeAt(i), 16777619);
  hash = Math.imul(hash ^ (hash >>> 16), 0x85ebca6b);
  hash = Math.imul(hash ^ (hash >>> 13), 0xc2b2ae35);
  return ((hash ^ (hash >>> 16)) >>> 0) % shards;
}

/** The name of a sharded game's shard object (game names never hold `#`). */
export const shardName = (game: string, index: number): string => `${game}#${index}`;

/** Each shard's share of a game's `maxPlayers`. */
export const shardMaxPlayers = (maxPlayers: number, shards: number): number => Math.ceil(maxPlayers / shards);
