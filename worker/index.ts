import app from "./app";

export { GameBoard } from "../objects/game-board";
export { LiveRelay } from "../objects/relay/live-relay";
export { GameShard } from "../objects/shards/game-shard";
export default app;
