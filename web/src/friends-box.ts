import { h } from "./dom";
import { MAX_FRIENDS, parseFriends } from "./friends-list";

/**
 * The friends box: a labelled list of players whose live board replaces the
 * top, and a polite status saying who of them is not on the board (and what
 * the list could not hold). `onChoose` gets the players, or undefined to go
 * back to the top.
 */
export class FriendsBox {
  private readonly input = h("input", {
    id: "friends",
    type: "text",
    placeholder: "ana, ben, cem",
    autocomplete: "off",
    spellcheck: "false",
    "aria-describedby": "friends-hint",
  });
  private readonly status = h("p", { id: "friends-status", class: "muted", role: "status", "aria-live": "polite" });
  private notice = "";
  readonly element: HTMLElement;

  constructor(onChoose: (players: string[] | undefined) => void) {
    const clear = h("button", { type: "button", class: "secondary" }, "Clear", hidden(" friends"));
    const form = h(
      "form",
      { class: "friends" },
      h("label", { for: "friends" }, "Friends"),
      this.input,
      h("span", { id: "friends-hint", class: "visually-hidden" }, `Up to ${MAX_FRIENDS} players, by commas or spaces`),
      h("button", { type: "submit" }, "Show", hidden(" friends")),
      clear,
    );
    this.element = h("div", { class: "friends-box" }, form, this.status);
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      const { players, invalid, dropped } = parseFriends(this.input.value);
      this.notice = [
        invalid.length > 0 ? `Not player names: ${invalid.join(", ")}.` : "",
        dropped > 0 ? `${dropped} past the first ${MAX_FRIENDS} left out.` : "",
      ].join(" ");
      onChoose(players.length > 0 ? players : undefined);
    });
    clear.addEventListener("click", () => {
      this.notice = "";
      onChoose(undefined);
    });
  }

  /** Writes the chosen list into the box (only a choice does, so a late render never wipes typing). */
  show(players: string[] | undefined): void {
    this.input.value = players?.join(", ") ?? "";
    if (players === undefined) this.missing([]);
  }

  /** The asked players not on the board; announced only when it changes. */
  missing(players: string[]): void {
    const absent = players.length > 0 ? `Not on the board: ${players.join(", ")}.` : "";
    const text = `${this.notice} ${absent}`.trim();
    if (this.status.textContent !== text) this.status.textContent = text;
  }
}

const hidden = (text: string) => h("span", { class: "visually-hidden" }, text);
