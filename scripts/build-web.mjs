// Builds the Worker's static assets into web/dist: the web client (bundled
// and minified by esbuild, uPlot included: no CDN), the console (/admin, its
// own bundle, with the config's JSON Schema beside it), the API reference's
// Swagger UI files (served locally so /v1/docs works offline) and the
// countries' flags (flag-icons' SVGs).
import { copyFile, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { gzipSync } from "node:zlib";
import { build } from "esbuild";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const web = join(root, "web");
const out = join(web, "dist");
const require = createRequire(import.meta.url);
const swagger = dirname(require.resolve("swagger-ui-dist/package.json"));
const flagIcons = join(dirname(require.resolve("flag-icons/package.json")), "flags", "4x3");

await mkdir(join(out, "docs"), { recursive: true });
const bundles = [
  { entry: join(web, "src", "main.ts"), outfile: join(out, "app.js") },
  // The console is a page of its own with its own script: the public pages never load it.
  { entry: join(web, "src", "admin", "main.ts"), outfile: join(out, "admin.js") },
];
for (const { entry, outfile } of bundles) {
  await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    minify: true,
    format: "esm",
    target: "es2022",
    sourcemap: true,
    logLevel: "warning",
  });
}
// The config form is generated from the zod schema, turned into JSON Schema here so the page needs no zod.
const schemaDir = await mkdtemp(join(tmpdir(), "podium-config-schema-"));
await build({
  entryPoints: [join(root, "scripts", "config-schema.ts")],
  outfile: join(schemaDir, "config-schema.mjs"),
  bundle: true,
  platform: "node",
  format: "esm",
  logLevel: "warning",
});
const { configSchemaFile } = await import(pathToFileURL(join(schemaDir, "config-schema.mjs")).href);
await writeFile(join(out, "admin-config.json"), JSON.stringify(configSchemaFile()));
await rm(schemaDir, { recursive: true, force: true });
const css = [
  await readFile(require.resolve("uplot/dist/uPlot.min.css"), "utf8"),
  await readFile(join(web, "styles.css"), "utf8"),
  await readFile(join(web, "embed.css"), "utf8"),
  await readFile(join(web, "admin.css"), "utf8"),
];
await writeFile(join(out, "app.css"), css.join("\n"));
await copyFile(join(web, "index.html"), join(out, "index.html"));
// The embeddable board is its own page without the site's chrome; every /embed/{game} serves it.
await copyFile(join(web, "embed.html"), join(out, "embed.html"));
// The console: /admin serves admin.html (the assets' html handling), under the same headers as every page.
await copyFile(join(web, "admin.html"), join(out, "admin.html"));
await writeFile(join(out, "_redirects"), "/embed/* /embed 200\n");
// Security headers for every page and file the assets serve (the Worker sets the same ones on /v1/docs).
// /embed/* alone may be framed by any origin: the same policy but `frame-ancestors *`, and no
// X-Frame-Options. Matching rules add up, so it detaches (`! Name`) what /* attached.
const headers = JSON.parse(await readFile(join(root, "protocol", "security-headers.json"), "utf8"));
const csp = "Content-Security-Policy";
const embedCsp = headers[csp].replace(/frame-ancestors [^;]+/, "frame-ancestors *");
const lines = (entries) => entries.map((line) => `  ${line}\n`).join("");
await writeFile(
  join(out, "_headers"),
  `/*\n${lines(Object.entries(headers).map(([name, value]) => `${name}: ${value}`))}` +
    `/embed/*\n${lines([`! ${csp}`, "! X-Frame-Options", `${csp}: ${embedCsp}`])}`,
);
await copyFile(join(web, "docs-init.js"), join(out, "docs", "init.js"));
await copyFile(join(web, "docs.css"), join(out, "docs", "podium.css"));
for (const file of ["swagger-ui-bundle.js", "swagger-ui.css"]) {
  await copyFile(join(swagger, file), join(out, "docs", file));
}
// Only the ISO 3166-1 alpha-2 countries a report's country may be (the list
// protocol/countries.ts checks against), not flag-icons' regions and organisations.
const countries = Object.keys(require("i18n-iso-countries").getAlpha2Codes()).map(
  (code) => `${code.toLowerCase()}.svg`,
);
const available = new Set(await readdir(flagIcons));
const flags = countries.filter((file) => available.has(file));
await rm(join(out, "flags"), { recursive: true, force: true });
await mkdir(join(out, "flags"));
for (const file of flags) await copyFile(join(flagIcons, file), join(out, "flags", file));
const size = async (file) => {
  const js = await readFile(join(out, file));
  return `${file} ${(js.length / 1024).toFixed(1)} KB, ${(gzipSync(js).length / 1024).toFixed(1)} KB gzipped`;
};
console.log(`web: built into ${out} (${await size("app.js")}; ${await size("admin.js")}; ${flags.length} flags)`);
