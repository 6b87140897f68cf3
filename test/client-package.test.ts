import { spawnSync } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { installedClient } from "./support/client-package";

// The typed client as a package (dist/client): what a user's compiler sees of
// it, what its JS imports, and what `npm pack` puts in it.
const root = join(import.meta.dirname, "..");
const tsc = join(root, "node_modules", "typescript", "bin", "tsc");
let installed: { dir: string; pkg: string };
beforeAll(() => {
  installed = installedClient();
}, 120_000);
afterAll(() => rmSync(installed.dir, { recursive: true, force: true }));

/** A consumer's code: right calls compile, and each wrong one must be an error (else the types were lost). */
const CONSUMER = `import { createClient, LiveFeed, type PodiumClient } from "podium/client";
import { createClient as createBrowserClient } from "podium/client/browser";

const podium: PodiumClient = createClient("http://127.0.0.1:8787", { key: "k" });
const res = await podium.v1.games[":game"].scores.$post({ param: { game: "g" }, json: { player: "p", score: 1 } });
if (res.ok) {
  const accepted: number = (await res.json()).accepted;
  console.log(accepted);
}
const top = await podium.v1.games[":game"].leaderboard.$get({ param: { game: "g" }, query: { limit: "10" } });
if (top.ok) {
  for (const e of (await top.json()).entries) console.log(e.rank.toFixed(), e.player.toUpperCase());
  // @ts-expect-error an entry's rank is a number
  const rank: string = (await top.json()).entries[0]!.rank;
  console.log(rank);
}
const token = await createBrowserClient("http://127.0.0.1:8787").v1.games[":game"].tokens.$post({
  param: { game: "g" },
  json: { player: "p", ttl: 60 },
});
if (token.ok) console.log((await token.json()).token.length);

const feed = new LiveFeed("http://127.0.0.1:8787", "g", { limit: 10, onBoard: (b) => console.log(b.seq + 1) });
for (const e of feed.entries()) console.log(e.rank.toFixed(), e.meta?.level);
const teams = new LiveFeed("http://127.0.0.1:8787", "g", { board: "teams" });
for (const t of teams.entries()) console.log(t.team.toUpperCase(), t.members.toFixed());

// @ts-expect-error no such route
console.log(podium.v1.games[":game"].scorez);
// @ts-expect-error a score is a number
await podium.v1.games[":game"].scores.$post({ param: { game: "g" }, json: { player: "p", score: "1" } });
// @ts-expect-error a token is minted for a player
await podium.v1.games[":game"].tokens.$post({ param: { game: "g" }, json: { ttl: 60 } });
// @ts-expect-error a live entry has no such field
console.log(feed.entries()[0]?.nope);
// @ts-expect-error a team standing names no player
console.log(teams.entries()[0]?.player);
`;

/** Module settings a Node game server (nodenext) and a Vite app (bundler) compile with. */
const SETTINGS = {
  nodenext: { module: "nodenext", moduleResolution: "nodenext" },
  bundler: { module: "esnext", moduleResolution: "bundler" },
};

/** Type-checks `code` as a consumer project next to the installed package, with nothing skipped. */
function typeCheck(name: string, code: string, settings: object) {
  const project = join(installed.dir, name);
  mkdirSync(project, { recursive: true });
  writeFileSync(join(project, "package.json"), JSON.stringify({ type: "module" }));
  writeFileSync(join(project, "consumer.ts"), code);
  const compilerOptions = { ...settings, target: "es2022", lib: ["es2023", "dom"], types: [], strict: true };
  writeFileSync(
    join(project, "tsconfig.json"),
    JSON.stringify({
      compilerOptions: { ...compilerOptions, noEmit: true, skipLibCheck: false },
      files: ["consumer.ts"],
    }),
  );
  return spawnSync(process.execPath, [tsc, "-p", project], { encoding: "utf8" });
}

describe("the client package", () => {
  for (const [name, settings] of Object.entries(SETTINGS)) {
    it(`gives a consumer's compiler (${name}) the routes' types, with no package but hono`, () => {
      const checked = typeCheck(`consumer-${name}`, CONSUMER, settings);
      expect(checked.stdout + checked.stderr).toBe("");
      expect(checked.status).toBe(0);
    }, 60_000);
  }

  it("has the consumer's compiler refuse a path the Worker does not serve", () => {
    const wrong = `import { createClient } from "podium/client";\nconsole.log(createClient("http://x").v1.games[":game"].scorez);\n`;
    const checked = typeCheck("consumer-wrong", wrong, SETTINGS.nodenext);
    expect(checked.status).toBe(2);
    expect(checked.stdout).toMatch(/consumer\.ts\(2,\d+\): error TS\d+: Property 'scorez' does not exist/);
  }, 60_000);

  it("ships declarations that import only each other and hono", () => {
    const types = join(installed.pkg, "dist", "client", "types");
    const files = readdirSync(types, { recursive: true, encoding: "utf8" }).filter((f) => f.endsWith(".d.ts"));
    expect(files.sort()).toEqual([
      "client/index.d.ts",
      "client/live.d.ts",
      "protocol/boards.d.ts",
      "protocol/live.d.ts",
      "protocol/reports.d.ts",
    ]);
    const specifiers = files.flatMap((f) =>
      [...readFileSync(join(types, f), "utf8").matchAll(/(?:from |import\()"([^"]+)"/g)].map((m) => m[1]),
    );
    expect(specifiers.filter((s) => !s.startsWith("./") && !s.startsWith("../") && !s.startsWith("hono/"))).toEqual([]);
  });

  it("ships ESM that imports hono/client only, and a browser file that imports nothing", () => {
    const imports = (file: string) =>
      [
        ...readFileSync(join(installed.pkg, "dist", "client", file), "utf8").matchAll(
          /\bimport\s*(?:[^"'()]*from\s*)?["']([^"']+)["']/g,
        ),
      ].map((m) => m[1]);
    expect(imports("index.js")).toEqual(["hono/client"]);
    expect(imports("podium-client.browser.js")).toEqual([]);
    expect(readFileSync(join(installed.pkg, "dist", "client", "podium-client.browser.js"), "utf8")).toContain("/live?");
  });

  it("packs the built client and none of the source", () => {
    // Planted: source beside the package's files, which `files` must leave out.
    for (const junk of ["client/index.ts", "worker/app.ts", "test/x.test.ts"]) {
      mkdirSync(join(installed.pkg, junk, ".."), { recursive: true });
      writeFileSync(join(installed.pkg, junk), "export {};\n");
    }
    const packed = (cwd: string) => {
      const res = spawnSync("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"], { cwd, encoding: "utf8" });
      expect(res.status, res.stderr).toBe(0);
      return (JSON.parse(res.stdout) as { files: { path: string }[] }[])[0]!.files.map((f) => f.path).sort();
    };
    const built = readdirSync(join(installed.pkg, "dist", "client"), { recursive: true, encoding: "utf8" })
      .filter((f) => /\.(js|d\.ts)$/.test(f))
      .map((f) => `dist/client/${f}`);
    expect(packed(installed.pkg)).toEqual(["README.md", ...built, "package.json"].sort());
    // The repository itself packs the same way, whether or not dist/client is built there.
    expect(
      packed(root).filter((f) => !f.startsWith("dist/client/") && f !== "README.md" && f !== "package.json"),
    ).toEqual([]);
  });
});
