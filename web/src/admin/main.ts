import { h } from "../dom";
import { adminCall } from "./api";
import { renderAudit } from "./audit-view";
import { type ConfigSchema, type Console, consoleLink, loadConfigSchema } from "./context";
import { renderGame } from "./game-view";
import { renderGames } from "./games-view";
import { forgetKey, storedKey } from "./session";
import { renderSignIn } from "./sign-in";

/**
 * `/admin`: the operators' console, a page of its own (web/admin.html) under
 * the same Content-Security-Policy as every page. Its screens are addresses
 * (`?game=g1&tab=players`, `?view=audit`); the key is never one of them.
 */
const root = document.getElementById("app") as HTMLElement;
const nav = document.getElementById("admin-nav") as HTMLElement;
let schema: Promise<ConfigSchema> | undefined;

function signOut(notice?: string): void {
  forgetKey();
  nav.replaceChildren();
  renderSignIn(root, render, notice);
}

function render(): void {
  const key = storedKey();
  if (key === undefined) {
    signOut();
    return;
  }
  const app: Console = {
    call: adminCall(key, () => signOut("The key was refused (401): sign in again.")),
    go: (url) => {
      history.pushState(null, "", url);
      render();
    },
    configSchema: () => {
      schema ??= loadConfigSchema();
      return schema;
    },
  };
  const query = new URLSearchParams(location.search);
  const view = query.get("view");
  const game = query.get("game");
  const out = h("button", { type: "button", class: "secondary", id: "sign-out" }, "Sign out");
  out.addEventListener("click", () => signOut());
  nav.replaceChildren(
    consoleLink(
      h("a", { href: "/admin", "aria-current": view === null && game === null ? "page" : undefined }, "Games"),
      app,
    ),
    consoleLink(
      h("a", { href: "/admin?view=audit", "aria-current": view === "audit" ? "page" : undefined }, "Audit log"),
      app,
    ),
    out,
  );
  if (view === "audit") renderAudit(root, app);
  else if (game !== null) renderGame(root, app, game, query.get("tab"));
  else renderGames(root, app);
  root.focus();
}

window.addEventListener("popstate", render);
render();
