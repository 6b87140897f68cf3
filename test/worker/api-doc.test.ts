import { describe, expect, it } from "vitest";
import apiDoc from "../../docs/api.md?raw";
import packageJson from "../../package.json";
import { call } from "../support/worker-client";

// docs/api.md is the contract users read; /v1/openapi.json is the one the code
// serves. Their endpoint lists must be the same.

describe("docs/api.md", () => {
  it("documents exactly the routes of the OpenAPI document", async () => {
    const doc = await (await call("/v1/openapi.json")).json<{ paths: Record<string, Record<string, unknown>> }>();
    const served = Object.entries(doc.paths).flatMap(([path, methods]) =>
      Object.keys(methods).map((method) => `${method.toUpperCase()} ${path}`),
    );
    const documented = [...apiDoc.matchAll(/^### `([A-Z]+) ([^?`]+)[^`]*`$/gm)].map(
      ([, method, path]) => `${method} ${path}`,
    );
    expect(new Set(documented).size).toBe(documented.length);
    expect(documented.sort()).toEqual(served.sort());
  });

  it("lists every error code the service uses", async () => {
    const errors = await import("../../protocol/errors");
    const codes = new Set<string>();
    for (const make of Object.values(errors)) {
      if (typeof make !== "function" || make.length > 3) continue;
      try {
        const made = (make as (...args: unknown[]) => unknown)("x", 1, 1);
        if (made && typeof made === "object" && "code" in made && "status" in made) codes.add(String(made.code));
      } catch {}
    }
    expect(codes.size).toBeGreaterThan(15);
    for (const code of codes) expect(apiDoc, code).toContain(`\`${code}\``);
  });
});

describe("/v1/openapi.json", () => {
  it("gives name patterns a client can compile, that take the names the service takes", async () => {
    const text = await (await call("/v1/openapi.json")).text();
    const patterns = [...text.matchAll(/"pattern":("(?:[^"\\]|\\.)*")/g)].map(([, json]) => JSON.parse(json) as string);
    expect(patterns.length).toBeGreaterThan(5);
    for (const pattern of patterns) {
      expect(() => new RegExp(pattern, "u"), pattern).not.toThrow();
      // A regex written out whole (`/…/u`) compiles too, but matches nothing a client sends.
      expect(pattern).not.toMatch(/\/[a-z]*$/);
    }
    const doc = JSON.parse(text) as {
      components: { schemas: Record<string, { properties: Record<string, { pattern?: string }> }> };
    };
    const { player, team, name } = doc.components.schemas.ScoreReport.properties;
    for (const field of [player, team, name]) {
      const pattern = new RegExp(field.pattern ?? "", "u");
      expect(
        ["p1", "Ada L.", "ünal"].every((ok) => pattern.test(ok)),
        field.pattern,
      ).toBe(true);
      expect(pattern.test(""), field.pattern).toBe(false);
    }
  });

  it("documents the webhook's two forms: a URL, or {url, events, top, every}", async () => {
    type Schema = { $ref?: string; anyOf?: Schema[]; type?: string; properties?: Record<string, Schema> };
    const doc = await (await call("/v1/openapi.json")).json<{ components: { schemas: Record<string, Schema> } }>();
    const { schemas } = doc.components;
    const resolve = (s: Schema): Schema => (s.$ref === undefined ? s : schemas[s.$ref.split("/").at(-1) as string]);
    const forms = resolve(schemas.GameConfig.properties?.webhook as Schema).anyOf?.map(resolve) ?? [];
    expect(forms.map((f) => f.type)).toEqual(["string", "object", "null"]);
    expect(forms[1].properties?.events).toMatchObject({
      items: { enum: ["season.closed", "leader.changed", "top.changed"] },
    });
    expect(forms[1].properties?.top).toMatchObject({ minimum: 1, maximum: 100, default: 3 });
    expect(forms[1].properties?.every).toMatchObject({ minimum: 1, default: 10 });
  });

  it("files every route under a named section, carries the package's version and links back to the app", async () => {
    const doc = await (await call("/v1/openapi.json")).json<{
      info: { version: string; description: string };
      tags: { name: string }[];
      paths: Record<string, Record<string, { tags?: string[] }>>;
    }>();
    expect(doc.info.version).toBe(packageJson.version);
    expect(doc.info.description).toContain("[Back to the live boards](/)");
    const sections = new Set(doc.tags.map((t) => t.name));
    for (const [path, methods] of Object.entries(doc.paths)) {
      for (const [method, operation] of Object.entries(methods)) {
        expect(operation.tags, `${method} ${path}`).toHaveLength(1);
        expect(sections.has(operation.tags?.[0] ?? ""), `${method} ${path}`).toBe(true);
      }
    }
  });
});
