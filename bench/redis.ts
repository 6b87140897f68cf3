// A private Redis (no persistence, free loopback port) as the sorted-set
// baseline: the Kafka+Redis seed's choice. Skipped, with a note, when
// redis-server / redis-benchmark are not installed (apt-get install
// redis-server redis-tools).
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { createConnection } from "node:net";
import { freePort } from "../test/support/dev-server";

export interface RedisRun {
  zaddPerSecond: number;
  zrevrankPerSecond: number;
  top15PerSecond: number;
  middle50PerSecond: number;
  bytesPerMember: number;
}

const PIPELINE = 64;

export function redisAvailable(): boolean {
  return ["redis-server", "redis-benchmark"].every((cmd) => spawnSync("sh", ["-c", `command -v ${cmd}`]).status === 0);
}

/** Member names as redis-benchmark's __rand_int__ writes them (12 digits), so updates hit existing members. */
export function memberName(i: number): string {
  return `m:${String(i).padStart(12, "0")}`;
}

/** Each figure is the best of `rounds` redis-benchmark runs, as Podium's are the best of its rounds. */
export async function runRedis(
  members: number,
  operations: number,
  rounds: number,
  progress: (m: string) => void,
): Promise<RedisRun> {
  const port = await freePort();
  const server: ChildProcess = spawn(
    "redis-server",
    ["--port", String(port), "--save", "", "--appendonly", "no", "--bind", "127.0.0.1"],
    {
      stdio: "ignore",
    },
  );
  try {
    await waitForPort(port);
    progress(`redis: filling a sorted set of ${members.toLocaleString("en-US")}`);
    const baseline = usedMemory(port);
    await fill(port, members);
    const bytesPerMember = (usedMemory(port) - baseline) / members;
    const benchOnce = (n: number, ...command: string[]) => {
      const out = spawnSync(
        "redis-benchmark",
        [
          "-p",
          String(port),
          "-P",
          String(PIPELINE),
          "-n",
          String(n),
          "-r",
          String(members),
          "-c",
          "4",
          "--csv",
          ...command,
        ],
        { encoding: "utf8" },
      );
      const row = out.stdout.trim().split("\n").at(-1) ?? "";
      const rps = Number(row.split(",")[1]?.replaceAll('"', ""));
      if (!Number.isFinite(rps)) throw new Error(`redis-benchmark: ${out.stdout}${out.stderr}`);
      return rps;
    };
    const bench = (n: number, ...command: string[]) =>
      Math.max(...Array.from({ length: rounds }, () => benchOnce(n, ...command)));
    progress("redis: ZADD, ZREVRANK, ZREVRANGE (pipelined 64)");
    const middle = Math.floor(members / 2);
    return {
      zaddPerSecond: bench(operations, "ZADD", "lb", "__rand_int__", "m:__rand_int__"),
      zrevrankPerSecond: bench(operations, "ZREVRANK", "lb", "m:__rand_int__"),
      top15PerSecond: bench(operations, "ZREVRANGE", "lb", "0", "14", "WITHSCORES"),
      middle50PerSecond: bench(
        Math.max(1000, operations / 4),
        "ZREVRANGE",
        "lb",
        String(middle),
        String(middle + 49),
        "WITHSCORES",
      ),
      bytesPerMember,
    };
  } finally {
    server.kill("SIGTERM");
  }
}

function usedMemory(port: number): number {
  const info = spawnSync("redis-cli", ["-p", String(port), "INFO", "memory"], { encoding: "utf8" }).stdout;
  return Number(/used_memory:(\d+)/.exec(info)?.[1] ?? Number.NaN);
}

/** ZADDs every member once over one pipelined connection (RESP written directly). */
function fill(port: number, members: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = createConnection(port, "127.0.0.1");
    let replies = 0;
    socket.on("data", (data) => {
      for (const byte of data) if (byte === 10) replies++;
      if (replies >= members) {
        socket.end();
        resolve();
      }
    });
    socket.on("error", reject);
    const chunk = 10_000;
    let i = 0;
    const write = () => {
      while (i < members) {
        let text = "";
        for (const end = Math.min(members, i + chunk); i < end; i++) {
          const member = memberName(i);
          const score = String((i * 2654435761) % members);
          text += `*4\r\n$4\r\nZADD\r\n$2\r\nlb\r\n$${score.length}\r\n${score}\r\n$${member.length}\r\n${member}\r\n`;
        }
        if (!socket.write(text)) {
          socket.once("drain", write);
          return;
        }
      }
    };
    socket.on("connect", write);
  });
}

async function waitForPort(port: number): Promise<void> {
  for (let i = 0; i < 100; i++) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = createConnection(port, "127.0.0.1", () => {
        s.end();
        resolve(true);
      });
      s.on("error", () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error("redis-server did not start");
}
