import type { PodiumClient } from "../client/index";

/** What `npm run demo` hands every workload besides Kapacitor's own. */
export interface WorkloadOptions {
  url: string;
  podium: PodiumClient;
  admin: PodiumClient;
  games: string[];
  players: number;
  seconds: number;
  spectators: number;
  /** Sends one request, counting it, and any failure with what the server said. */
  send(what: string, request: () => Promise<{ ok: boolean; status: number; text(): Promise<string> }>): Promise<void>;
  progress(line: string): void;
}
