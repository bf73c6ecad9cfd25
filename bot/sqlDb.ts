/** SQLite as the bot's state needs it, async so that better-sqlite3 (Node) and D1 (Workers) both fit. */
export type SqlValue = string | number | null;

export interface SqlStatement {
  sql: string;
  params?: SqlValue[];
}

export interface RunResult {
  changes: number;
  lastRowId: number;
  /** Rows of a statement that returns data (SELECT, RETURNING). */
  rows: Record<string, unknown>[];
}

export interface SqlDb {
  run(sql: string, ...params: SqlValue[]): Promise<RunResult>;
  all<T = Record<string, unknown>>(sql: string, ...params: SqlValue[]): Promise<T[]>;
  get<T = Record<string, unknown>>(sql: string, ...params: SqlValue[]): Promise<T | undefined>;
  /** Runs the statements in order, all or none. */
  batch(statements: SqlStatement[]): Promise<RunResult[]>;
  close(): Promise<void>;
}

/** Splits a migration into statements (one per `;` at a line end). */
export function statements(sql: string): string[] {
  return sql
    .split(/;\s*$/m)
    .map((s) => s.trim())
    .filter(Boolean);
}
