import { h } from "./dom";
import { renderEmbed } from "./embed-page";
import { renderGame } from "./game-page";
import { renderHome } from "./home";
import { renderPlay } from "./play-page";

// One script for every route. The assets fall back to index.html (SPA mode),
// except under /embed/, which serves embed.html: the same script, no site chrome.
const root = document.getElementById("app") as HTMLElement;
const embed = location.pathname.match(/^\/embed\/([^/]+)\/?$/);
const game = location.pathname.match(/^\/games\/([^/]+)\/?$/);
const play = location.pathname.match(/^\/games\/([^/]+)\/play\/?$/);
if (location.pathname === "/") void renderHome(root);
else if (game) renderGame(root, decodeURIComponent(game[1] as string));
else if (play) renderPlay(root, decodeURIComponent(play[1] as string));
else if (embed) renderEmbed(root, decodeURIComponent(embed[1] as string));
else root.replaceChildren(h("h1", {}, "Not found"), h("p", {}, h("a", { href: "/" }, "See all games")));
