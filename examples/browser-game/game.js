// The browser side of the example: a round of clicking targets on a canvas,
// its score posted to Podium with the player's token (never a key), and the
// game's live top 10 and the player's rank from a LiveFeed.
import { createClient, LiveFeed } from "./podium-client.js";

/** `?seconds=` shortens a round (for a quick try; the end-to-end test plays one of a few seconds). */
const ROUND_SECONDS = Number(new URLSearchParams(location.search).get("seconds") ?? 20);
const POINTS = 10;
const RADIUS = 22;

const $ = (id) => document.getElementById(id);
const canvas = $("field");
const context = canvas.getContext("2d");

const { game, podium } = await (await fetch("/game")).json();
/** The player's name once they play; their token, for this round only. */
let me;
let token;
let feed;
let round;

watch();
$("play").disabled = false;

$("join").addEventListener("submit", async (event) => {
  event.preventDefault();
  const res = await fetch("/session", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ player: $("name").value.trim() }),
  });
  const body = await res.json();
  if (!res.ok) {
    $("status").textContent = body.error;
    return;
  }
  me = $("name").value.trim();
  token = body.token;
  play();
});

/** The live board: the top 10 and, once the player has a score, their own entry wherever it stands. */
function watch(player) {
  feed?.close();
  const options = { limit: 10, onBoard: () => render(next), onState: showState };
  const next = new LiveFeed(podium, game, player === undefined ? options : { ...options, player, around: 0 });
  feed = next;
  // Before the game's first report there is nothing to watch: the feed keeps trying until there is.
  next.open().catch(() => {});
}

function showState(state, detail) {
  $("feed-state").textContent = detail === undefined ? state : `${state}: ${detail}`;
}

function render(from) {
  const entries = from.entries();
  $("top").replaceChildren(
    ...entries
      .filter((e) => e.rank <= 10)
      .map((e) => {
        const item = document.createElement("li");
        item.value = e.rank;
        item.dataset.player = e.player;
        item.textContent = `${e.player} ${e.score}`;
        if (e.player === me) item.setAttribute("aria-current", "true");
        return item;
      }),
  );
  const mine = entries.find((e) => e.player === me);
  $("rank").textContent = mine === undefined ? "–" : `#${mine.rank} of ${from.board.total}`;
}

function play() {
  $("join").hidden = true;
  $("status").textContent = "Go!";
  round = { score: 0, ends: performance.now() + ROUND_SECONDS * 1000, target: place() };
  $("score").textContent = "0";
  requestAnimationFrame(tick);
}

function tick(now) {
  const left = Math.max(0, round.ends - now);
  $("time").textContent = (left / 1000).toFixed(1);
  if (left === 0) return finish();
  draw();
  requestAnimationFrame(tick);
}

/** A new target somewhere on the field; its centre is also on the canvas, for scripted play. */
function place() {
  const target = {
    x: Math.round(RADIUS + Math.random() * (canvas.width - 2 * RADIUS)),
    y: Math.round(RADIUS + Math.random() * (canvas.height - 2 * RADIUS)),
  };
  canvas.dataset.target = `${target.x},${target.y}`;
  return target;
}

function draw() {
  context.clearRect(0, 0, canvas.width, canvas.height);
  if (round === undefined) return;
  context.fillStyle = "#d43d51";
  context.beginPath();
  context.arc(round.target.x, round.target.y, RADIUS, 0, 2 * Math.PI);
  context.fill();
}

canvas.addEventListener("click", (event) => {
  if (round === undefined) return;
  const box = canvas.getBoundingClientRect();
  const x = ((event.clientX - box.left) * canvas.width) / box.width;
  const y = ((event.clientY - box.top) * canvas.height) / box.height;
  if (Math.hypot(x - round.target.x, y - round.target.y) > RADIUS) return;
  round.score += POINTS;
  round.target = place();
  $("score").textContent = String(round.score);
});

/** Ends the round and reports its score with the player's token. */
async function finish() {
  const { score } = round;
  round = undefined;
  delete canvas.dataset.target;
  draw();
  $("status").textContent = `Time! Posting ${score}…`;
  const scores = createClient(podium, { key: token }).v1.games[":game"].scores;
  // The id makes a retried post count once; Podium keeps a token's ids apart from everyone else's.
  const res = await scores.$post({ param: { game }, json: { player: me, score, id: `round-${Date.now()}` } });
  if (res.ok) {
    $("status").textContent = `Posted ${score}.`;
    if (feed.following !== me) watch(me);
  } else {
    const { error } = await res.json();
    $("status").textContent = `Not posted (${res.status}): ${error.message}`;
  }
  $("join").hidden = false;
  $("play").textContent = "Play again";
}
