import { h } from "../dom";
import type { Answer } from "./api";
import { type Change, configDiff, patchOf, shown } from "./config-diff";
import { type Field, fieldForIssue, rangeText } from "./config-model";
import { inputText, readInput } from "./config-values";

export interface ConfigFormOptions {
  fields: Field[];
  /** What the form starts from and diffs against: the game's config, or the defaults of a new game. */
  current: Record<string, unknown>;
  /** Sends the changed settings (PUT /v1/games/{game}). */
  save: (patch: Record<string, unknown>) => Promise<Answer<Record<string, unknown>>>;
  saved: (config: Record<string, unknown>) => void;
  /** The save button's words: "Save" or "Create g1". */
  saveLabel: string;
  /** A new game: saving nothing but the defaults is allowed, and creates it. */
  creates?: boolean;
}

/** One rendered field: how to read it and where its error goes. */
interface Slot {
  field: Field;
  read: () => string;
  control: HTMLElement;
  error: HTMLElement;
  /** A nullable group's switch: off sends null. */
  on?: HTMLInputElement;
}

const idOf = (path: string) => `cfg-${path.replace(/\./g, "-")}`;

/** Ends a description with a full stop, so the range and default read as sentences after it. */
const sentence = (text: string) => (text === "" || /[.!?)]$/.test(text) ? text : `${text}.`);

function hintOf(field: Field): string {
  const parts = [sentence(field.description ?? "")];
  if (field.kind === "number")
    parts.push(sentence(`${rangeText(field)}${field.nullable ? ", or empty for none" : ""}`));
  if (field.kind === "choice") parts.push(`One of ${field.options.join(", ")}.`);
  if (field.kind === "text" && field.maxLength !== undefined) parts.push(`At most ${field.maxLength} characters.`);
  if (field.kind === "json") parts.push(`JSON: ${field.shape}${field.nullable ? ", or null" : ""}.`);
  if (field.kind !== "group" && field.default !== undefined) parts.push(`Default: ${JSON.stringify(field.default)}.`);
  if (field.kind === "group" && field.default === null) parts.push("Default: off (null).");
  return parts.filter((p) => p !== "").join(" ");
}

/**
 * The config as a form generated from its schema: every setting with its
 * bounds and default. "Review changes" shows what would change (a diff)
 * before anything is sent; the server's 400 details land beside the fields
 * they name.
 */
export function configForm(options: ConfigFormOptions): HTMLElement {
  const slots = new Map<string, Slot>();
  const form = h("form", { class: "config", id: "config-form", novalidate: true });
  for (const field of options.fields) form.append(renderField(field, options.current[field.key], slots));
  const status = h("p", { class: "form-status", id: "config-status", role: "status" });
  const review = h(
    "button",
    { type: "submit", id: "config-review" },
    options.creates ? "Review and create" : "Review changes",
  );
  form.append(h("div", { class: "actions" }, review), status);
  const diff = h("section", { class: "diff", id: "config-diff", "aria-labelledby": "config-diff-title", hidden: true });
  let current = options.current;

  const clearErrors = () => {
    for (const slot of slots.values()) {
      slot.error.hidden = true;
      slot.error.textContent = "";
      slot.control.removeAttribute("aria-invalid");
    }
  };
  const showError = (slot: Slot, message: string) => {
    slot.error.hidden = false;
    slot.error.textContent = slot.error.textContent ? `${slot.error.textContent}; ${message}` : message;
    slot.control.setAttribute("aria-invalid", "true");
  };

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    clearErrors();
    const { config, problems } = readAll(options.fields, slots);
    for (const [path, problem] of problems) {
      const slot = slots.get(path);
      if (slot) showError(slot, `${slot.field.key} ${problem}`);
    }
    if (problems.size > 0) {
      status.textContent = "Fix the fields marked above.";
      diff.hidden = true;
      return;
    }
    const changes = configDiff(current, config);
    status.textContent = changes.length === 0 && !options.creates ? "Nothing to save: no setting differs." : "";
    showDiff(changes);
  });

  const showDiff = (changes: Change[]) => {
    if (changes.length === 0 && !options.creates) {
      diff.hidden = true;
      return;
    }
    const count = options.creates ? "" : ` (${changes.length})`;
    const save = h("button", { type: "button", id: "config-save" }, `${options.saveLabel}${count}`);
    const back = h("button", { type: "button", class: "secondary" }, "Keep editing");
    const none = h("tr", {}, h("td", { colspan: "3", class: "empty" }, "Every setting at its default."));
    const rows = changes.map((c) =>
      h(
        "tr",
        { "data-key": c.key },
        h("th", { scope: "row" }, c.key),
        h("td", { class: "before" }, h("code", {}, shown(c.before))),
        h("td", { class: "after" }, h("code", {}, shown(c.after))),
      ),
    );
    const table = h(
      "table",
      { class: "diff-table" },
      h("caption", {}, "Settings that change"),
      h(
        "thead",
        {},
        h(
          "tr",
          {},
          h("th", { scope: "col" }, "Setting"),
          h("th", { scope: "col" }, "Now"),
          h("th", { scope: "col" }, "After"),
        ),
      ),
      h("tbody", {}, ...(rows.length === 0 ? [none] : rows)),
    );
    diff.replaceChildren(
      h("h3", { id: "config-diff-title" }, "Review before saving"),
      h("div", { class: "table-wrap", role: "region", "aria-label": "Changes", tabindex: "0" }, table),
      h("div", { class: "actions" }, back, save),
    );
    diff.hidden = false;
    save.focus();
    back.addEventListener("click", () => {
      diff.hidden = true;
      review.focus();
    });
    save.addEventListener("click", () => {
      save.disabled = true;
      void options.save(patchOf(changes)).then((answer) => {
        save.disabled = false;
        if (answer.ok) {
          current = answer.value;
          diff.hidden = true;
          status.textContent = options.creates
            ? "Created."
            : `Saved ${changes.length} ${changes.length === 1 ? "change" : "changes"}.`;
          options.saved(answer.value);
          return;
        }
        diff.hidden = true;
        showServerError(answer.error);
      });
    });
  };

  const showServerError = (error: { code: string; message: string; details?: unknown[] }) => {
    const placed = new Set<Slot>();
    for (const detail of error.details ?? []) {
      const { path, message } = detail as { path?: string; message?: string };
      const field = path ? fieldForIssue(options.fields, path) : undefined;
      const slot = field && slots.get(field.path);
      if (slot === undefined || message === undefined) continue;
      showError(slot, path === field?.path ? message : `${path}: ${message}`);
      placed.add(slot);
    }
    status.textContent = `Not saved (${error.code}): ${error.message}`;
    const first = [...placed][0];
    first?.control.focus();
  };

  return h("div", { class: "config-editor" }, form, diff);
}

function renderField(field: Field, value: unknown, slots: Map<string, Slot>): HTMLElement {
  const id = idOf(field.path);
  const hint = h("p", { class: "hint", id: `${id}-hint` }, hintOf(field));
  const error = h("p", { class: "field-error", id: `${id}-error`, hidden: true });
  const described = `${id}-hint ${id}-error`;
  if (field.kind === "group") {
    const members = h("div", { class: "members" });
    const inner = value === null || value === undefined ? field.default : value;
    for (const member of field.fields)
      members.append(renderField(member, (inner as Record<string, unknown>)?.[member.key], slots));
    const group = h("fieldset", { class: "group", "data-path": field.path, id, "aria-describedby": described });
    group.append(h("legend", {}, field.key), hint);
    const slot: Slot = { field, read: () => "", control: group, error };
    if (field.nullable) {
      const on = h("input", { type: "checkbox", id: `${id}-on`, checked: value !== null && value !== undefined });
      const sync = () => {
        members.hidden = !on.checked;
        for (const input of members.querySelectorAll("input, select, textarea"))
          (input as HTMLInputElement).disabled = !on.checked;
      };
      on.addEventListener("change", sync);
      group.append(h("label", { class: "switch", for: `${id}-on` }, on, ` Use ${field.key} (off: null)`));
      slot.on = on;
      sync();
    }
    group.append(error, members);
    slots.set(field.path, slot);
    return group;
  }
  const attributes = { id, name: field.path, "aria-describedby": described };
  let control: HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement;
  if (field.kind === "choice") {
    control = h("select", attributes, ...field.options.map((o) => h("option", { value: o }, o)));
    control.value = String(value ?? field.default ?? field.options[0]);
  } else if (field.kind === "switch") {
    control = h("input", { ...attributes, type: "checkbox", checked: value === true });
  } else if (field.kind === "json") {
    control = h("textarea", { ...attributes, rows: "3", spellcheck: "false" });
    control.value = inputText(field, value);
  } else {
    const numeric = field.kind === "number";
    control = h("input", {
      ...attributes,
      type: "text",
      inputmode: numeric ? (field.integer ? "numeric" : "decimal") : undefined,
      autocomplete: "off",
    });
    control.value = inputText(field, value);
  }
  const read = () =>
    control instanceof HTMLInputElement && control.type === "checkbox" ? String(control.checked) : control.value;
  slots.set(field.path, { field, read, control, error });
  const label = h("label", { for: id }, field.key);
  return h("div", { class: `field ${field.kind}`, "data-path": field.path }, label, control, hint, error);
}

/** The config the form holds now, and what could not be read (by field path). */
function readAll(fields: Field[], slots: Map<string, Slot>) {
  const problems = new Map<string, string>();
  const readLevel = (level: Field[]): Record<string, unknown> => {
    const out: Record<string, unknown> = {};
    for (const field of level) {
      const slot = slots.get(field.path);
      if (slot === undefined) continue;
      if (field.kind === "group") {
        out[field.key] = slot.on && !slot.on.checked ? null : readLevel(field.fields);
        continue;
      }
      const read = readInput(field, slot.read());
      if ("problem" in read) problems.set(field.path, read.problem);
      else if ("value" in read) out[field.key] = read.value;
    }
    return out;
  };
  return { config: readLevel(fields), problems };
}
