/** The OpenAPI document's version: the package's (a test keeps the two equal). */
export const API_VERSION = "0.1.0";

/** The reference's sections, in the order a new user meets them. */
export const API_TAGS = [
  { name: "Games", description: "List games, read and change a game's config, delete a game" },
  { name: "Reporting", description: "Scores, match results and counter events in; JSON, line protocol and Influx" },
  { name: "Boards", description: "Leaderboards: players, teams, MVPs, trending and countries" },
  { name: "Players", description: "One player: rank and neighbours, stats, profile, player tokens, removal" },
  { name: "Live", description: "Live boards over a websocket" },
  { name: "History", description: "Sampled history from D1: leaders, time at first, gaps, a player's ranks" },
  { name: "Seasons", description: "Closed seasons, their standings, awards and the prize pool" },
  { name: "Audit", description: "Who changed what, for admin keys" },
  { name: "Reference", description: "This document, and its rendering" },
] as const;
