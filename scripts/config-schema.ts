/**
 * The console's config form, as data: the JSON Schema of `GameConfig` (zod's
 * own z.toJSONSchema, so nullable and union fields are exact), each field's
 * description from the OpenAPI metadata the routes document it with, and the
 * defaults a new game gets. `npm run build` writes it to
 * web/dist/admin-config.json, so the browser never bundles zod.
 */
import { OpenAPIHono, z } from "@hono/zod-openapi";
import { DEFAULT_CONFIG, GameConfig } from "../protocol/config";

interface Node {
  $ref?: string;
  description?: string;
  anyOf?: Node[];
  properties?: Record<string, Node>;
  items?: Node;
}

export interface ConfigSchemaFile {
  schema: object;
  defaults: GameConfig;
}

export function configSchemaFile(): ConfigSchemaFile {
  const schema = z.toJSONSchema(GameConfig, { io: "input" }) as Node;
  const app = new OpenAPIHono();
  app.openAPIRegistry.register("GameConfig", GameConfig);
  const doc = app.getOpenAPI31Document({ openapi: "3.1.0", info: { title: "Podium", version: "console" } });
  const components = (doc.components?.schemas ?? {}) as Record<string, Node>;
  const resolve = (node: Node): Node =>
    node.$ref ? resolve(components[node.$ref.split("/").at(-1) ?? ""] ?? {}) : node;
  // The forms a node may take, refs resolved and nested unions flattened.
  const forms = (node: Node): Node[] => {
    const found = resolve(node);
    return found.anyOf ? found.anyOf.flatMap(forms) : [found];
  };
  // Walks zod's schema and the OpenAPI one side by side, copying the descriptions zod's lacks.
  const describe = (target: Node, source: Node): void => {
    const described = [source, resolve(source), ...forms(source)].find((n) => n.description !== undefined)?.description;
    if (target.description === undefined && described !== undefined) target.description = described;
    for (const form of target.anyOf ?? [target]) {
      for (const [key, child] of Object.entries(form.properties ?? {})) {
        const match = forms(source).find((f) => f.properties?.[key] !== undefined)?.properties?.[key];
        if (match) describe(child, match);
      }
      const items = forms(source).find((f) => f.items !== undefined)?.items;
      if (form.items && items) describe(form.items, items);
    }
  };
  describe(schema, components.GameConfig ?? {});
  return { schema, defaults: DEFAULT_CONFIG };
}
