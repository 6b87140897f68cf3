import { h } from "../dom";
import { CHECK_TEXT, checkKey, keepKey } from "./session";

/**
 * Asks for an admin key and checks it with the server before keeping it;
 * a wrong key, an ingest key and an unreachable server each say so.
 */
export function renderSignIn(root: HTMLElement, signedIn: () => void, notice?: string): void {
  const input = h("input", {
    id: "admin-key",
    type: "password",
    autocomplete: "off",
    spellcheck: "false",
    "aria-describedby": "sign-in-hint sign-in-error",
  });
  const button = h("button", { type: "submit" }, "Sign in");
  const error = h("p", { class: "field-error", id: "sign-in-error", role: "alert" }, notice ?? "");
  const form = h(
    "form",
    { id: "sign-in", class: "sign-in" },
    h("label", { for: "admin-key" }, "Admin key"),
    input,
    button,
  );
  root.replaceChildren(
    h("h1", {}, "Podium console"),
    h(
      "p",
      { class: "hint", id: "sign-in-hint" },
      "An admin key from ADMIN_KEYS. It stays in this tab (session storage) and goes to the API only as a bearer " +
        "header; closing the tab forgets it.",
    ),
    form,
    error,
  );
  input.focus();
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const key = input.value.trim();
    if (key === "") return;
    button.disabled = true;
    error.textContent = "";
    void checkKey(key).then((check) => {
      button.disabled = false;
      if (check === "ok") {
        keepKey(key);
        signedIn();
        return;
      }
      error.dataset.reason = check;
      error.textContent = CHECK_TEXT[check];
    });
  });
}
