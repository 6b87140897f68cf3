import type { AdminCall } from "./api";
import { configFields, type Field, type JsonSchema } from "./config-model";

/** What every screen of the console is given: the signed-in API, navigation, and the config's schema. */
export interface Console {
  call: AdminCall;
  /** Opens a console address (`/admin?game=g1&tab=players`) without reloading. */
  go: (url: string) => void;
  configSchema: () => Promise<ConfigSchema>;
}

export interface ConfigSchema {
  fields: Field[];
  defaults: Record<string, unknown>;
}

/** The file `npm run build` writes from the zod schema (scripts/config-schema.ts). */
export async function loadConfigSchema(): Promise<ConfigSchema> {
  const res = await fetch("/admin-config.json");
  if (!res.ok) throw new Error(`the config schema did not load (${res.status})`);
  const file = (await res.json()) as { schema: JsonSchema; defaults: Record<string, unknown> };
  return { fields: configFields(file.schema, file.defaults), defaults: file.defaults };
}

/** A link that navigates inside the console. */
export function consoleLink(link: HTMLAnchorElement, app: Console): HTMLAnchorElement {
  link.addEventListener("click", (event) => {
    if (event.metaKey || event.ctrlKey || event.shiftKey || event.button !== 0) return;
    event.preventDefault();
    app.go(link.getAttribute("href") ?? "/admin");
  });
  return link;
}

export const gameUrl = (game: string, tab = "config") =>
  `/admin?game=${encodeURIComponent(game)}${tab === "config" ? "" : `&tab=${tab}`}`;
