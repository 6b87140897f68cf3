// Builds the Worker's static assets into web/dist: the web client (bundled
// and minified by esbuild, uPlot included: no CDN) and the API reference's
// Swagger UI files (served locally so /v1/docs works offline).
import { copyFile, mkdir, readFile, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { build } from "esbuild";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const web = join(root, "web");
const out = join(web, "dist");
const require = createRequire(import.meta.url);
const swagger = dirname(require.resolve("swagger-ui-dist/package.json"));

await mkdir(join(out, "docs"), { recursive: true });
await build({
  entryPoints: [join(web, "src", "main.ts")],
  outfile: join(out, "app.js"),
  bundle: true,
  minify: true,
  format: "esm",
  target: "es2022",
  sourcemap: true,
  logLevel: "warning",
});
const css = [
  await readFile(require.resolve("uplot/dist/uPlot.min.css"), "utf8"),
  await readFile(join(web, "styles.css"), "utf8"),
];
await writeFile(join(out, "app.css"), css.join("\n"));
await copyFile(join(web, "index.html"), join(out, "index.html"));
// Security headers for every page and file the assets serve (the Worker sets the same ones on /v1/docs).
const headers = JSON.parse(await readFile(join(root, "protocol", "security-headers.json"), "utf8"));
await writeFile(
  join(out, "_headers"),
  `/*\n${Object.entries(headers)
    .map(([name, value]) => `  ${name}: ${value}\n`)
    .join("")}`,
);
await copyFile(join(web, "docs-init.js"), join(out, "docs", "init.js"));
await copyFile(join(web, "docs.css"), join(out, "docs", "podium.css"));
for (const file of ["swagger-ui-bundle.js", "swagger-ui.css"]) {
  await copyFile(join(swagger, file), join(out, "docs", file));
}
const js = await readFile(join(out, "app.js"));
console.log(
  `web: built into ${out} (app.js ${(js.length / 1024).toFixed(1)} KB, ${(gzipSync(js).length / 1024).toFixed(1)} KB gzipped)`,
);
