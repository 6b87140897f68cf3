import { describe, expect, it } from "vitest";
import { call, errorOf } from "../support/worker-client";

describe("routing, errors and docs", () => {
  it("answers unknown routes with 404 in the error envelope", async () => {
    const res = await call("/v1/nope");
    expect(res.status).toBe(404);
    expect((await errorOf(res)).code).toBe("not_found");
  });

  it("answers a wrong method on a known path with 405 and Allow", async () => {
    const res = await call("/v1/games", { method: "POST" });
    expect(res.status).toBe(405);
    expect(res.headers.get("allow")).toContain("GET");
    expect((await errorOf(res)).code).toBe("method_not_allowed");
    const del = await call("/v1/games/g1/leaderboard", { method: "DELETE" });
    expect(del.status).toBe(405);
  });

  it("allows cross-origin reads and preflights, and exposes Retry-After", async () => {
    const read = await call("/v1/games", { headers: { origin: "https://dash.example" } });
    expect(read.headers.get("access-control-allow-origin")).toBe("*");
    // A browser client reads when to try again after a 429.
    expect(read.headers.get("access-control-expose-headers")).toBe("Retry-After");
    const preflight = await call("/v1/games/g1/scores", {
      method: "OPTIONS",
      headers: {
        origin: "https://dash.example",
        "access-control-request-method": "POST",
        "access-control-request-headers": "authorization, content-type",
      },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get("access-control-allow-headers")?.toLowerCase()).toContain("authorization");
  });

  it("serves the OpenAPI document, generated from the validating schemas", async () => {
    const res = await call("/v1/openapi.json");
    expect(res.status).toBe(200);
    const doc = await res.json<{ openapi: string; paths: Record<string, Record<string, unknown>> }>();
    expect(doc.openapi).toMatch(/^3\./);
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        "/v1/games/{game}/scores",
        "/v1/write",
        "/v1/games",
        "/v1/games/{game}",
        "/v1/games/{game}/leaderboard",
        "/v1/games/{game}/players/{player}",
      ]),
    );
    expect(Object.keys(doc.paths["/v1/games/{game}"])).toEqual(expect.arrayContaining(["get", "put"]));
  });

  it("renders /v1/docs from local assets only", async () => {
    const res = await call("/v1/docs");
    expect(res.status).toBe(200);
    const html = await res.text();
    // The page loads Swagger UI and its start script (which reads /v1/openapi.json) from this origin.
    expect(html).toContain('src="/docs/swagger-ui-bundle.js"');
    expect(html).toContain('src="/docs/init.js"');
    expect(html).not.toMatch(/https?:\/\//);
  });

  it("sends nosniff and no-framing headers on API answers, and keeps reads open to any origin", async () => {
    for (const res of [await call("/v1/games"), await call("/v1/nope")]) {
      expect(res.headers.get("x-content-type-options")).toBe("nosniff");
      expect(res.headers.get("x-frame-options")).toBe("DENY");
      expect(res.headers.get("cross-origin-resource-policy")).toBeNull();
    }
  });

  it("serves the API reference with a Content-Security-Policy that allows no inline script", async () => {
    const res = await call("/v1/docs");
    const csp = res.headers.get("content-security-policy") ?? "";
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain("unsafe-inline");
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    const html = await res.text();
    // Every script is a file from this origin.
    expect(html.match(/<script[^>]*>/g)?.every((tag) => /src="\/docs\//.test(tag))).toBe(true);
    expect(html).not.toMatch(/<script>[^<]/);
  });
});
