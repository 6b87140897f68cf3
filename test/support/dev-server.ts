import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

const root = join(import.meta.dirname, "..", "..");
const wrangler = join(root, "node_modules", "wrangler", "bin", "wrangler.js");
const env = { ...process.env, CLOUDFLARE_CF_FETCH_ENABLED: "false", WRANGLER_SEND_METRICS: "false", CI: "true" };

export const INGEST_KEY = "e2e-ingest-key";
export const ADMIN_KEY = "e2e-admin-key";

/**
 * `wrangler dev` as a user runs it, on a free port and a private state
 * directory, in its own process group so a hard kill takes workerd with it.
 */
export class DevServer {
  readonly stateDir = mkdtempSync(join(tmpdir(), "podium-e2e-"));
  private child: ChildProcess | undefined;
  private output = "";
  url = "";

  async start(): Promise<void> {
    const migrate = spawnSync(
      process.execPath,
      [wrangler, "d1", "migrations", "apply", "DB", "--local", "--persist-to", this.stateDir],
      { cwd: root, env, stdio: "pipe", encoding: "utf8" },
    );
    if (migrate.status !== 0) throw new Error(`migrations failed:\n${migrate.stdout}${migrate.stderr}`);
    const port = await freePort();
    this.url = `http://127.0.0.1:${port}`;
    this.output = "";
    this.child = spawn(
      process.execPath,
      [
        wrangler,
        "dev",
        "--ip",
        "127.0.0.1",
        "--port",
        String(port),
        "--persist-to",
        this.stateDir,
        "--var",
        `INGEST_KEYS:${INGEST_KEY}`,
        "--var",
        `ADMIN_KEYS:${ADMIN_KEY}`,
        "--show-interactive-dev-session=false",
      ],
      { cwd: root, env, stdio: ["ignore", "pipe", "pipe"], detached: true },
    );
    this.child.stdout?.on("data", (d) => (this.output += d));
    this.child.stderr?.on("data", (d) => (this.output += d));
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      if (this.child.exitCode !== null) throw new Error(`wrangler dev exited:\n${this.output}`);
      try {
        if ((await fetch(`${this.url}/v1/games`)).ok) return;
      } catch {}
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error(`wrangler dev did not answer within 60 s:\n${this.output}`);
  }

  /** Stops the whole process group; SIGKILL is the hard kill a crash would be. */
  async stop(signal: NodeJS.Signals = "SIGTERM"): Promise<void> {
    const child = this.child;
    if (!child?.pid || child.exitCode !== null) return;
    const exited = new Promise((r) => child.once("exit", r));
    try {
      process.kill(-child.pid, signal);
    } catch {}
    await exited;
    this.child = undefined;
  }

  async dispose(): Promise<void> {
    await this.stop("SIGKILL");
    rmSync(this.stateDir, { recursive: true, force: true });
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() =>
        typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port")),
      );
    });
  });
}
