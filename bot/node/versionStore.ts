import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { ManualVersion, NewVersion, SourceRef, VersionStore } from '../manuals/admin.js';

/** Schema steps, applied in order once each; never edit a shipped step, add a new one. */
const MIGRATIONS = [
  `create table versions (
     id integer primary key,
     status text not null,
     made_by text not null,
     made_at integer not null,
     base_id integer,
     origin text not null,
     note text not null,
     source_key text unique,
     report text,
     decided_by text,
     decided_at integer
   );
   create table sources (
     version_id integer not null references versions (id),
     seq integer not null,
     name text not null,
     kind text not null,
     sha256 text not null,
     url text,
     revision text,
     primary key (version_id, seq)
   );
   create table activations (
     id integer primary key,
     version_id integer not null references versions (id),
     replaced_id integer,
     at integer not null,
     by text not null,
     kind text not null,
     source_key text unique
   );
   create unique index one_active on versions (status) where status = 'active';`,
];

type Row = Record<string, unknown>;

/**
 * Manual versions in DATA_DIR/manuals.db, source bytes in DATA_DIR/manual-files/<sha256> (written once,
 * atomically). Kept apart from the rebuildable index and from the bot's state.
 */
export class SqliteVersionStore implements VersionStore {
  private readonly files: string;

  private constructor(
    private readonly db: Database.Database,
    dataDir: string,
  ) {
    this.files = join(dataDir, 'manual-files');
    mkdirSync(this.files, { recursive: true });
  }

  static open(dataDir: string): SqliteVersionStore {
    mkdirSync(dataDir, { recursive: true });
    const db = new Database(join(dataDir, 'manuals.db'));
    db.pragma('journal_mode = WAL');
    db.pragma('busy_timeout = 5000');
    db.exec('create table if not exists schema_steps (step integer primary key)');
    const done = new Set((db.prepare('select step from schema_steps').all() as { step: number }[]).map((r) => r.step));
    MIGRATIONS.forEach((sql, i) => {
      if (done.has(i)) return;
      db.transaction(() => {
        db.exec(sql);
        db.prepare('insert into schema_steps (step) values (?)').run(i);
      }).immediate();
    });
    return new SqliteVersionStore(db, dataDir);
  }

  private toVersion(r: Row): ManualVersion {
    const sources = (this.db.prepare('select name, kind, sha256, url, revision from sources where version_id = ? order by seq').all(r.id) as SourceRef[]).map((s) => ({
      name: s.name,
      kind: s.kind,
      sha256: s.sha256,
      url: s.url ?? null,
      revision: s.revision ?? null,
    }));
    return {
      id: r.id as number,
      status: r.status as ManualVersion['status'],
      madeBy: r.made_by as string,
      madeAt: r.made_at as number,
      baseId: (r.base_id as number | null) ?? null,
      origin: r.origin as ManualVersion['origin'],
      note: r.note as string,
      sources,
      report: r.report ? JSON.parse(r.report as string) : null,
      decidedBy: (r.decided_by as string | null) ?? null,
      decidedAt: (r.decided_at as number | null) ?? null,
    };
  }

  private writeBlob(sha256: string, bytes: Uint8Array): void {
    const path = join(this.files, sha256);
    if (existsSync(path)) return;
    const tmp = `${path}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
    writeFileSync(tmp, bytes);
    renameSync(tmp, path);
  }

  create(v: NewVersion, blobs: { sha256: string; bytes: Uint8Array }[]): ManualVersion {
    // Bytes first: a version row never points at a file that is not there.
    for (const b of blobs) this.writeBlob(b.sha256, b.bytes);
    const id = this.db
      .transaction(() => {
        if (v.sourceKey) {
          const had = this.db.prepare('select id from versions where source_key = ?').get(v.sourceKey) as { id: number } | undefined;
          if (had) return had.id;
        }
        const { lastInsertRowid } = this.db
          .prepare('insert into versions (status, made_by, made_at, base_id, origin, note, source_key, report) values (?, ?, ?, ?, ?, ?, ?, ?)')
          .run(v.status, v.madeBy, v.madeAt, v.baseId, v.origin, v.note, v.sourceKey, v.report ? JSON.stringify(v.report) : null);
        const ins = this.db.prepare('insert into sources (version_id, seq, name, kind, sha256, url, revision) values (?, ?, ?, ?, ?, ?, ?)');
        v.sources.forEach((s, i) => ins.run(lastInsertRowid, i, s.name, s.kind, s.sha256, s.url, s.revision));
        return Number(lastInsertRowid);
      })
      .immediate();
    return this.get(id)!;
  }

  get(id: number): ManualVersion | null {
    const r = this.db.prepare('select * from versions where id = ?').get(id) as Row | undefined;
    return r ? this.toVersion(r) : null;
  }

  bySourceKey(key: string): ManualVersion | null {
    const r = this.db.prepare('select * from versions where source_key = ?').get(key) as Row | undefined;
    return r ? this.toVersion(r) : null;
  }

  switched(key: string): boolean {
    return this.db.prepare('select 1 from activations where source_key = ?').get(key) !== undefined;
  }

  active(): ManualVersion | null {
    const r = this.db.prepare(`select * from versions where status = 'active'`).get() as Row | undefined;
    return r ? this.toVersion(r) : null;
  }

  list(limit: number): ManualVersion[] {
    return (this.db.prepare('select * from versions order by id desc limit ?').all(limit) as Row[]).map((r) => this.toVersion(r));
  }

  bytes(sha256: string): Uint8Array {
    if (!/^[0-9a-f]{64}$/.test(sha256)) throw new Error(`无效的文件哈希：${sha256}`);
    return new Uint8Array(readFileSync(join(this.files, sha256)));
  }

  activate(
    id: number,
    o: { expectActive: number | null; by: string; at: number; kind: 'activate' | 'rollback'; replaced?: number | null; key?: string | null },
  ): { ok: true } | { ok: false; active: number | null } {
    return this.db
      .transaction((): { ok: true } | { ok: false; active: number | null } => {
        const cur = (this.db.prepare(`select id from versions where status = 'active'`).get() as { id: number } | undefined)?.id ?? null;
        if (cur !== o.expectActive) return { ok: false, active: cur };
        if (cur !== null) this.db.prepare(`update versions set status = 'superseded' where id = ?`).run(cur);
        this.db.prepare(`update versions set status = 'active', decided_by = coalesce(decided_by, ?), decided_at = coalesce(decided_at, ?) where id = ?`).run(o.by, o.at, id);
        this.db
          .prepare('insert into activations (version_id, replaced_id, at, by, kind, source_key) values (?, ?, ?, ?, ?, ?)')
          .run(id, o.replaced === undefined ? cur : o.replaced, o.at, o.by, o.kind, o.key ?? null);
        return { ok: true };
      })
      .immediate();
  }

  discard(id: number, by: string, at: number): boolean {
    return this.db.prepare(`update versions set status = 'discarded', decided_by = ?, decided_at = ? where id = ? and status = 'draft'`).run(by, at, id).changes > 0;
  }

  previous(): { target: ManualVersion; replaced: number | null } | null {
    const active = this.active();
    if (!active) return null;
    const last = this.db.prepare('select replaced_id from activations where version_id = ? order by id desc limit 1').get(active.id) as { replaced_id: number | null } | undefined;
    if (!last?.replaced_id) return null;
    const target = this.get(last.replaced_id);
    if (!target) return null;
    const before = this.db.prepare('select replaced_id from activations where version_id = ? order by id desc limit 1').get(target.id) as { replaced_id: number | null } | undefined;
    return { target, replaced: before?.replaced_id ?? null };
  }

  close(): void {
    this.db.close();
  }
}
