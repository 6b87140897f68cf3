import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { env, migrateState, root, wrangler } from "./migrated-state";

export const INGEST_KEY = "dev-server-ingest-key";
export const ADMIN_KEY = "dev-server-admin-key";
export const WEBHOOK_SECRET = "dev-server-webhook-secret";
export const PLAYER_TOKEN_SECRET = "dev-server-player-token-secret";

/**
 * `wrangler dev` as a user runs it (for end-to-end tests and benchmarks), on a
 * free port and a private state directory, in its own process group so a hard
 * kill takes workerd with it.
 */
export class DevServer {
  readonly stateDir: string;
  private child: ChildProcess | undefined;
  private output = "";
  private port: number | undefined;
  private inspectorPort: number | undefined;
  /** Migrated by its first start: a restart finds the state as it left it. */
  private migrated = false;
  url = "";
  /** The inspector wrangler serves (`/json`, CDP over websocket), when started with `{ inspector: true }`. */
  inspectorUrl = "";

  /**
   * `config`: a wrangler config relative to the repository (benchmarks run
   * their own workers); `sharedState`: share local state with another server;
   * `inspector`: serve the Worker's inspector on a known port (for
   * bench/object-cpu.ts; wrangler otherwise picks one it does not tell);
   * `vars`: more `--var NAME:value` pairs, over `wrangler.toml`'s.
   */
  constructor(
    private readonly config = "wrangler.toml",
    private readonly sharedState?: string,
    private readonly options: { inspector?: boolean; vars?: Record<string, string> } = {},
  ) {
    this.stateDir = sharedState ?? mkdtempSync(join(tmpdir(), "podium-dev-"));
  }

  async start(): Promise<void> {
    if (!this.migrated && readFileSync(join(root, this.config), "utf8").includes("[[d1_databases]]"))
      migrateState(this.config, this.stateDir, this.sharedState === undefined);
    this.migrated = true;
    // A restart keeps the port, as a redeploy keeps the address clients reconnect to.
    const restart = this.port !== undefined;
    for (let tries = 1; ; tries++) {
      this.port ??= await freePort();
      try {
        return await this.launch(this.port);
      } catch (error) {
        if (tries === 3 || !this.output.includes("Address already in use")) throw error;
        // A restart keeps its port, which the killed server's last process may not have let go of yet (seen on a
        // loaded machine); otherwise another process took the port between our check and wrangler's bind.
        if (restart) await new Promise((r) => setTimeout(r, 2000));
        else this.port = undefined;
      }
    }
  }

  private async launch(port: number): Promise<void> {
    this.url = `http://127.0.0.1:${port}`;
    this.output = "";
    const args = ["dev", "--config", this.config, "--ip", "127.0.0.1", "--port", String(port)];
    args.push("--persist-to", this.stateDir, "--show-interactive-dev-session=false");
    if (this.options.inspector) {
      this.inspectorPort ??= await freePort();
      this.inspectorUrl = `http://127.0.0.1:${this.inspectorPort}`;
      args.push("--inspector-port", String(this.inspectorPort));
    }
    args.push(
      "--var",
      `INGEST_KEYS:${INGEST_KEY}`,
      "--var",
      `ADMIN_KEYS:${ADMIN_KEY}`,
      "--var",
      `WEBHOOK_SECRET:${WEBHOOK_SECRET}`,
      "--var",
      `PLAYER_TOKEN_SECRET:${PLAYER_TOKEN_SECRET}`,
    );
    for (const [name, value] of Object.entries(this.options.vars ?? {})) args.push("--var", `${name}:${value}`);
    this.child = spawn(process.execPath, [wrangler, ...args], {
      cwd: root,
      env,
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
    });
    this.child.stdout?.on("data", (d) => {
      this.output += d;
    });
    this.child.stderr?.on("data", (d) => {
      this.output += d;
    });
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      if (this.child.exitCode !== null) throw new Error(`wrangler dev exited:\n${this.output}`);
      // Until wrangler says it listens, an answer may come from another server that took the port meanwhile.
      if (!this.output.includes(`Ready on ${this.url}`)) {
        await new Promise((r) => setTimeout(r, 200));
        continue;
      }
      try {
        if ((await fetch(`${this.url}/v1/games`)).status < 500 && (await this.inspectorListed())) return;
      } catch {}
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error(`wrangler dev did not answer within 60 s:\n${this.output}`);
  }

  /** Whether the inspector, when asked for, lists the Worker yet (wrangler starts it after the server answers). */
  private async inspectorListed(): Promise<boolean> {
    if (!this.options.inspector) return true;
    return ((await (await fetch(`${this.inspectorUrl}/json`)).json()) as unknown[]).length > 0;
  }

  /**
   * Stops the whole process group (SIGKILL is the hard kill a crash would be)
   * and waits until no process of it is left, workerd included.
   */
  async stop(signal: NodeJS.Signals = "SIGTERM"): Promise<void> {
    const child = this.child;
    if (!child?.pid || child.exitCode !== null) return;
    const group = child.pid;
    const exited = new Promise((r) => child.once("exit", r));
    try {
      process.kill(-group, signal);
    } catch {}
    await exited;
    for (let i = 0; i < 100 && this.groupAlive(group); i++) await new Promise((r) => setTimeout(r, 50));
    this.child = undefined;
  }

  private groupAlive(group: number): boolean {
    return readdirSync("/proc").some((pid) => {
      if (!/^\d+$/.test(pid)) return false;
      try {
        const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
        return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[2]) === group;
      } catch {
        return false;
      }
    });
  }

  /** Stops the server and deletes its state (unless `keepState`, for a server that shares it). */
  async dispose(keepState = false): Promise<void> {
    await this.stop("SIGKILL");
    if (!keepState) rmSync(this.stateDir, { recursive: true, force: true });
  }

  /**
   * Waits until the server's background work (compactions, flushes after a
   * fill) is done: under 5% of a core over a second, or `timeoutMs` passed.
   */
  async idle(timeoutMs = 120_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const before = this.cpuSeconds();
      await new Promise((r) => setTimeout(r, 1000));
      if (this.cpuSeconds() - before < 0.05) return;
    }
  }

  /** Sends a JSON body with a key (the ingest key unless said), and answers the status once the body is read. */
  async send(method: string, path: string, body: unknown, key = INGEST_KEY): Promise<number> {
    const res = await fetch(`${this.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    await res.arrayBuffer();
    return res.status;
  }

  /** User+system CPU seconds of every process in the server's group (wrangler and workerd). */
  cpuSeconds(): number {
    let seconds = 0;
    for (const p of this.cpuByProcess().values()) seconds += p.seconds;
    return seconds;
  }

  /** User+system CPU seconds of each process in the server's group, by pid, with its command name. */
  cpuByProcess(): Map<number, { comm: string; seconds: number }> {
    const group = this.child?.pid;
    const processes = new Map<number, { comm: string; seconds: number }>();
    if (group === undefined) return processes;
    for (const pid of readdirSync("/proc").filter((d) => /^\d+$/.test(d))) {
      try {
        // After "(comm) ": state ppid pgrp ... with utime and stime the 12th and 13th.
        const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
        const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
        if (Number(fields[2]) !== group) continue;
        const comm = stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"));
        processes.set(Number(pid), { comm, seconds: (Number(fields[11]) + Number(fields[12])) / 100 });
      } catch {}
    }
    return processes;
  }

  /**
   * User+system CPU seconds of each thread of the server's processes, by
   * "pid/tid": workerd runs the Worker's isolate on its main thread, V8's
   * helpers (GC, the profiler's sampler) on their own.
   */
  cpuByThread(): Map<string, { comm: string; seconds: number }> {
    const threads = new Map<string, { comm: string; seconds: number }>();
    for (const pid of this.cpuByProcess().keys()) {
      try {
        for (const tid of readdirSync(`/proc/${pid}/task`)) {
          const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, "utf8");
          const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
          const comm = stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"));
          threads.set(`${pid}/${tid}`, { comm, seconds: (Number(fields[11]) + Number(fields[12])) / 100 });
        }
      } catch {}
    }
    return threads;
  }

  /**
   * Resident and peak resident memory (VmRSS, VmHWM, bytes) of each workerd
   * process of the server, by pid: wrangler dev runs two, and the one that
   * holds the objects is the one that grows.
   */
  workerdMemory(): Map<number, { rss: number; peak: number }> {
    const group = this.child?.pid;
    const memory = new Map<number, { rss: number; peak: number }>();
    for (const pid of readdirSync("/proc").filter((d) => /^\d+$/.test(d))) {
      try {
        const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
        const comm = stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"));
        if (comm !== "workerd" || Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[2]) !== group) continue;
        const status = readFileSync(`/proc/${pid}/status`, "utf8");
        const kb = (field: string) => Number(status.match(new RegExp(`${field}:\\s+(\\d+) kB`))?.[1] ?? 0) * 1024;
        memory.set(Number(pid), { rss: kb("VmRSS"), peak: kb("VmHWM") });
      } catch {}
    }
    return memory;
  }
}

/**
 * A free port from this test worker's own range (vitest's pool id picks it):
 * a server that restarts on its port never finds it taken by a server another
 * test file, running alongside, started meanwhile.
 */
export async function freePort(): Promise<number> {
  const range = 30_000 + (Number(process.env.VITEST_POOL_ID ?? 0) % 40) * PORTS_PER_WORKER;
  for (let tries = 0; tries < PORTS_PER_WORKER; tries++) {
    const port = range + (nextPort++ % PORTS_PER_WORKER);
    if (await listenable(port)) return port;
  }
  throw new Error(`no free port in ${range}-${range + PORTS_PER_WORKER - 1}`);
}

const PORTS_PER_WORKER = 500;
// A random start: another vitest run on the machine, with the same worker ids, picks other ports.
let nextPort = Math.floor(Math.random() * PORTS_PER_WORKER);

function listenable(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once("error", () => resolve(false));
    server.listen(port, "127.0.0.1", () => server.close(() => resolve(true)));
  });
}
