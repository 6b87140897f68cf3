/** A statement an object's SQL ran: its text and its bound values. */
export interface Statement {
  query: string;
  bindings: unknown[];
}

/** Runs `work` with every statement `sql` runs meanwhile recorded, then puts `sql.exec` back. */
export async function watchingSql<T>(
  sql: SqlStorage,
  work: () => T | Promise<T>,
): Promise<{ value: T; statements: Statement[] }> {
  const exec = sql.exec;
  const statements: Statement[] = [];
  sql.exec = ((query: string, ...bindings: unknown[]) => {
    statements.push({ query, bindings });
    return exec.call(sql, query, ...bindings);
  }) as typeof sql.exec;
  try {
    return { value: await work(), statements };
  } finally {
    sql.exec = exec;
  }
}
