// Builds the typed client as a package into dist/client (or the directory
// given as the first argument):
// - index.js: ESM, `hono/client` left as an import (Node, and bundlers that
//   resolve it from the user's node_modules);
// - podium-client.browser.js: ESM with hono/client inlined, for a plain
//   `<script type="module">` that has no bundler to resolve it;
// - types/: declarations that need nothing but hono. createClient's type is
//   the Worker's routes expanded by tsc; a module whose declarations would
//   pull in zod (the boards' schemas) is written as the expanded types the
//   client uses from it.
import { mkdir, rm, writeFile } from "node:fs/promises";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import ts from "typescript";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const out = resolve(process.argv[2] ?? join(root, "dist", "client"));
const entry = join(root, "client", "index.ts");
/** The only package the client's code and declarations may import. */
const ALLOWED_PACKAGE = /^hono(\/|$)/;

await rm(out, { recursive: true, force: true });
await mkdir(out, { recursive: true });

const bundle = (outfile, external, minify) =>
  build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    format: "esm",
    platform: "neutral",
    target: "es2022",
    external,
    minify,
    legalComments: "none",
    logLevel: "warning",
    metafile: true,
  });
const { metafile } = await bundle(join(out, "index.js"), ["hono/client"], false);
const packages = Object.values(metafile.outputs).flatMap((o) => o.imports.map((i) => i.path));
if (packages.some((p) => !ALLOWED_PACKAGE.test(p))) throw new Error(`the client imports ${packages.join(", ")}`);
await bundle(join(out, "podium-client.browser.js"), [], true);

const parsed = ts.getParsedCommandLineOfConfigFile(
  join(root, "tsconfig.client.json"),
  {},
  { ...ts.sys, onUnRecoverableConfigFileDiagnostic: fail },
);
const program = ts.createProgram({ rootNames: parsed.fileNames, options: parsed.options });
const checker = program.getTypeChecker();

/** The relative and package specifiers a declaration file imports. */
function specifiers(text) {
  const found = [];
  const visit = (node) => {
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier) {
      found.push(node.moduleSpecifier.text);
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) {
      found.push(node.argument.literal.text);
    }
    ts.forEachChild(node, visit);
  };
  visit(ts.createSourceFile("x.d.ts", text, ts.ScriptTarget.Latest, true));
  return found;
}

function declarationOf(source) {
  let text;
  const result = program.emit(source, (_name, data) => (text = data), undefined, true);
  const problems = [...result.diagnostics, ...program.getDeclarationDiagnostics(source)];
  if (problems.length > 0) fail(problems[0]);
  return text;
}

/**
 * The named types of a module, each expanded to its structure (so no schema
 * library is needed to read them). Printed as seen from the client's entry,
 * where no alias of the protocol is in scope: an alias one of them uses
 * (Meta) is printed as `import("./reports").Meta`, which the walk below then
 * expands in its own module.
 */
function expandedTypes(source, names) {
  const exports = checker.getExportsOfModule(checker.getSymbolAtLocation(source));
  const printer = ts.createPrinter();
  const flags =
    ts.NodeBuilderFlags.NoTruncation | ts.NodeBuilderFlags.InTypeAlias | ts.NodeBuilderFlags.MultilineObjectLiterals;
  const lines = [`// ${relative(root, source.fileName)}: the types the client uses, expanded.`];
  for (const name of [...names].sort()) {
    const symbol = exports.find((s) => s.name === name);
    if (symbol === undefined || !(symbol.flags & ts.SymbolFlags.Type)) {
      throw new Error(`${relative(root, source.fileName)} has no type ${name} to expand`);
    }
    const node = checker.typeToTypeNode(checker.getDeclaredTypeOfSymbol(symbol), program.getSourceFile(entry), flags);
    lines.push(`export type ${name} = ${printer.printNode(ts.EmitHint.Unspecified, node, source)};`);
  }
  // The checker names other modules by their absolute path (without extension).
  return `${lines.join("\n")}\n`.replace(/import\("(\/[^"]+)"\)/g, (_, path) => {
    const specifier = relative(dirname(source.fileName), path);
    return `import("${specifier.startsWith(".") ? specifier : `./${specifier}`}")`;
  });
}

/** Whether a module's declarations would import a package other than hono. */
const needsExpanding = (source) => specifiers(source.text).some((s) => !s.startsWith(".") && !ALLOWED_PACKAGE.test(s));

/** A relative specifier as a consumer under `nodenext` must write it. */
const withExtension = (specifier) => (/\.js$/.test(specifier) ? specifier : `${specifier}.js`);

const written = new Map();
/** The names asked of each module written expanded. */
const expanded = new Map();
const queue = [{ source: program.getSourceFile(entry), names: undefined }];
while (queue.length > 0) {
  const { source, names } = queue.shift();
  const target = join(out, "types", relative(root, source.fileName).replace(/\.ts$/, ".d.ts"));
  if (names !== undefined) {
    const asked = expanded.get(target) ?? new Set();
    const before = asked.size;
    for (const name of names) asked.add(name);
    expanded.set(target, asked);
    if (written.has(target) && asked.size === before) continue;
  } else if (written.has(target)) continue;
  let text = names === undefined ? declarationOf(source) : expandedTypes(source, expanded.get(target));
  for (const specifier of new Set(specifiers(text))) {
    if (!specifier.startsWith(".")) {
      if (!ALLOWED_PACKAGE.test(specifier)) throw new Error(`${target} imports ${specifier}`);
      continue;
    }
    const resolved = ts.resolveModuleName(specifier, source.fileName, parsed.options, ts.sys).resolvedModule;
    const next = resolved && program.getSourceFile(resolved.resolvedFileName);
    if (next === undefined) throw new Error(`${source.fileName}: cannot resolve ${specifier}`);
    queue.push({ source: next, names: needsExpanding(next) ? importedNames(text, specifier) : undefined });
    text = text.replaceAll(`"${specifier}"`, `"${withExtension(specifier)}"`);
  }
  written.set(target, text);
}

/** The names a declaration file imports from one specifier, by import declarations or `import("...").Name` types. */
function importedNames(text, specifier) {
  const names = [];
  const visit = (node) => {
    if (ts.isImportDeclaration(node) && node.moduleSpecifier.text === specifier) {
      const bindings = node.importClause?.namedBindings;
      if (bindings === undefined || !ts.isNamedImports(bindings)) throw new Error(`import * from ${specifier}`);
      names.push(...bindings.elements.map((e) => (e.propertyName ?? e.name).text));
    } else if (ts.isImportTypeNode(node) && node.argument.literal?.text === specifier) {
      if (node.qualifier === undefined || !ts.isIdentifier(node.qualifier)) throw new Error(`import("${specifier}")`);
      names.push(node.qualifier.text);
    }
    ts.forEachChild(node, visit);
  };
  visit(ts.createSourceFile("x.d.ts", text, ts.ScriptTarget.Latest, true));
  return names;
}

for (const [file, text] of written) {
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, text);
}
console.log(`client: built into ${out} (${written.size} declaration files)`);

function fail(diagnostic) {
  const where = diagnostic.file ? `${relative(root, diagnostic.file.fileName)}: ` : "";
  throw new Error(where + ts.flattenDiagnosticMessageText(diagnostic.messageText, "\n"));
}
