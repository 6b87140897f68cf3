// Measurements shared by the suites: the JS heap once settled, and a
// table's share of a local SQLite file.
import { copyFileSync, readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";

/** Heap plus array buffers after three collections (run Node with --expose-gc). */
export async function settledHeap(): Promise<number> {
  const gc = (globalThis as { gc?: () => void }).gc;
  for (let i = 0; i < 3; i++) {
    gc?.();
    await new Promise((r) => setTimeout(r, 100));
  }
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

/**
 * Finds the SQLite file under `dir` (those whose path passes `pick`) whose
 * `table` holds `rows` rows (`match` may take others, say a table some of
 * whose rows still wait in a log), and measures a vacuumed copy with the
 * table and with its rows deleted: the table's bytes (with its indexes) and
 * its rows. Undefined when no file matches.
 */
export function tableBytes(
  dir: string,
  pick: (path: string) => boolean,
  table: string,
  rows: number,
  match: (found: number) => boolean = (found) => found === rows,
): { whole: number; without: number; rows: number } | undefined {
  const files: string[] = [];
  const walk = (at: string) => {
    for (const entry of readdirSync(at, { withFileTypes: true })) {
      const path = join(at, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith(".sqlite") && pick(path)) files.push(path);
    }
  };
  walk(dir);
  for (const file of files) {
    const copy = `${file}.bench-copy`;
    copyFileSync(file, copy);
    for (const suffix of ["-wal", "-shm"]) {
      try {
        copyFileSync(file + suffix, copy + suffix);
      } catch {
        // No WAL: the file holds everything.
      }
    }
    try {
      const db = new DatabaseSync(copy);
      try {
        const found = (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
        if (!match(found)) continue;
        const size = () => {
          db.exec("VACUUM");
          const { page_count } = db.prepare("PRAGMA page_count").get() as { page_count: number };
          const { page_size } = db.prepare("PRAGMA page_size").get() as { page_size: number };
          return page_count * page_size;
        };
        const whole = size();
        db.exec(`DELETE FROM ${table}`);
        return { whole, without: size(), rows: found };
      } finally {
        db.close();
      }
    } catch {
      // A file without the table (another object, or another database) is not the one.
    } finally {
      for (const suffix of ["", "-wal", "-shm"]) rmSync(copy + suffix, { force: true });
    }
  }
  return undefined;
}
