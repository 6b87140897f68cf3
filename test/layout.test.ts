import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { dirname, join, normalize, relative } from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";

// Every import points down: worker -> objects -> protocol -> engine, and the
// web page and the client -> protocol. The engine imports nothing but itself.
const root = join(import.meta.dirname, "..");

/** Each room, and what its files may import: rooms (relative paths) and packages. */
const ROOMS: Record<string, { rooms: string[]; packages: RegExp; typeOnlyRooms?: string[] }> = {
  engine: { rooms: ["engine"], packages: /^$/ },
  protocol: {
    rooms: ["protocol", "engine"],
    packages: /^(zod|@hono\/zod-openapi|hono\/utils\/|drizzle-orm|i18n-iso-countries$|croner$)/,
  },
  objects: { rooms: ["objects", "protocol", "engine"], packages: /^(cloudflare:workers|drizzle-orm|openskill$)/ },
  worker: { rooms: ["worker", "objects", "protocol"], packages: /^(hono|@hono\/|p-limit|drizzle-orm|zod)/ },
  // The typed client knows the Worker's routes by their types only.
  client: { rooms: ["client", "protocol"], packages: /^hono\/client$/, typeOnlyRooms: ["worker"] },
  web: { rooms: ["web", "protocol", "client"], packages: /^uplot$/ },
};

// Routes only validate, authorize and forward; their D1 reads and writes live in worker/d1/.
const ROUTES = "worker/routes/";
const QUERY_BUILDER = /^drizzle-orm/;

interface Import {
  from: string;
  specifier: string;
  typeOnly: boolean;
}

/** The import and export-from specifiers of a file, parsed (comments and strings are not imports). */
function importsOf(file: string, text: string): Import[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, false);
  const found: Import[] = [];
  const visit = (node: ts.Node) => {
    if (
      (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) &&
      node.moduleSpecifier &&
      ts.isStringLiteral(node.moduleSpecifier)
    ) {
      const typeOnly = ts.isImportDeclaration(node) ? (node.importClause?.isTypeOnly ?? false) : node.isTypeOnly;
      found.push({ from: file, specifier: node.moduleSpecifier.text, typeOnly });
    } else if (
      ts.isCallExpression(node) &&
      node.expression.kind === ts.SyntaxKind.ImportKeyword &&
      node.arguments[0] &&
      ts.isStringLiteral(node.arguments[0])
    ) {
      found.push({ from: file, specifier: node.arguments[0].text, typeOnly: false });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

/** The imports that break the rooms' order, or reach D1 from a route, as readable lines. */
function violations(imports: Import[]): string[] {
  const bad: string[] = [];
  for (const { from, specifier, typeOnly } of imports) {
    const room = ROOMS[from.split("/")[0]];
    if (room === undefined) continue;
    if (!specifier.startsWith(".")) {
      if (!room.packages.test(specifier)) bad.push(`${from} imports the package ${specifier}`);
      else if (from.startsWith(ROUTES) && QUERY_BUILDER.test(specifier)) {
        bad.push(`${from} imports ${specifier}; routes query D1 through worker/d1/`);
      }
      continue;
    }
    const target = normalize(join(dirname(from), specifier)).split("/")[0];
    if (room.rooms.includes(target)) continue;
    if (typeOnly && room.typeOnlyRooms?.includes(target)) continue;
    bad.push(`${from} imports ${specifier}, in ${target}/`);
  }
  return bad;
}

/** A file in these rooms past this many lines is two things. */
const MAX_LINES = 450;
const SIZED_ROOMS = ["engine", "objects", "worker"];

/** Files over MAX_LINES, as readable lines. */
function oversized(files: { path: string; lines: number }[]): string[] {
  return files.filter((f) => f.lines > MAX_LINES).map((f) => `${f.path} has ${f.lines} lines (at most ${MAX_LINES})`);
}

/**
 * The README's architecture tree (the fenced block that starts with
 * `engine/`): each folder it names, as a path ("objects/seasons"), with its
 * description (continuation lines included).
 */
function treeOf(readme: string): Map<string, string> {
  const block = /```\n(engine\/[\s\S]*?)```/.exec(readme)?.[1] ?? "";
  const tree = new Map<string, string>();
  const stack: string[] = [];
  let current: string | undefined;
  for (const line of block.split("\n")) {
    const folder = /^( *)([\w.-]+)\/(?:\s+(.*))?$/.exec(line);
    if (folder === null) {
      if (current !== undefined) tree.set(current, `${tree.get(current)} ${line.trim()}`);
      continue;
    }
    const depth = folder[1].length / 2;
    stack.length = depth;
    stack.push(folder[2]);
    current = stack.join("/");
    tree.set(current, folder[3] ?? "");
  }
  return tree;
}

/** What the tree leaves out: folders of the sized rooms it does not name, and route files its routes line does not. */
function missingFromTree(files: string[], readme: string): string[] {
  const tree = treeOf(readme);
  const folders = new Set(
    files.flatMap((f) =>
      f
        .split("/")
        .slice(0, -1)
        .map((_, i, parts) => parts.slice(0, i + 1).join("/")),
    ),
  );
  const missing = [...folders].filter((f) => SIZED_ROOMS.includes(f.split("/")[0]) && !tree.has(f));
  const routes = tree.get("worker/routes") ?? "";
  for (const file of files.filter((f) => /^worker\/routes\/[^/]+\.ts$/.test(f))) {
    const name = file.slice("worker/routes/".length, -".ts".length);
    if (!new RegExp(`\\b${name}\\b`).test(routes)) missing.push(file);
  }
  return missing.map((f) => `the README's architecture tree does not name ${f}`);
}

const tracked = (pattern: string) =>
  spawnSync("git", ["ls-files", pattern], { cwd: root, encoding: "utf8" }).stdout.split("\n").filter(Boolean);

describe("layout", () => {
  it("has every import pointing down: worker -> objects -> protocol -> engine; web and client -> protocol; no drizzle in a route", () => {
    const files = tracked("*.ts").filter((f) => f.split("/")[0] in ROOMS && !f.endsWith(".d.ts"));
    expect(files.length).toBeGreaterThan(40);
    const imports = files.flatMap((file) => importsOf(file, readFileSync(join(root, file), "utf8")));
    expect(violations(imports)).toEqual([]);
  });

  it("catches an import that points up, a package in the engine, and a comment that only looks like one", () => {
    const planted = [
      ...importsOf("engine/x.ts", 'import { z } from "zod";\nimport type { A } from "../protocol/config";'),
      ...importsOf("protocol/x.ts", 'import { GameBoard } from "../objects/game-board";'),
      ...importsOf("objects/x.ts", '// import { app } from "../worker/app";\nconst s = "../worker/app";'),
      ...importsOf("client/x.ts", 'import type { AppType } from "../worker/app";'),
      ...importsOf("client/y.ts", 'import { routes } from "../worker/app";'),
    ];
    expect(violations(planted)).toEqual([
      "engine/x.ts imports the package zod",
      "engine/x.ts imports ../protocol/config, in protocol/",
      "protocol/x.ts imports ../objects/game-board, in objects/",
      "client/y.ts imports ../worker/app, in worker/",
    ]);
  });

  it("catches drizzle in a route, whatever the specifier or import form, and allows it in worker/d1/", () => {
    const planted = [
      ...importsOf(
        "worker/routes/x.ts",
        'import { eq } from "drizzle-orm";\nimport { drizzle } from "drizzle-orm/d1";',
      ),
      ...importsOf(
        "worker/routes/y.ts",
        'import type { SQL } from "drizzle-orm";\nconst d = import("drizzle-orm/d1");',
      ),
      ...importsOf("worker/d1/x.ts", 'import { eq } from "drizzle-orm";\nimport { drizzle } from "drizzle-orm/d1";'),
      ...importsOf("worker/audit.ts", 'import { sql } from "drizzle-orm";'),
    ];
    expect(violations(planted)).toEqual([
      "worker/routes/x.ts imports drizzle-orm; routes query D1 through worker/d1/",
      "worker/routes/x.ts imports drizzle-orm/d1; routes query D1 through worker/d1/",
      "worker/routes/y.ts imports drizzle-orm; routes query D1 through worker/d1/",
      "worker/routes/y.ts imports drizzle-orm/d1; routes query D1 through worker/d1/",
    ]);
  });

  it(`keeps every file of ${SIZED_ROOMS.join(", ")} at or under ${MAX_LINES} lines`, () => {
    const files = tracked("*.ts").filter((f) => SIZED_ROOMS.includes(f.split("/")[0]));
    const sizes = files.map((path) => ({ path, lines: readFileSync(join(root, path), "utf8").split("\n").length - 1 }));
    expect(oversized(sizes)).toEqual([]);
    expect(oversized([{ path: "objects/x.ts", lines: MAX_LINES + 1 }])).toEqual([
      `objects/x.ts has ${MAX_LINES + 1} lines (at most ${MAX_LINES})`,
    ]);
  });

  it("has the README's architecture tree name every folder of engine, objects and worker, and every route file", () => {
    const readme = readFileSync(join(root, "README.md"), "utf8");
    expect(missingFromTree(tracked("*"), readme)).toEqual([]);
    const planted =
      "```\nengine/            the engine\nobjects/           the object\n  live/            sockets\nworker/            the Worker\n  routes/          one file per resource: scores,\n                   games\n```\n";
    expect(
      missingFromTree(
        [
          "engine/a.ts",
          "objects/live/b.ts",
          "objects/seasons/c.ts",
          "worker/routes/scores.ts",
          "worker/routes/games.ts",
          "worker/routes/live.ts",
          "web/src/d.ts",
        ],
        planted,
      ),
    ).toEqual([
      "the README's architecture tree does not name objects/seasons",
      "the README's architecture tree does not name worker/routes/live.ts",
    ]);
  });

  it("type-checks every TypeScript file in at least one project", () => {
    const checked = new Set<string>();
    for (const project of ["tsconfig.json", "tsconfig.node.json", "tsconfig.web.json"]) {
      const parsed = ts.getParsedCommandLineOfConfigFile(
        join(root, project),
        {},
        {
          ...ts.sys,
          onUnRecoverableConfigFileDiagnostic: (d) => {
            throw new Error(ts.flattenDiagnosticMessageText(d.messageText, "\n"));
          },
        },
      );
      for (const file of parsed?.fileNames ?? []) checked.add(relative(root, file));
    }
    const unchecked = [...tracked("*.ts"), ...tracked("*.mts")].filter((f) => !checked.has(f));
    expect(unchecked).toEqual([]);
  });
});
