import type { PlayerStanding } from "../../protocol/boards";
import type { ErrorBody } from "../../protocol/errors";
import { formatScore, getJson, h } from "./dom";
import { type Answer, type Refusal, refusalText } from "./play-refusal";
import { PlayStanding } from "./play-standing";

/** What the page reads from a token to show who is playing; the Worker alone verifies it. */
interface TokenClaims {
  sub: string;
  game: string;
  exp: number;
}

const JWT_SHAPE = /^[\w-]+\.([\w-]+)\.[\w-]+$/;

function claimsOf(token: string): TokenClaims | undefined {
  const payload = token.match(JWT_SHAPE)?.[1];
  if (payload === undefined) return undefined;
  try {
    // atob gives one char per byte; names are UTF-8, so the bytes go through a decoder.
    const bytes = Uint8Array.from(atob(payload.replace(/-/g, "+").replace(/_/g, "/")), (c) => c.charCodeAt(0));
    const json = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
    const claims = JSON.parse(json) as Partial<TokenClaims>;
    const { sub, game, exp } = claims;
    if (typeof sub !== "string" || typeof game !== "string" || typeof exp !== "number") return undefined;
    return { sub, game, exp };
  } catch {
    return undefined;
  }
}

const storageKey = (game: string) => `podium.token.${game}`;

/**
 * The token arrives in the URL's fragment (`#token=`), which browsers never
 * send to a server or in a Referer. It moves to this tab's session storage and
 * leaves the address bar, so a copied link or the history does not carry it.
 */
function takeToken(game: string): string | undefined {
  const fragment = new URLSearchParams(location.hash.slice(1)).get("token");
  if (fragment !== null) {
    sessionStorage.setItem(storageKey(game), fragment.trim());
    history.replaceState(null, "", location.pathname + location.search);
  }
  return sessionStorage.getItem(storageKey(game)) ?? undefined;
}

/**
 * `/games/{game}/play#token=...`: a game client in the browser. It posts its
 * own player's score with the player token a game server minted, under the
 * same Content-Security-Policy as every page. It shows the player's score,
 * rank and the game's bounds at once, then what the API answered: the new
 * rank, or why not in words (bad token, bounds, rate limit).
 */
export function renderPlay(root: HTMLElement, game: string): void {
  const token = takeToken(game);
  const claims = token === undefined ? undefined : claimsOf(token);
  const board = `/games/${encodeURIComponent(game)}`;
  root.replaceChildren(h("h1", {}, `Play ${game}`));
  if (token === undefined || claims === undefined) {
    if (token !== undefined) sessionStorage.removeItem(storageKey(game));
    root.append(tokenForm(root, game, token !== undefined));
    return;
  }
  if (claims.game !== game) {
    root.append(
      h("p", { class: "play-error", role: "alert" }, `This token is for the game ${claims.game}, not ${game}.`),
      h("p", {}, h("a", { href: `/games/${encodeURIComponent(claims.game)}/play` }, `Play ${claims.game}`)),
      tokenForm(root, game, false),
    );
    return;
  }

  const expires = new Date(claims.exp * 1000);
  const result = h("div", { class: "play-result", id: "play-result", role: "status", "aria-live": "polite" });
  const scoreInput = h("input", {
    id: "play-score",
    type: "number",
    step: "any",
    required: true,
    inputmode: "decimal",
    autocomplete: "off",
  });
  const submit = h("button", { type: "submit", id: "play-submit" }, "Submit score");
  const form = h("form", { class: "play" }, h("label", { for: "play-score" }, "Score"), scoreInput, submit);
  const signOut = h("button", { type: "button", class: "secondary" }, "Use another token");
  signOut.addEventListener("click", () => {
    sessionStorage.removeItem(storageKey(game));
    renderPlay(root, game);
  });
  const standing = new PlayStanding(game, claims.sub);
  root.append(
    h(
      "p",
      { class: "play-who" },
      "Playing as ",
      h("strong", { id: "play-player" }, claims.sub),
      `; the token expires at ${expires.toLocaleTimeString()}. `,
      signOut,
    ),
    standing.element,
    form,
    result,
    h("p", {}, h("a", { href: `${board}?player=${encodeURIComponent(claims.sub)}` }, "Watch the live board")),
  );
  const showStanding = () =>
    standing
      .refresh()
      .catch((error: unknown) =>
        result.replaceChildren(h("p", { class: "play-error" }, `Could not read your standing: ${String(error)}`)),
      );
  void showStanding();

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const score = scoreInput.valueAsNumber;
    if (!Number.isFinite(score)) return;
    submit.disabled = true;
    void post(game, token, claims.sub, score)
      .then(async (answer) => {
        if (answer.ok) {
          const now = await getJson<PlayerStanding>(
            `/v1/games/${encodeURIComponent(game)}/players/${encodeURIComponent(claims.sub)}`,
          ).catch(() => undefined);
          result.replaceChildren(accepted(score, now));
          submit.disabled = false;
          void showStanding();
          return;
        }
        result.replaceChildren(refused(answer, score, standing.bounds));
        if (answer.status === 401) sessionStorage.removeItem(storageKey(game));
        if (answer.status === 429) setTimeout(() => (submit.disabled = false), answer.retryAfter * 1000);
        else submit.disabled = answer.status === 401;
      })
      .catch((error: unknown) => {
        result.replaceChildren(h("p", { class: "play-error" }, `Could not reach Podium: ${String(error)}`));
        submit.disabled = false;
      });
  });
}

async function post(game: string, token: string, player: string, score: number): Promise<Answer> {
  const res = await fetch(`/v1/games/${encodeURIComponent(game)}/scores`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: JSON.stringify({ player, score }),
  });
  if (res.ok) return { ok: true };
  const body = (await res.json().catch(() => undefined)) as ErrorBody | undefined;
  return {
    ok: false,
    status: res.status,
    error: body?.error ?? { code: "unknown", message: `${res.status} ${res.statusText}` },
    retryAfter: Number(res.headers.get("retry-after") ?? 1) || 1,
  };
}

function accepted(score: number, standing: PlayerStanding | undefined): HTMLElement {
  if (standing === undefined) return h("p", { class: "play-ok" }, `Accepted: ${formatScore(score)}.`);
  return h(
    "p",
    { class: "play-ok" },
    `Accepted: ${formatScore(score)}. Your score is ${formatScore(standing.score)}, `,
    h("strong", { id: "play-rank" }, `#${standing.rank}`),
    ` of ${standing.total}.`,
  );
}

function refused(answer: Refusal, score: number, bounds: PlayStanding["bounds"]): HTMLElement {
  return h("p", { class: "play-error", "data-code": answer.error.code }, refusalText(answer, score, bounds));
}

/** Asks for a token when the page has none, or a stored one that no longer reads as one. */
function tokenForm(root: HTMLElement, game: string, unreadable: boolean): HTMLElement {
  const input = h("input", { id: "play-token", type: "text", autocomplete: "off", spellcheck: "false" });
  const form = h(
    "form",
    { class: "play" },
    h("label", { for: "play-token" }, "Player token"),
    input,
    h("button", { type: "submit" }, "Play"),
  );
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const token = input.value.trim();
    if (token === "") return;
    sessionStorage.setItem(storageKey(game), token);
    renderPlay(root, game);
  });
  return h(
    "section",
    {},
    unreadable ? h("p", { class: "play-error", role: "alert" }, "That is not a player token.") : null,
    h(
      "p",
      { class: "muted" },
      "Your game server mints a token for you (POST /v1/games/{game}/tokens with its ingest key) and opens this page " +
        "with it after #token=. You can also paste it here.",
    ),
    form,
  );
}
