import type { PlayerStanding } from "../../../protocol/boards";
import { NAME_PATTERN, nameRule } from "../../../protocol/patterns";
import { formatScore, h } from "../dom";
import { gamePath } from "./api";
import { confirmAction } from "./confirm";
import type { Console } from "./context";

/** A player's page under a game: look one up, remove it, or mint it a token and a play link. */
export function renderPlayers(root: HTMLElement, app: Console, game: string): void {
  const lookupName = h("input", { id: "player-name", type: "text", autocomplete: "off", spellcheck: "false" });
  const lookup = h(
    "form",
    { id: "player-lookup" },
    h("label", { for: "player-name" }, "Player"),
    lookupName,
    h("button", { type: "submit" }, "Look up"),
  );
  const found = h("div", { id: "player-found", role: "status" });
  const tokenName = h("input", { id: "token-player", type: "text", autocomplete: "off", spellcheck: "false" });
  const ttl = h("input", { id: "token-ttl", type: "text", inputmode: "numeric", value: "3600", autocomplete: "off" });
  const mint = h(
    "form",
    { id: "token-form" },
    h("label", { for: "token-player" }, "Player"),
    tokenName,
    h("label", { for: "token-ttl" }, "Lives (s, 60-86400)"),
    ttl,
    h("button", { type: "submit" }, "Mint a token"),
  );
  const minted = h("div", { id: "token-result", role: "status" });
  root.replaceChildren(
    h("h2", {}, "Look up a player"),
    lookup,
    found,
    h("h2", {}, "Player token"),
    h(
      "p",
      { class: "hint" },
      "A token lets one player post this game's scores from a browser, bounded by the game's bounds and rate limits. " +
        "Minting is counted in the audit log.",
    ),
    mint,
    minted,
  );

  const problem = (where: HTMLElement, text: string) => where.replaceChildren(h("p", { class: "field-error" }, text));

  const show = async (player: string) => {
    const answer = await app.call<PlayerStanding>("GET", gamePath(game, `/players/${encodeURIComponent(player)}`));
    if (!answer.ok) {
      problem(found, answer.status === 404 ? `${player}: ${answer.error.message}.` : answer.error.message);
      return;
    }
    const s = answer.value;
    const remove = h("button", { type: "button", class: "danger", id: "player-remove" }, `Remove ${player}`);
    remove.addEventListener("click", () => void removePlayer(player));
    found.replaceChildren(
      h(
        "dl",
        { class: "facts", id: "player-facts" },
        h("dt", {}, "Player"),
        h("dd", {}, s.player),
        h("dt", {}, "Rank"),
        h("dd", { id: "player-rank" }, `#${s.rank} of ${s.total}`),
        h("dt", {}, "Score"),
        h("dd", {}, formatScore(s.score)),
        h("dt", {}, "Last report"),
        h("dd", {}, new Date(s.ts).toISOString()),
      ),
      remove,
    );
  };
  const removePlayer = async (player: string) => {
    const confirmed = await confirmAction({
      title: `Remove ${player}?`,
      text: `${player} leaves the board of ${game} now, with its score. A later report puts it back.`,
      action: `Remove ${player}`,
    });
    if (!confirmed) return;
    const answer = await app.call("DELETE", gamePath(game, `/players/${encodeURIComponent(player)}`));
    if (answer.ok) found.replaceChildren(h("p", { class: "form-status" }, `Removed ${player}.`));
    else problem(found, `Could not remove ${player}: ${answer.error.message}`);
  };

  lookup.addEventListener("submit", (event) => {
    event.preventDefault();
    const player = lookupName.value.trim();
    if (!NAME_PATTERN.test(player)) problem(found, `A ${nameRule("player")}.`);
    else void show(player);
  });
  mint.addEventListener("submit", (event) => {
    event.preventDefault();
    const player = tokenName.value.trim();
    if (!NAME_PATTERN.test(player)) {
      problem(minted, `A ${nameRule("player")}.`);
      return;
    }
    void app
      .call<{ token: string; expiresAt: number }>("POST", gamePath(game, "/tokens"), { player, ttl: Number(ttl.value) })
      .then((answer) => {
        if (!answer.ok) {
          problem(minted, `No token: ${answer.error.message}`);
          return;
        }
        const { token, expiresAt } = answer.value;
        // The token goes in the fragment, which the browser never sends to a server (README, the play page).
        const link = `${location.origin}/games/${encodeURIComponent(game)}/play#token=${token}`;
        minted.replaceChildren(
          h("p", {}, `A token for ${player}, valid until ${new Date(expiresAt).toISOString()}:`),
          h("label", { for: "token-value" }, "Token"),
          h("textarea", { id: "token-value", readonly: true, rows: "2", spellcheck: "false" }, token),
          h(
            "p",
            {},
            h("a", { href: link, id: "play-link", target: "_blank", rel: "noopener" }, `Play ${game} as ${player}`),
          ),
        );
      });
  });
}
