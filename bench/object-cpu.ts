// CPU per Durable Object class under `wrangler dev`. Every object and the
// Worker run in one workerd process (so process CPU cannot separate them),
// and workerd freezes Date.now()/performance.now() while code runs (so timers
// inside an object cannot either). V8's sampling profiler can: this attaches
// to the Worker's isolate through the inspector `wrangler dev --inspector-port`
// serves, profiles a window, and maps each sampled frame through the bundle's
// source map to our source file and its class (bench/cpu-profile.ts).
//
//   const cpu = await ObjectCpu.attach(server); // server: new DevServer(..., { inspector: true })
//   ... load ...
//   const { byBucket } = await cpu.stop(); // { game: ms, worker: ms, runtime: ms, gc: ms, ... }

import { readFileSync } from "node:fs";
import { SourceMap, type SourceMapPayload } from "node:module";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import {
  type BucketRule,
  breakdown,
  type CallFrame,
  type CpuBreakdown,
  type CpuProfile,
  inclusive,
  PODIUM_BUCKETS,
} from "./cpu-profile";

const root = join(import.meta.dirname, "..");

export interface ObjectCpuOptions {
  /**
   * Microseconds between samples. Measured on the live load (2 shared cores):
   * 100 costs 30-50% more process CPU per batch, 250 about 15%; a coarser
   * interval counts more idle time into the samples after a pause.
   */
  intervalUs?: number;
  rule?: BucketRule;
}

export interface ObjectCpuReport extends CpuBreakdown {
  /** The profiled window, wall clock. */
  wallMs: number;
  /** Self milliseconds per function, named "name (file:line)" with the line of its definition in our source. */
  byFunction: Record<string, number>;
  /** `byFunction` with each function's callees included. */
  byFunctionTotal: Record<string, number>;
}

interface Script {
  url: string;
  sourceMapURL: string;
}

export class ObjectCpu {
  private constructor(
    private readonly inspector: Inspector,
    private readonly rule: BucketRule,
    private readonly startedAt: number,
  ) {}

  /** Starts profiling the server's Worker isolate (its Worker and every object in it). */
  static async attach(server: { inspectorUrl: string }, options: ObjectCpuOptions = {}): Promise<ObjectCpu> {
    if (server.inspectorUrl === "") throw new Error("ObjectCpu: start the DevServer with { inspector: true }");
    const targets = (await (await fetch(`${server.inspectorUrl}/json`)).json()) as { webSocketDebuggerUrl: string }[];
    if (targets[0] === undefined) throw new Error("ObjectCpu: the inspector lists no worker");
    const inspector = await Inspector.connect(targets[0].webSocketDebuggerUrl);
    await inspector.send("Profiler.enable");
    // Must come before start: V8 fixes the interval when a profile begins.
    await inspector.send("Profiler.setSamplingInterval", { interval: options.intervalUs ?? 250 });
    await inspector.send("Profiler.start");
    return new ObjectCpu(inspector, options.rule ?? PODIUM_BUCKETS, Date.now());
  }

  /** Stops, detaches, and gives milliseconds per bucket and per source file. */
  async stop(): Promise<ObjectCpuReport> {
    try {
      const { profile } = (await this.inspector.send("Profiler.stop")) as { profile: CpuProfile };
      const wallMs = Date.now() - this.startedAt;
      // Enabling the debugger replays every parsed script with its source map;
      // only now, so it costs nothing during the window.
      await this.inspector.send("Debugger.enable");
      await this.inspector.send("Debugger.disable");
      const byFile = breakdown(profile, sourceFiles(this.inspector.scripts), this.rule);
      // The same attribution keyed by function: breakdown's per-"file" totals are then per function.
      const functionOf = sourceFunctions(this.inspector.scripts);
      const byFunction = breakdown(profile, functionOf, this.rule).byFile;
      return { ...byFile, byFunction, byFunctionTotal: inclusive(profile, functionOf), wallMs };
    } finally {
      this.inspector.close();
    }
  }
}

/** Our file for a frame: through its script's source map, relative to the repository. */
function sourceFiles(scripts: Map<string, Script>): (frame: CallFrame) => string {
  const at = sourcePositions(scripts);
  return (frame) => at(frame).file;
}

/** A frame's function, with where it is defined in our source (a frame's position is its function's start). */
function sourceFunctions(scripts: Map<string, Script>): (frame: CallFrame) => string {
  const at = sourcePositions(scripts);
  return (frame) => {
    const { file, line } = at(frame);
    if (line === undefined) return frame.functionName.startsWith("(") ? file : `${frame.functionName} (${file})`;
    return `${frame.functionName || "(anonymous)"} (${file}:${line})`;
  };
}

/** Our file and 1-based line for a frame: through its script's source map, relative to the repository. */
function sourcePositions(scripts: Map<string, Script>): (frame: CallFrame) => { file: string; line?: number } {
  const maps = new Map<string, { map: SourceMap; base: string } | undefined>();
  const mapOf = (scriptId: string) => {
    if (!maps.has(scriptId)) maps.set(scriptId, loadMap(scripts.get(scriptId)));
    return maps.get(scriptId);
  };
  return (frame) => {
    const script = scripts.get(frame.scriptId);
    if (script === undefined) return { file: frame.url || native(frame.functionName) };
    const loaded = mapOf(frame.scriptId);
    const entry = loaded?.map.findEntry(frame.lineNumber, frame.columnNumber);
    if (loaded !== undefined && entry !== undefined && "originalSource" in entry) {
      return { file: repoPath(resolve(loaded.base, entry.originalSource)), line: entry.originalLine + 1 };
    }
    return { file: script.url.startsWith("file:") ? repoPath(fileURLToPath(script.url)) : script.url };
  };
}

/** V8's pseudo-frames are "(program)" and the like; a builtin or API function is named by its function. */
function native(functionName: string): string {
  if (functionName.startsWith("(")) return functionName;
  return functionName === "" ? "(native)" : `(native ${functionName})`;
}

function loadMap(script: Script | undefined): { map: SourceMap; base: string } | undefined {
  if (script === undefined || script.sourceMapURL === "" || !script.url.startsWith("file:")) return undefined;
  // The inspector proxy rewrites file: to wrangler-file: for browser devtools.
  const url = new URL(script.sourceMapURL.replace(/^wrangler-file:/, "file:"), script.url);
  if (url.protocol !== "file:") return undefined;
  const path = fileURLToPath(url);
  const { sourceRoot, ...payload } = JSON.parse(readFileSync(path, "utf8")) as SourceMapPayload;
  // Sources resolve against sourceRoot here, not by Node's string concatenation.
  return { map: new SourceMap({ ...payload, sourceRoot: "" }), base: sourceRoot || dirname(path) };
}

/** A path relative to the repository; a package's as node_modules/<package>/..., wherever it is installed. */
function repoPath(path: string): string {
  const packages = path.lastIndexOf("/node_modules/");
  if (packages !== -1) return path.slice(packages + 1);
  const inside = relative(root, path);
  return inside.startsWith("..") ? path : inside;
}

/** A Chrome DevTools Protocol session over Node's global WebSocket. */
class Inspector {
  readonly scripts = new Map<string, Script>();
  private readonly pending = new Map<number, { resolve(result: unknown): void; reject(error: Error): void }>();
  private nextId = 0;

  private constructor(private readonly socket: WebSocket) {
    socket.addEventListener("message", (event) => {
      const message = JSON.parse(event.data as string) as {
        id?: number;
        method?: string;
        params?: { scriptId: string; url: string; sourceMapURL?: string };
        result?: unknown;
        error?: { message: string };
      };
      if (message.method === "Debugger.scriptParsed" && message.params !== undefined) {
        const { scriptId, url, sourceMapURL = "" } = message.params;
        this.scripts.set(scriptId, { url, sourceMapURL });
      }
      if (message.id === undefined) return;
      const waiter = this.pending.get(message.id);
      this.pending.delete(message.id);
      if (message.error !== undefined) waiter?.reject(new Error(`inspector: ${message.error.message}`));
      // workerd answers the Profiler commands it handles itself by echoing them, without a result.
      else waiter?.resolve(message.result ?? {});
    });
    socket.addEventListener("close", () => {
      for (const waiter of this.pending.values()) waiter.reject(new Error("inspector: connection closed"));
      this.pending.clear();
    });
  }

  static connect(url: string): Promise<Inspector> {
    // The proxy refuses a client that sends a user agent but no Origin; undici's
    // WebSocket takes headers, which the DOM type does not show.
    const NodeWebSocket = WebSocket as unknown as new (
      url: string,
      init: { headers: Record<string, string> },
    ) => WebSocket;
    const socket = new NodeWebSocket(url, { headers: { origin: "http://127.0.0.1" } });
    return new Promise((resolve, reject) => {
      socket.addEventListener("open", () => resolve(new Inspector(socket)));
      socket.addEventListener("error", () => reject(new Error(`inspector: cannot connect to ${url}`)));
    });
  }

  send(method: string, params: Record<string, unknown> = {}, timeoutMs = 60_000): Promise<unknown> {
    const id = ++this.nextId;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`inspector: ${method} unanswered after ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(id, {
        resolve: (result) => {
          clearTimeout(timer);
          resolve(result);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      });
      this.socket.send(JSON.stringify({ id, method, params }));
    });
  }

  close(): void {
    this.socket.close();
  }
}
