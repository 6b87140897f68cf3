import { h } from "./dom";

/** An entry's tier beside its name: the tier's name in words (read as "tier gold"), never a colour alone. */
export function tierBadge(tier: string | undefined): HTMLElement | null {
  if (tier === undefined) return null;
  return h("span", { class: "tier-badge", "data-tier": tier }, h("span", { class: "visually-hidden" }, "tier "), tier);
}
