import Database from 'better-sqlite3';
import type { D1Database, D1PreparedStatement, D1Result } from '../../bot/runtime/d1Db.js';
import type { SqlValue } from '../../bot/sqlDb.js';

/**
 * D1's binding API (prepare/bind/all/first/batch) over an in-memory SQLite, for running the Worker code
 * path in tests without workerd. It checks the shapes D1 returns, not D1 itself.
 */
export function d1Shim(): D1Database & { db: Database.Database } {
  const db = new Database(':memory:');
  const statement = (sql: string, params: SqlValue[] = []): D1PreparedStatement & { exec(): D1Result } => ({
    bind: (...values: SqlValue[]) => statement(sql, values),
    exec(): D1Result {
      const s = db.prepare(sql);
      if (s.reader) {
        const results = s.all(...params) as Record<string, unknown>[];
        return { results, meta: { changes: results.length, last_row_id: 0 } };
      }
      const r = s.run(...params);
      return { results: [], meta: { changes: r.changes, last_row_id: Number(r.lastInsertRowid) } };
    },
    async all<T>() {
      return this.exec() as D1Result<T>;
    },
    async first<T>() {
      return ((this.exec().results ?? [])[0] ?? null) as T | null;
    },
  });
  return {
    db,
    prepare: (sql: string) => statement(sql),
    async batch(list: D1PreparedStatement[]) {
      return db.transaction(() => list.map((s) => (s as ReturnType<typeof statement>).exec()))();
    },
  };
}
