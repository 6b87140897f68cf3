import { createRoute, z } from "@hono/zod-openapi";
import { sign } from "hono/jwt";
import { GamePath, PlayerName } from "../../protocol/names";
import { countMint } from "../audit";
import { createRouter, errorResponses as errors, limitBody } from "../http";
import { requireIngestForPathGame, requireKey } from "./guards";

const TokenRequest = z
  .strictObject({
    player: PlayerName,
    ttl: z.number().int().min(60).max(86_400).optional().openapi({ description: "Seconds the token lives (3600)" }),
  })
  .openapi("TokenRequest");

const Token = z
  .object({
    token: z.string().openapi({ description: "A JWT (HS256): `sub` the player, `game`, `exp`" }),
    expiresAt: z.number().int().openapi({ description: "When it expires (ms since the epoch)" }),
  })
  .openapi("PlayerToken");

const mintToken = createRoute({
  method: "post",
  path: "/v1/games/{game}/tokens",
  tags: ["Players"],
  summary: "Mint a player token",
  description:
    "Ingest key. A token lets a game client post this game's scores for its own player, set that " +
    "player's profile and join it to the open season, and nothing else (403); a bad or expired token is a 401. " +
    "Send it as " +
    "`Authorization: Bearer <token>`.",
  security: [{ bearer: [] }],
  middleware: [requireKey, requireIngestForPathGame, limitBody(4096)] as const,
  request: { params: GamePath, body: { required: true, content: { "application/json": { schema: TokenRequest } } } },
  responses: {
    200: { description: "The token", content: { "application/json": { schema: Token } } },
    ...errors(400, 401, 403, 413, 415, 429),
  },
});

export const tokenRoutes = createRouter().openapi(mintToken, async (c) => {
  const { game } = c.req.valid("param");
  const { player, ttl = 3600 } = c.req.valid("json");
  const exp = Math.floor(Date.now() / 1000) + ttl;
  const token = await sign({ sub: player, game, exp }, c.env.PLAYER_TOKEN_SECRET, "HS256");
  await countMint(c, game);
  return c.json({ token, expiresAt: exp * 1000 }, 200);
});
