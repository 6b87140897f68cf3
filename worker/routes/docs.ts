import { Hono } from "hono";
import type { AppEnv } from "../http";

/**
 * The API reference page. Swagger UI's files are served from the Worker's
 * static assets (copied from swagger-ui-dist at build time), so the page works
 * offline; the validator badge is off because it calls an external service.
 */
const DOCS_PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Podium API</title>
<link rel="stylesheet" href="/docs/swagger-ui.css">
</head>
<body>
<div id="reference"></div>
<script src="/docs/swagger-ui-bundle.js"></script>
<script>
SwaggerUIBundle({ url: "/v1/openapi.json", dom_id: "#reference", validatorUrl: null, deepLinking: true });
</script>
</body>
</html>`;

export const docsRoutes = new Hono<AppEnv>().get("/v1/docs", (c) => c.html(DOCS_PAGE));
