import { spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const root = join(import.meta.dirname, "..", "..");

/**
 * A fresh project with podium installed as a user installs it: the package's
 * package.json and README, the client built by `npm run build:client`'s script
 * into its dist/client, and hono, its only runtime dependency, beside it. No
 * other package is reachable, and nothing of the repository's source: a
 * missing dependency or a declaration that points back into the repository
 * fails whatever uses it. Each caller gets its own directory, so test files
 * running side by side never rebuild under each other.
 */
export function installedClient(): { dir: string; pkg: string } {
  const dir = mkdtempSync(join(tmpdir(), "podium-client-"));
  const pkg = join(dir, "node_modules", "podium");
  mkdirSync(pkg, { recursive: true });
  for (const file of ["package.json", "README.md"]) copyFileSync(join(root, file), join(pkg, file));
  const built = spawnSync(process.execPath, [join(root, "scripts", "build-client.mjs"), join(pkg, "dist", "client")], {
    cwd: root,
    encoding: "utf8",
  });
  if (built.status !== 0) throw new Error(`build-client failed:\n${built.stdout}${built.stderr}`);
  symlinkSync(join(root, "node_modules", "hono"), join(dir, "node_modules", "hono"), "dir");
  return { dir, pkg };
}
