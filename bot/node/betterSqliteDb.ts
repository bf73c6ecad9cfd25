import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { RunResult, SqlDb, SqlStatement, SqlValue } from '../sqlDb.js';

/** Connections of this process with an open group: another connection to the same file would wait on its lock for ever (one thread). */
const openGroups = new Set<BetterSqliteDb>();

/**
 * SqlDb over better-sqlite3, with prepared statements cached by their text.
 *
 * Group commit: the writes issued in one turn of the event loop (a burst of webhooks, the replies being
 * recorded) run at once, each in its own savepoint, inside one transaction committed at the end of the
 * turn; each write's promise resolves only once that commit is done. So nothing is acknowledged (an event
 * stored, a message queued) before it is on disk, as with a commit per statement, while a burst writes its
 * pages to the WAL once instead of once per statement. A failed write is undone alone; a failed commit
 * fails every write of the group.
 */
export class BetterSqliteDb implements SqlDb {
  readonly db: Database.Database;
  private readonly cache = new Map<string, Database.Statement>();
  /** Writes of the open group, settled by its commit. */
  private group: { resolve: () => void; reject: (e: unknown) => void }[] | null = null;

  constructor(path: string) {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    this.db = new Database(path);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('busy_timeout = 5000');
    // WAL + NORMAL: a crash of the process loses nothing; only a power cut may lose the last commits.
    this.db.pragma('synchronous = NORMAL');
    this.db.pragma('wal_autocheckpoint = 10000');
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

  /**
   * Runs `work` now inside the turn's transaction; resolves with its result once the transaction commits.
   * Several statements get a savepoint of their own (all or none); one statement is atomic by itself.
   */
  private write<T>(work: () => T, statements: number): Promise<T> {
    if (!this.group) {
      if (this.db.inTransaction) return Promise.resolve(work());
      for (const other of openGroups) other.commit();
      this.stmt('begin immediate').run();
      this.group = [];
      openGroups.add(this);
      setImmediate(() => this.commit());
    }
    let result: T;
    try {
      result = statements > 1 ? this.db.transaction(work)() : work();
    } catch (e) {
      return Promise.reject(e);
    }
    return new Promise<T>((resolve, reject) => this.group!.push({ resolve: () => resolve(result), reject }));
  }

  private commit(): void {
    const group = this.group;
    if (!group) return;
    this.group = null;
    openGroups.delete(this);
    try {
      this.stmt('commit').run();
    } catch (e) {
      if (this.db.inTransaction) this.stmt('rollback').run();
      for (const w of group) w.reject(e);
      return;
    }
    for (const w of group) w.resolve();
  }

  async run(sql: string, ...params: SqlValue[]): Promise<RunResult> {
    return this.write(() => this.exec(sql, params), 1);
  }

  async all<T>(sql: string, ...params: SqlValue[]): Promise<T[]> {
    return this.stmt(sql).all(...params) as T[];
  }

  async get<T>(sql: string, ...params: SqlValue[]): Promise<T | undefined> {
    return this.stmt(sql).get(...params) as T | undefined;
  }

  async batch(list: SqlStatement[]): Promise<RunResult[]> {
    return this.write(() => list.map((s) => this.exec(s.sql, s.params ?? [])), list.length);
  }

  async close(): Promise<void> {
    this.commit();
    this.db.close();
  }
}
