import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { RunResult, SqlDb, SqlStatement, SqlValue } from '../sqlDb.js';

/** SqlDb over better-sqlite3, with prepared statements cached by their text. */
export class BetterSqliteDb implements SqlDb {
  readonly db: Database.Database;
  private readonly cache = new Map<string, Database.Statement>();

  constructor(path: string) {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    this.db = new Database(path);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('busy_timeout = 5000');
    // WAL + NORMAL: a crash of the process loses nothing; only a power cut may lose the last commits.
    this.db.pragma('synchronous = NORMAL');
  }

  private stmt(sql: string): Database.Statement {
    let s = this.cache.get(sql);
    if (!s) {
      s = this.db.prepare(sql);
      this.cache.set(sql, s);
    }
    return s;
  }

  private exec(sql: string, params: SqlValue[]): RunResult {
    const s = this.stmt(sql);
    if (s.reader) {
      const rows = s.all(...params) as Record<string, unknown>[];
      return { changes: rows.length, lastRowId: 0, rows };
    }
    const r = s.run(...params);
    return { changes: r.changes, lastRowId: Number(r.lastInsertRowid), rows: [] };
  }

  async run(sql: string, ...params: SqlValue[]): Promise<RunResult> {
    return this.exec(sql, params);
  }

  async all<T>(sql: string, ...params: SqlValue[]): Promise<T[]> {
    return this.stmt(sql).all(...params) as T[];
  }

  async get<T>(sql: string, ...params: SqlValue[]): Promise<T | undefined> {
    return this.stmt(sql).get(...params) as T | undefined;
  }

  async batch(list: SqlStatement[]): Promise<RunResult[]> {
    return this.db.transaction(() => list.map((s) => this.exec(s.sql, s.params ?? [])))();
  }

  async close(): Promise<void> {
    this.db.close();
  }
}
