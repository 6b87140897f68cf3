import { h } from "./dom";

// The browser's own country names: no table of names in the bundle.
const names = new Intl.DisplayNames(["en"], { type: "region", fallback: "code" });

/** A country's English name, or its code where the browser knows none. */
export function countryName(code: string): string {
  try {
    return names.of(code) ?? code;
  } catch {
    return code;
  }
}

/**
 * A country's flag: flag-icons' SVG, served from /flags/ with the pages
 * (emoji flags are boxes where no emoji font exists), its name as a
 * tooltip. `named`: the image says the name to screen readers; otherwise
 * it is decorative, for rows that show the country in words. Where no SVG
 * loads, the code in a chip stands in.
 */
export function flag(country: string, named = true): HTMLElement {
  const name = countryName(country);
  const image = h("img", {
    class: "flag",
    src: `/flags/${country.toLowerCase()}.svg`,
    alt: named ? name : "",
    title: name,
    width: "20",
    height: "15",
    decoding: "async",
  });
  image.addEventListener("error", () => image.replaceWith(codeChip(country, name)), { once: true });
  return image;
}

function codeChip(country: string, name: string): HTMLElement {
  return h("abbr", { class: "flag flag-code", title: name }, country);
}
