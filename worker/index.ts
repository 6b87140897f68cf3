import app from "./app";

export { GameBoard } from "../objects/game-board";
export { GameShard } from "../objects/shards/game-shard";
export default app;
