import { h } from "./dom";
import { renderGame } from "./game-page";
import { renderHome } from "./home";
import { renderPlay } from "./play-page";

// One page for every route; the Worker's assets fall back to it (SPA mode).
const root = document.getElementById("app") as HTMLElement;
const game = location.pathname.match(/^\/games\/([^/]+)\/?$/);
const play = location.pathname.match(/^\/games\/([^/]+)\/play\/?$/);
if (location.pathname === "/") void renderHome(root);
else if (game) renderGame(root, decodeURIComponent(game[1] as string));
else if (play) renderPlay(root, decodeURIComponent(play[1] as string));
else root.replaceChildren(h("h1", {}, "Not found"), h("p", {}, h("a", { href: "/" }, "See all games")));
