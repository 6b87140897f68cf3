import { Hono } from "hono";
import pageHeaders from "../../protocol/security-headers.json";
import type { AppEnv } from "../http";

/**
 * The API reference page. Swagger UI's files are served from the Worker's
 * static assets (copied from swagger-ui-dist at build time), so the page works
 * offline; the validator badge is off because it calls an external service.
 * No inline script: the Content-Security-Policy allows this origin's files only.
 */
const DOCS_PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Podium API</title>
<link rel="stylesheet" href="/docs/swagger-ui.css">
<link rel="stylesheet" href="/docs/podium.css">
</head>
<body>
<div id="reference"></div>
<script src="/docs/swagger-ui-bundle.js"></script>
<script src="/docs/init.js"></script>
</body>
</html>`;

/** The page carries the same security headers as the web client's pages (protocol/security-headers.json). */
export const docsRoutes = new Hono<AppEnv>().get("/v1/docs", (c) => c.html(DOCS_PAGE, 200, pageHeaders));
