import { integer, sqliteTable, text } from "drizzle-orm/sqlite-core";

/** The games directory behind `GET /v1/games`, kept current by each game's object. */
export const games = sqliteTable("games", {
  game: text("game").primaryKey(),
  players: integer("players").notNull(),
  updatedAt: integer("updated_at").notNull(),
  createdAt: integer("created_at").notNull(),
});
