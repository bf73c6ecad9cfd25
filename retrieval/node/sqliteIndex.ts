import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import * as sqliteVec from 'sqlite-vec';
import type { CorpusLoad, ManualSource } from '../../ingest/parseManual.js';
import { parseCorpus } from '../../ingest/parseManual.js';
import type { DutyRecord, UnitInfo } from '../../ingest/record.js';
import type { HashingNgramEmbeddings } from '../embeddings.js';
import { indexText } from '../recordText.js';
import type { SearchIndex } from '../searchIndex.js';
import type { Segmenter } from '../segmenter.js';

/** Up to this many records the vectors are also held in memory and scanned in JS (20k × 256 floats ≈ 20 MB). */
const IN_MEMORY_VECTORS = 20_000;

/** Bump when the parser or the schema changes what an index holds. */
const INDEX_VERSION = '3';

export interface IngestReport {
  rebuilt: boolean;
  manuals: { file: string; records: number; warnings: string[]; error: string | null }[];
  records: number;
  millis: number;
}

export interface OpenIndexOptions {
  path: string;
  sources: ManualSource[];
  segmenter: Segmenter;
  segmenterId: string;
  embedder: HashingNgramEmbeddings;
  /** Rebuild even when the fingerprint matches. */
  force?: boolean;
}

function fingerprint(o: OpenIndexOptions): string {
  const h = createHash('sha256');
  h.update(`v${INDEX_VERSION}|${o.embedder.id}|${o.segmenterId}\n`);
  for (const s of [...o.sources].sort((a, b) => a.file.localeCompare(b.file))) {
    h.update(`${s.file}\u0000${createHash('sha256').update(s.text).digest('hex')}\n`);
  }
  return h.digest('hex');
}

/** The local index: one SQLite file with records, an FTS5 table over jieba tokens, and a vec0 table. */
export class SqliteIndex implements SearchIndex {
  records: DutyRecord[] = [];
  units: UnitInfo[] = [];
  private readonly idByRowid = new Map<number, string>();
  private lexicalStmt: Database.Statement | undefined;
  private nearestStmt: Database.Statement | undefined;
  /** The vec0 vectors held in memory (row-major), for indexes small enough to scan in JS. */
  private matrix: { ids: string[]; dims: number; data: Float32Array } | null = null;

  private constructor(
    readonly db: Database.Database,
    private readonly segmenter: Segmenter,
  ) {}

  /** Opens (or creates) the index; re-ingests when the manuals, parser or embedder changed. */
  static open(o: OpenIndexOptions): { index: SqliteIndex; report: IngestReport } {
    const started = performance.now();
    if (o.path !== ':memory:') mkdirSync(dirname(o.path), { recursive: true });
    const db = new Database(o.path);
    db.pragma('journal_mode = WAL');
    db.pragma('busy_timeout = 5000');
    sqliteVec.load(db);
    db.exec(`
      create table if not exists meta (key text primary key, value text not null);
      create table if not exists records (rid integer primary key, id text unique not null, file text not null, json text not null);
      create table if not exists units (unit text not null, json text not null);
      create table if not exists ingest_log (file text primary key, records integer not null, error text, warnings text not null);
      create virtual table if not exists records_fts using fts5(key_seg, body_seg, tokenize = 'unicode61 remove_diacritics 2');
    `);
    const index = new SqliteIndex(db, o.segmenter);
    const print = fingerprint(o);
    const stored = db.prepare(`select value from meta where key = 'fingerprint'`).get() as { value: string } | undefined;
    const rebuilt = o.force === true || stored?.value !== print;
    if (rebuilt) index.rebuild(parseCorpus(o.sources), o.embedder, print);
    index.load();
    const manuals = (
      db.prepare('select file, records, error, warnings from ingest_log order by file').all() as {
        file: string;
        records: number;
        error: string | null;
        warnings: string;
      }[]
    ).map((m) => ({ ...m, warnings: JSON.parse(m.warnings) as string[] }));
    return {
      index,
      report: { rebuilt, manuals, records: index.records.length, millis: performance.now() - started },
    };
  }

  private rebuild(corpus: CorpusLoad, embedder: HashingNgramEmbeddings, print: string): void {
    const db = this.db;
    const dims = embedder.dimensions;
    db.transaction(() => {
      db.exec(`delete from records; delete from units; delete from ingest_log; delete from records_fts;
               drop table if exists records_vec;
               create virtual table records_vec using vec0(embedding float[${dims}] distance_metric=cosine);`);
      const insRecord = db.prepare('insert into records (rid, id, file, json) values (?, ?, ?, ?)');
      const insFts = db.prepare('insert into records_fts (rowid, key_seg, body_seg) values (?, ?, ?)');
      const insVec = db.prepare('insert into records_vec (rowid, embedding) values (?, ?)');
      corpus.records.forEach((r, i) => {
        const rid = BigInt(i + 1);
        const { key, body } = indexText(r);
        insRecord.run(rid, r.id, r.source.file, JSON.stringify(r));
        insFts.run(rid, this.segmenter.index(key).join(' '), this.segmenter.index(body).join(' '));
        insVec.run(rid, embedder.embed(`${key} ${key} ${body}`));
      });
      const insUnit = db.prepare('insert into units (unit, json) values (?, ?)');
      for (const u of corpus.units) insUnit.run(u.unit, JSON.stringify(u));
      const insLog = db.prepare('insert into ingest_log (file, records, error, warnings) values (?, ?, ?, ?)');
      for (const m of corpus.manuals) insLog.run(m.file, m.records, null, JSON.stringify(m.warnings));
      for (const e of corpus.errors) insLog.run(e.file, 0, e.reason, '[]');
      db.prepare(`insert or replace into meta (key, value) values ('fingerprint', ?), ('built_at', ?)`).run(
        print,
        new Date().toISOString(),
      );
    })();
  }

  private load(): void {
    const rows = this.db.prepare('select rid, json from records order by rid').all() as { rid: number; json: string }[];
    this.records = rows.map((r) => JSON.parse(r.json) as DutyRecord);
    rows.forEach((r, i) => this.idByRowid.set(r.rid, this.records[i]!.id));
    const seen = new Map<string, UnitInfo>();
    for (const { json } of this.db.prepare('select json from units').all() as { json: string }[]) {
      const u = JSON.parse(json) as UnitInfo;
      const prev = seen.get(u.unit);
      if (prev) prev.departments.push(...u.departments.filter((d) => !prev.departments.includes(d)));
      else seen.set(u.unit, u);
    }
    this.units = [...seen.values()];
    this.matrix = null;
    if (this.records.length <= IN_MEMORY_VECTORS) {
      const vecs = this.db.prepare('select rowid as rid, embedding from records_vec order by rowid').all() as { rid: number; embedding: Buffer }[];
      const dims = vecs[0] ? vecs[0].embedding.byteLength / 4 : 0;
      const data = new Float32Array(vecs.length * dims);
      const ids: string[] = [];
      vecs.forEach((v, i) => {
        data.set(new Float32Array(v.embedding.buffer, v.embedding.byteOffset, dims), i * dims);
        ids.push(this.idByRowid.get(v.rid) ?? '');
      });
      this.matrix = { ids, dims, data };
    }
  }

  lexical(tokens: string[], limit: number): Map<string, number> {
    const out = new Map<string, number>();
    const uniq = [...new Set(tokens)].filter(Boolean);
    if (uniq.length === 0) return out;
    const match = uniq.map((t) => `"${t.replace(/"/g, '""')}"`).join(' OR ');
    this.lexicalStmt ??= this.db.prepare(
      'select rowid as rid, bm25(records_fts, 3.0, 1.0) as s from records_fts where records_fts match ? order by s limit ?',
    );
    const rows = this.lexicalStmt.all(match, limit) as { rid: number; s: number }[];
    for (const r of rows) {
      const id = this.idByRowid.get(r.rid);
      if (id) out.set(id, -r.s);
    }
    return out;
  }

  nearest(vector: Float32Array, k: number): Map<string, number> {
    if (this.matrix && this.matrix.dims === vector.length) return this.scan(vector, k);
    this.nearestStmt ??= this.db.prepare('select rowid as rid, distance from records_vec where embedding match ? and k = ?');
    const rows = this.nearestStmt.all(vector, Math.min(k, 4096)) as { rid: number; distance: number }[];
    const out = new Map<string, number>();
    for (const r of rows) {
      const id = this.idByRowid.get(r.rid);
      if (id) out.set(id, 1 - r.distance);
    }
    return out;
  }

  /**
   * Exact k-nearest by cosine (vectors are L2-normalised, so a dot product) over the vectors in memory:
   * the same exact search vec0 runs, without its per-query overhead (about 0.3 ms on the shipped manuals).
   */
  private scan(vector: Float32Array, k: number): Map<string, number> {
    const { ids, dims, data } = this.matrix!;
    const dots = new Float32Array(ids.length);
    for (let i = 0; i < ids.length; i++) {
      let dot = 0;
      const off = i * dims;
      for (let d = 0; d < dims; d++) dot += data[off + d]! * vector[d]!;
      dots[i] = dot;
    }
    const order = Array.from(dots.keys()).sort((a, b) => dots[b]! - dots[a]!);
    return new Map(order.slice(0, k).map((i) => [ids[i]!, dots[i]!]));
  }

  /** Uses the vec0 table for every query (what indexes above IN_MEMORY_VECTORS records do). */
  useVec0Only(): void {
    this.matrix = null;
  }

  close(): void {
    this.db.close();
  }
}
