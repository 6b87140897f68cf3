/** SQLite in Durable Objects binds at most 100 parameters per statement; this leaves one spare. */
const BINDINGS_PER_STATEMENT = 99;

/**
 * Runs `insert` (`INSERT ... INTO table (a, b, ...)`) with `rows` as its
 * VALUES, as many rows a statement as the binding limit allows: one
 * statement per chunk, not one per row.
 */
export function insertRows(sql: SqlStorage, insert: string, rows: readonly (readonly SqlStorageValue[])[]): void {
  const width = rows[0]?.length ?? 1;
  const perStatement = Math.floor(BINDINGS_PER_STATEMENT / width);
  const placeholders = `(${new Array(width).fill("?").join(", ")})`;
  for (let i = 0; i < rows.length; i += perStatement) {
    const chunk = rows.slice(i, i + perStatement);
    sql.exec(`${insert} VALUES ${chunk.map(() => placeholders).join(", ")}`, ...chunk.flat());
  }
}
