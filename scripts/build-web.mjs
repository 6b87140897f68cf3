// Builds the Worker's static assets into web/dist: the web client and the
// API reference's Swagger UI files (served locally so /v1/docs works offline).
import { copyFile, mkdir } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const out = join(root, "web", "dist");
const swagger = dirname(createRequire(import.meta.url).resolve("swagger-ui-dist/package.json"));

await mkdir(join(out, "docs"), { recursive: true });
for (const file of ["swagger-ui-bundle.js", "swagger-ui.css"]) {
  await copyFile(join(swagger, file), join(out, "docs", file));
}
console.log(`web: assets built into ${out}`);
