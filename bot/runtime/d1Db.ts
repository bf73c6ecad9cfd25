import type { RunResult, SqlDb, SqlStatement, SqlValue } from '../sqlDb.js';

/** The parts of Cloudflare's D1 binding this adapter uses. */
export interface D1Database {
  prepare(sql: string): D1PreparedStatement;
  batch(statements: D1PreparedStatement[]): Promise<D1Result[]>;
}

export interface D1PreparedStatement {
  bind(...values: SqlValue[]): D1PreparedStatement;
  all<T = Record<string, unknown>>(): Promise<D1Result<T>>;
  first<T = Record<string, unknown>>(): Promise<T | null>;
}

export interface D1Result<T = Record<string, unknown>> {
  results?: T[];
  meta: { changes?: number; last_row_id?: number };
}

const toRun = (r: D1Result): RunResult => ({ changes: r.meta.changes ?? 0, lastRowId: r.meta.last_row_id ?? 0, rows: r.results ?? [] });

/** SqlDb over D1: batches are D1's atomic batches. */
export class D1Db implements SqlDb {
  constructor(private readonly d1: D1Database) {}

  private stmt(sql: string, params: SqlValue[]): D1PreparedStatement {
    const s = this.d1.prepare(sql);
    return params.length > 0 ? s.bind(...params) : s;
  }

  async run(sql: string, ...params: SqlValue[]): Promise<RunResult> {
    return toRun(await this.stmt(sql, params).all());
  }

  async all<T>(sql: string, ...params: SqlValue[]): Promise<T[]> {
    return ((await this.stmt(sql, params).all<T>()).results ?? []) as T[];
  }

  async get<T>(sql: string, ...params: SqlValue[]): Promise<T | undefined> {
    return ((await this.stmt(sql, params).first<T>()) ?? undefined) as T | undefined;
  }

  async batch(list: SqlStatement[]): Promise<RunResult[]> {
    if (list.length === 0) return [];
    return (await this.d1.batch(list.map((s) => this.stmt(s.sql, s.params ?? [])))).map(toRun);
  }

  async close(): Promise<void> {}
}
