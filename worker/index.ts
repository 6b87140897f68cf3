import app from "./app";

export { GameBoard } from "../objects/game-board";
export default app;
