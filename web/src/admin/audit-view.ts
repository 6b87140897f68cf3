import { AUDIT_ACTIONS } from "../../../protocol/audit-actions";
import { GAME_PATTERN, GAME_RULE } from "../../../protocol/patterns";
import { h } from "../dom";
import type { Console } from "./context";

interface AuditEntry {
  ts: number;
  game: string;
  action: string;
  key: string;
  details: unknown;
}

/** A datetime-local input's value as ms since the epoch (read in the viewer's zone), or undefined when empty. */
const msOf = (value: string) => (value === "" ? undefined : new Date(value).getTime());

/**
 * The audit log, newest first, filtered by game, action and time; the
 * filters live in the address (never the key), so a view can be shared.
 */
export function renderAudit(root: HTMLElement, app: Console): void {
  const query = new URLSearchParams(location.search);
  const game = h("input", { id: "audit-game", type: "text", autocomplete: "off", value: query.get("game") ?? "" });
  const action = h(
    "select",
    { id: "audit-action" },
    h("option", { value: "" }, "any"),
    ...AUDIT_ACTIONS.map((a) => h("option", { value: a }, a)),
  );
  action.value = query.get("action") ?? "";
  const from = h("input", { id: "audit-from", type: "datetime-local", value: query.get("from") ?? "" });
  const to = h("input", { id: "audit-to", type: "datetime-local", value: query.get("to") ?? "" });
  const filters = h(
    "form",
    { id: "audit-filters", class: "filters" },
    h("label", { for: "audit-game" }, "Game"),
    game,
    h("label", { for: "audit-action" }, "Action"),
    action,
    h("label", { for: "audit-from" }, "From"),
    from,
    h("label", { for: "audit-to" }, "To"),
    to,
    h("button", { type: "submit" }, "Show"),
  );
  const status = h("p", { class: "form-status", id: "audit-status", role: "status" });
  const list = h("tbody");
  root.replaceChildren(
    h("h1", {}, "Audit log"),
    filters,
    status,
    h(
      "div",
      { class: "table-wrap", role: "region", "aria-label": "Audit log", tabindex: "0" },
      h(
        "table",
        { class: "admin-audit" },
        h("caption", {}, "What admins did, newest first"),
        h(
          "thead",
          {},
          h("tr", {}, ...["Time", "Game", "Action", "Key", "Details"].map((c) => h("th", { scope: "col" }, c))),
        ),
        list,
      ),
    ),
  );

  const load = async () => {
    const params = new URLSearchParams({ limit: "200" });
    const name = game.value.trim();
    if (name !== "" && !GAME_PATTERN.test(name)) {
      status.textContent = `A ${GAME_RULE}.`;
      return;
    }
    if (name !== "") params.set("game", name);
    if (action.value !== "") params.set("action", action.value);
    const since = msOf(from.value);
    const until = msOf(to.value);
    if (since !== undefined) params.set("from", String(since));
    // A minute picked as "to" includes that whole minute.
    if (until !== undefined) params.set("to", String(until + 59_999));
    const answer = await app.call<{ entries: AuditEntry[] }>("GET", `/v1/audit?${params}`);
    if (!answer.ok) {
      status.textContent = `Could not read the audit log: ${answer.error.message}`;
      return;
    }
    const { entries } = answer.value;
    status.textContent = `${entries.length} ${entries.length === 1 ? "entry" : "entries"}${entries.length === 200 ? " (the newest 200)" : ""}.`;
    list.replaceChildren(
      ...entries.map((e) =>
        h(
          "tr",
          { "data-action": e.action, "data-game": e.game },
          h("td", {}, new Date(e.ts).toISOString().replace(".000Z", "Z")),
          h("td", {}, e.game),
          h("td", { class: "action" }, e.action),
          h("td", {}, h("code", {}, e.key)),
          h("td", { class: "details" }, h("code", {}, JSON.stringify(e.details))),
        ),
      ),
    );
    if (entries.length === 0) list.append(h("tr", {}, h("td", { colspan: "5", class: "empty" }, "No entries.")));
  };
  filters.addEventListener("submit", (event) => {
    event.preventDefault();
    const kept = new URLSearchParams({ view: "audit" });
    for (const [name, input] of [
      ["game", game],
      ["action", action],
      ["from", from],
      ["to", to],
    ] as const) {
      if (input.value.trim() !== "") kept.set(name, input.value.trim());
    }
    history.replaceState(null, "", `/admin?${kept}`);
    void load();
  });
  void load();
}
