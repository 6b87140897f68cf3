import { h } from "../dom";

export interface Confirmation {
  title: string;
  /** What will happen, in words. */
  text: string;
  /** The button's label: the action, such as "Delete g1". */
  action: string;
  /** A name to type before the action is allowed (a game's deletion). */
  typed?: string;
  /** More controls the caller reads once confirmed (the history choice). */
  extra?: HTMLElement;
}

/**
 * A modal dialog that asks before a destructive action; resolves true only
 * when confirmed (Escape and Cancel resolve false). The dialog is removed
 * once closed, so each question starts clean.
 */
export function confirmAction({ title, text, action, typed, extra }: Confirmation): Promise<boolean> {
  const titleId = "confirm-title";
  const go = h("button", { type: "submit", class: "danger", id: "confirm-go", disabled: typed !== undefined }, action);
  const cancel = h("button", { type: "button", class: "secondary", id: "confirm-cancel" }, "Cancel");
  const typedInput =
    typed === undefined
      ? undefined
      : h("input", { id: "confirm-typed", type: "text", autocomplete: "off", spellcheck: "false" });
  const form = h(
    "form",
    { method: "dialog", class: "confirm" },
    h("p", {}, text),
    typedInput ? h("label", { for: "confirm-typed" }, "Type ", h("strong", {}, typed ?? ""), " to confirm") : null,
    typedInput ?? null,
    extra ?? null,
    h("div", { class: "actions" }, cancel, go),
  );
  const dialog = h(
    "dialog",
    { "aria-labelledby": titleId, class: "confirm-dialog" },
    h("h2", { id: titleId }, title),
    form,
  );
  typedInput?.addEventListener("input", () => {
    go.disabled = typedInput.value !== typed;
  });
  document.body.append(dialog);
  return new Promise((resolve) => {
    let confirmed = false;
    form.addEventListener("submit", (event) => {
      if (go.disabled) {
        event.preventDefault();
        return;
      }
      confirmed = true;
    });
    cancel.addEventListener("click", () => dialog.close());
    dialog.addEventListener("close", () => {
      dialog.remove();
      resolve(confirmed);
    });
    dialog.showModal();
    (typedInput ?? cancel).focus();
  });
}
