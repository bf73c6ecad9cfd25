import { createHash } from 'node:crypto';
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import * as sqliteVec from 'sqlite-vec';
import type { CorpusLoad, ManualSource } from '../../ingest/parseManual.js';
import type { DutyRecord, UnitInfo } from '../../ingest/record.js';
import type { EmbeddedCorpus } from '../embeddings/corpus.js';
import { type Embedder, type EmbedderSource, isCorpusFit, sourceId } from '../embeddings/types.js';
import { Catalogue, type CatalogueData } from '../catalogue.js';
import { scanNearest } from '../engine.js';
import { type FieldIndexData, sortedFieldData } from '../fieldIndex.js';
import { type BuiltPartition, catalogueOf } from '../indexBuild.js';
import { computeIndex } from './buildIndex.js';
import { type FieldName, recordTexts, type RecordTexts } from '../recordText.js';
import type { SearchIndex, StoredPartition } from '../searchIndex.js';
import type { Segmenter } from '../segmenter.js';

/**
 * Up to this many records the vectors are also held in memory and scanned in JS; above it a question is
 * answered from its units' partitions (each with its own vectors) and the whole-corpus scan uses vec0.
 */
const IN_MEMORY_VECTORS = 5_000;

/** Bump when the parser or the schema changes what an index holds. */
const INDEX_VERSION = '15';

export interface IngestReport {
  rebuilt: boolean;
  manuals: { file: string; records: number; warnings: string[]; error: string | null }[];
  /** Files not read at all (unsupported types), with what to do. */
  skipped: { file: string; reason: string }[];
  /** Why a new reading was not switched in, where it was not: the previous records keep answering. */
  kept: string | null;
  records: number;
  millis: number;
  /** The embedder the vectors come from (with the fit's hash for the local default). */
  embedder: string;
}

/** A source file as the fingerprint sees it. */
export interface SourceHash {
  file: string;
  sha256: string;
}

export interface OpenIndexOptions {
  path: string;
  /** What the index is built from; a change rebuilds it. */
  sources: SourceHash[];
  /** The parsed corpus, called only when the index must be (re)built. */
  corpus: () => CorpusLoad | Promise<CorpusLoad>;
  segmenterId: string;
  /** Builds each family's field index at ingest, so opening and answering need no segmentation. */
  segmenter?: Segmenter;
  /** The local fit (default), or a ready embedder; the index records which one built it. */
  embedder: EmbedderSource;
  /** Rebuild even when the fingerprint matches. */
  force?: boolean;
  /** Keep the previous index when any file fails (not only when a loaded one stops loading). */
  strict?: boolean;
  /** Up to this many records they and their vectors are held in memory (default IN_MEMORY_VECTORS); above it they are read by row. */
  inMemoryMax?: number;
  /** Build on two threads (a helper thread for the field indexes and half the vectors): by default for large corpora only. */
  threads?: boolean;
}


export function fingerprint(o: Pick<OpenIndexOptions, 'sources' | 'embedder' | 'segmenterId'>): string {
  const h = createHash('sha256');
  h.update(`v${INDEX_VERSION}|${sourceId(o.embedder)}|${o.segmenterId}\n`);
  for (const s of [...o.sources].sort((a, b) => a.file.localeCompare(b.file))) h.update(`${s.file}\u0000${s.sha256}\n`);
  return h.digest('hex');
}

/** Source hashes of text manuals. */
export function textSources(sources: ManualSource[]): SourceHash[] {
  return sources.map((s) => ({ file: s.file, sha256: createHash('sha256').update(s.text).digest('hex') }));
}

/**
 * Why a new reading must not replace a working index: nothing loaded, or a file that loaded before fails
 * now (or, under `strict`, any file fails). Null where it may.
 */
function refuseReason(corpus: CorpusLoad, previous: { file: string; records: number }[], strict: boolean, hasRecords: boolean): string | null {
  if (!hasRecords) return null;
  if (corpus.records.length === 0) return '新读取的手册里没有任何可用事项';
  const before = new Map(previous.map((p) => [p.file, p.records]));
  // A file that answered before and now cannot be read (broken, emptied, of another type) is lost, not removed.
  const lost = [...corpus.errors, ...(corpus.skipped ?? [])].filter((e) => (before.get(e.file) ?? 0) > 0).map((e) => e.file);
  if (lost.length > 0) return `原来可用的文件现在无法解析：${lost.join('、')}`;
  const failed = [...corpus.errors, ...(corpus.skipped ?? [])];
  if (strict && failed.length > 0) return `有文件无法读取（--strict）：${failed.map((e) => e.file).join('、')}`;
  return null;
}

/** A reading of manuals as an index file holds it (see SqliteIndex.storedReading). */
export interface StoredReading {
  count: number;
  manuals: { file: string; records: number; warnings: string[] }[];
  errors: { file: string; reason: string }[];
  skipped: { file: string; reason: string }[];
  records: Iterable<DutyRecord>;
}

/** The local index: one SQLite file with records, an FTS5 table over jieba tokens, and a vec0 table. */
export class SqliteIndex implements SearchIndex {
  /** Every record's routing facts; the records themselves are parsed only where the corpus is small (see load). */
  catalogue: Catalogue = new Catalogue([], 0);
  units: UnitInfo[] = [];
  /** All records, held only up to IN_MEMORY_VECTORS; larger corpora read them by row when a question needs them. */
  private held: DutyRecord[] | null = null;
  private nearestStmt: Database.Statement | undefined;
  /** The vec0 vectors held in memory (row-major), for indexes small enough to scan in JS. */
  private matrix: { ids: string[]; dims: number; data: Float32Array } | null = null;

  private constructor(readonly db: Database.Database) {}

  private inMemoryMax = IN_MEMORY_VECTORS;

  /** The embedder the stored vectors come from: queries must be embedded with it. */
  embedder!: Embedder;

  /**
   * Opens (or creates) the index; re-ingests when the manuals, parser or embedder changed; record vectors of a
   * remote model are fetched in batches. A reading that fails (see refuseReason) leaves the working index as it
   * was and says why in `report.kept`.
   */
  static async open(o: OpenIndexOptions): Promise<{ index: SqliteIndex; report: IngestReport }> {
    const s = SqliteIndex.start(o);
    let skipped: { file: string; reason: string }[] = JSON.parse(s.index.meta('skipped') ?? '[]');
    if (!s.rebuild) return s.index.finish(false, s.started, { skipped, kept: null });
    const corpus = await o.corpus();
    const previous = s.index.db.prepare('select file, records from ingest_log').all() as { file: string; records: number }[];
    const count = (s.index.db.prepare('select count(*) as n from records').get() as { n: number }).n;
    const kept = refuseReason(corpus, previous, o.strict === true, count > 0);
    const restored = kept ? s.index.restoreEmbedder(o.embedder) : null;
    if (kept && restored) {
      // Show what the new reading found without switching to it.
      s.index.embedder = restored;
      const failed = corpus.errors.map((e) => ({ file: e.file, records: 0, warnings: [], error: e.reason }));
      return s.index.finish(false, s.started, { skipped: corpus.skipped ?? [], kept, manuals: failed });
    }
    // A file index is written to a new file while the vectors are computed (see IndexFile); one in memory, in place.
    const file = isFilePath(o.path) ? IndexFile.create(o.path) : null;
    let built: Awaited<ReturnType<typeof computeIndex>>;
    try {
      built = await computeIndex(corpus, {
        embedder: o.embedder,
        segmenter: o.segmenter,
        threads: o.threads,
        // The records need no vectors: written while the helper thread still works.
        meanwhile: file ? () => file.records(corpus) : undefined,
      });
    } catch (e) {
      file?.discard();
      s.index.close();
      throw new Error(`建索引时无法取得向量（${sourceId(o.embedder)}）：${(e as Error).message}`, { cause: e });
    }
    const { embedded, partitions } = built;
    let index: SqliteIndex;
    if (file) index = s.index.replacedBy(file, corpus, embedded, partitions, s.print);
    else {
      s.index.rebuild(corpus, embedded, partitions, s.print);
      index = s.index;
    }
    if (o.inMemoryMax !== undefined) index.inMemoryMax = o.inMemoryMax;
    skipped = corpus.skipped ?? [];
    return index.finish(true, s.started, { skipped, kept: null });
  }

  private static start(o: OpenIndexOptions): { index: SqliteIndex; rebuild: boolean; print: string; started: number } {
    const started = performance.now();
    const index = new SqliteIndex(openDb(o.path));
    if (o.inMemoryMax !== undefined) index.inMemoryMax = o.inMemoryMax;
    const print = fingerprint(o);
    const stored = index.meta('fingerprint');
    let rebuild = o.force === true || stored !== print;
    if (!rebuild) {
      const restored = index.restoreEmbedder(o.embedder);
      if (restored) index.embedder = restored;
      else rebuild = true;
    }
    return { index, rebuild, print, started };
  }

  /**
   * What an index file built from exactly these sources (its fingerprint matches) read from them: the files'
   * record counts and warnings, and its records streamed one by one. Null where the file is missing, unreadable
   * or built from something else. Opened read-write, so that closing it leaves no WAL beside the file (a WAL
   * would make the file look in use to whoever adopts it next).
   */
  static storedReading(path: string, o: Pick<OpenIndexOptions, 'sources' | 'embedder' | 'segmenterId'>): StoredReading | null {
    let db: Database.Database;
    try {
      db = new Database(path, { fileMustExist: true });
    } catch {
      return null;
    }
    try {
      const print = db.prepare(`select value from meta where key = 'fingerprint'`).pluck().get() as string | undefined;
      if (print !== fingerprint(o)) return null;
      const log = db.prepare('select file, records, error, warnings from ingest_log order by file').all() as { file: string; records: number; error: string | null; warnings: string }[];
      const skipped = JSON.parse((db.prepare(`select value from meta where key = 'skipped'`).pluck().get() as string | undefined) ?? '[]') as { file: string; reason: string }[];
      const count = db.prepare('select count(*) from records').pluck().get() as number;
      return {
        count,
        manuals: log.filter((m) => m.error === null).map((m) => ({ file: m.file, records: m.records, warnings: JSON.parse(m.warnings) as string[] })),
        errors: log.filter((m) => m.error !== null).map((m) => ({ file: m.file, reason: m.error! })),
        skipped,
        records: {
          *[Symbol.iterator]() {
            const rdb = new Database(path, { fileMustExist: true });
            try {
              for (const json of rdb.prepare('select json from records order by rid').pluck().iterate() as IterableIterator<string>) yield JSON.parse(json) as DutyRecord;
            } finally {
              rdb.close();
            }
          },
        },
      };
    } catch {
      return null;
    } finally {
      db.close();
    }
  }

  meta(key: string): string | undefined {
    return (this.db.prepare('select value from meta where key = ?').get(key) as { value: string } | undefined)?.value;
  }

  /** The embedder that built the stored vectors, or null when it cannot be restored (then the index is rebuilt). */
  restoreEmbedder(source: EmbedderSource): Embedder | null {
    const builtBy = this.meta('embedder');
    if (!isCorpusFit(source)) return builtBy === source.id ? source : null;
    const row = this.db.prepare('select id, state from embedder_fit').get() as { id: string; state: Buffer } | undefined;
    if (!row || row.id !== builtBy) return null;
    try {
      const fitted = source.restore(new Uint8Array(row.state.buffer, row.state.byteOffset, row.state.byteLength));
      return fitted.id === builtBy ? fitted : null;
    } catch {
      return null;
    }
  }

  private finish(
    rebuilt: boolean,
    started: number,
    o: { skipped: { file: string; reason: string }[]; kept: string | null; manuals?: IngestReport['manuals'] },
  ): { index: SqliteIndex; report: IngestReport } {
    this.load();
    const manuals = (
      this.db.prepare('select file, records, error, warnings from ingest_log order by file').all() as {
        file: string;
        records: number;
        error: string | null;
        warnings: string;
      }[]
    ).map((m) => ({ ...m, warnings: JSON.parse(m.warnings) as string[] }));
    return {
      index: this,
      report: {
        rebuilt,
        manuals: o.manuals ?? manuals,
        skipped: o.skipped,
        kept: o.kept,
        records: this.catalogue.size,
        millis: performance.now() - started,
        embedder: this.embedder.id,
      },
    };
  }

  /**
   * This index replaced by the file built beside it: flushed to disk and renamed over this one, so the working
   * index answers until then and a build that dies half way leaves only a stray temporary file. Where another
   * process holds this file open (its WAL stays when this one closes), it is rebuilt in place in one
   * transaction instead, as readers of a WAL database expect.
   */
  private replacedBy(file: IndexFile, corpus: CorpusLoad, embedded: EmbeddedCorpus, partitions: BuiltPartition[], print: string): SqliteIndex {
    const path = file.path;
    try {
      file.finish(corpus, embedded, partitions, print);
      this.close();
      if (existsSync(`${path}-wal`)) {
        const same = new SqliteIndex(openDb(path));
        same.rebuild(corpus, embedded, partitions, print, file.json);
        return same;
      }
      rmSync(`${path}-shm`, { force: true });
      renameSync(file.tmp, path);
      syncFile(dirname(path));
    } finally {
      file.discard();
    }
    const index = new SqliteIndex(openDb(path));
    index.embedder = embedded.embedder;
    return index;
  }

  /** Rebuilds this index in place, in one transaction. */
  private rebuild(corpus: CorpusLoad, embedded: EmbeddedCorpus, partitions: BuiltPartition[], print: string, json?: string[]): void {
    const db = this.db;
    db.transaction(() => {
      db.exec(`delete from records; delete from catalogue; delete from units; delete from ingest_log; delete from embedder_fit; drop table if exists partitions;
               create table partitions (family text primary key, fields blob not null, texts blob not null, records blob not null, vectors blob, dims integer not null);
               drop table if exists records_fts;
               drop table if exists records_vec;`);
      writeVectors(db, corpus, embedded, partitions, print, writeRecords(db, corpus, json));
    })();
    this.embedder = embedded.embedder;
  }

  private load(): void {
    const count = (this.db.prepare('select count(*) as n from records').get() as { n: number }).n;
    if (count <= this.inMemoryMax) {
      // Row by row: the JSON text of all records is never held at once next to the records it becomes.
      const records: DutyRecord[] = [];
      for (const r of this.db.prepare('select json from records order by rid').iterate() as IterableIterator<{ json: string }>) records.push(JSON.parse(r.json) as DutyRecord);
      this.held = records;
      this.catalogue = Catalogue.fromRecords(records);
    } else {
      this.held = null;
      const json = this.db.prepare('select json from catalogue').pluck().get() as string | undefined;
      this.catalogue = json ? Catalogue.fromJSON(JSON.parse(json) as CatalogueData) : Catalogue.fromRecords(this.allRecords());
    }
    const seen = new Map<string, UnitInfo>();
    for (const { json } of this.db.prepare('select json from units').all() as { json: string }[]) {
      const u = JSON.parse(json) as UnitInfo;
      const prev = seen.get(u.unit);
      if (prev) prev.departments.push(...u.departments.filter((d) => !prev.departments.includes(d)));
      else seen.set(u.unit, u);
    }
    this.units = [...seen.values()];
    this.matrix = null;
    this.dims = undefined;
    if (this.held) {
      const vecs = this.db.prepare('select rowid as rid, embedding from records_vec order by rowid').all() as { rid: number; embedding: Buffer }[];
      const dims = vecs[0] ? vecs[0].embedding.byteLength / 4 : 0;
      const data = new Float32Array(vecs.length * dims);
      const ids: string[] = [];
      vecs.forEach((v, i) => {
        data.set(new Float32Array(v.embedding.buffer, v.embedding.byteOffset, dims), i * dims);
        ids.push(this.catalogue.ids[v.rid - 1] ?? '');
      });
      this.matrix = { ids, dims, data };
    }
  }

  private recordStmt: Database.Statement | undefined;
  private rangeStmt: Database.Statement | undefined;

  recordsAt(rows: readonly number[]): DutyRecord[] {
    if (this.held) return rows.map((i) => this.held![i]!);
    if (rows.length === 0) return [];
    // A family's rows are usually one run (its manuals were read one after another): one range read.
    const first = rows[0]!;
    if (rows.length > 1 && rows.every((r, k) => r === first + k)) {
      this.rangeStmt ??= this.db.prepare('select json from records where rid between ? and ? order by rid').pluck();
      return (this.rangeStmt.all(first + 1, first + rows.length) as string[]).map((j) => JSON.parse(j) as DutyRecord);
    }
    this.recordStmt ??= this.db.prepare('select json from records where rid = ?').pluck();
    return rows.map((r) => JSON.parse(this.recordStmt!.get(r + 1) as string) as DutyRecord);
  }

  allRecords(): readonly DutyRecord[] {
    if (this.held) return this.held;
    const out: DutyRecord[] = [];
    for (const json of this.db.prepare('select json from records order by rid').pluck().iterate() as IterableIterator<string>) out.push(JSON.parse(json) as DutyRecord);
    return out;
  }

  nearest(vector: Float32Array, k: number): Map<string, number> {
    if (this.matrix && this.matrix.dims === vector.length) return this.scan(vector, k);
    if (this.matrix || this.vectorDims() !== vector.length) return new Map();
    this.nearestStmt ??= this.db.prepare('select rowid as rid, distance from records_vec where embedding match ? and k = ?');
    const rows = this.nearestStmt.all(vector, Math.min(k, 4096)) as { rid: number; distance: number }[];
    const out = new Map<string, number>();
    for (const r of rows) {
      const id = this.catalogue.ids[r.rid - 1];
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
    return scanNearest(ids, dims, data, vector, k);
  }

  private dims: number | undefined;

  /** Length of the stored vectors; a vector of another length (another embedder's) finds nothing. */
  vectorDims(): number {
    if (this.dims === undefined) {
      const row = this.db.prepare('select embedding from records_vec limit 1').get() as { embedding: Buffer } | undefined;
      this.dims = row ? row.embedding.byteLength / 4 : 0;
    }
    return this.dims;
  }

  private partitionStmt: Database.Statement | undefined;

  partition(family: string): StoredPartition | null {
    // The family's records come with it where the index does not hold them all (one read, one parse).
    this.partitionStmt ??= this.db.prepare(`select fields, texts, ${this.held ? 'null as records' : 'records'}, vectors, dims from partitions where family = ?`);
    const row = this.partitionStmt.get(family) as { fields: Buffer; texts: Buffer; records: Buffer | null; vectors: Buffer | null; dims: number } | undefined;
    if (!row) return null;
    const fields = decodeFields(row.fields);
    const texts = decodeTexts(row.texts);
    const records = row.records ? (JSON.parse(row.records.toString('utf16le')) as DutyRecord[]) : undefined;
    const vectors =
      row.vectors && row.dims > 0
        ? { ids: fields.ids, dims: row.dims, data: new Float32Array(...aligned(row.vectors), row.vectors.byteLength / 4) }
        : null;
    // Texts and records are held as strings of about their stored (UTF-16) size; the arrays as read.
    return { fields, texts, records, vectors, bytes: row.fields.byteLength + row.texts.byteLength + (row.records?.byteLength ?? 0) + (row.vectors?.byteLength ?? 0) };
  }

  /** Uses the vec0 table for every query (what indexes above IN_MEMORY_VECTORS records do). */
  useVec0Only(): void {
    this.matrix = null;
  }

  close(): void {
    this.db.close();
  }
}

/** Temporary files a rebuild writes beside the index: `<index>.build-<pid>.<time>`. */
const BUILD_MARK = '.build-';
/** Pages of a newly built index: a family's partition is about a megabyte, read and written as a few large pages. */
const BUILD_PAGE_SIZE = 16384;

function isFilePath(path: string): boolean {
  return path !== ':memory:' && path !== '' && !path.startsWith('file:');
}

/** An index file opened with its tables; `building`: a new file written once, without journal or syncs (see IndexFile). */
function openDb(path: string, o: { building?: boolean } = {}): Database.Database {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path);
  if (o.building) {
    db.pragma(`page_size = ${BUILD_PAGE_SIZE}`);
    db.pragma('journal_mode = OFF');
    db.pragma('synchronous = OFF');
  } else {
    db.pragma('journal_mode = WAL');
    db.pragma('busy_timeout = 5000');
  }
  sqliteVec.load(db);
  db.exec(`
    create table if not exists meta (key text primary key, value text not null);
    create table if not exists records (rid integer primary key, id text unique not null, file text not null, json text not null);
    create table if not exists catalogue (json text not null);
    create table if not exists units (unit text not null, json text not null);
    create table if not exists ingest_log (file text primary key, records integer not null, error text, warnings text not null);
    create table if not exists embedder_fit (id text not null, state blob not null);
    create table if not exists partitions (family text primary key, fields blob not null, texts blob not null, records blob not null, vectors blob, dims integer not null);
  `);
  return db;
}

/**
 * A rebuild's new file beside the index (`<index>.build-<pid>.<time>`), written in one transaction with no
 * journal: the records as soon as they are parsed, the vectors and partitions when computed. Only `finish`
 * makes it whole; the caller renames it into place.
 */
class IndexFile {
  private db: Database.Database | null;
  /** Each record's JSON, as the records table holds it (the partitions reuse it). */
  json: string[] | undefined;

  private constructor(
    readonly path: string,
    readonly tmp: string,
  ) {
    this.db = openDb(tmp, { building: true });
    this.db.exec('begin');
  }

  static create(path: string): IndexFile {
    removeStaleBuilds(path);
    return new IndexFile(path, `${path}${BUILD_MARK}${process.pid}.${Date.now().toString(36)}`);
  }

  records(corpus: CorpusLoad): void {
    this.json ??= writeRecords(this.db!, corpus);
  }

  finish(corpus: CorpusLoad, embedded: EmbeddedCorpus, partitions: BuiltPartition[], print: string): void {
    const db = this.db!;
    this.records(corpus);
    writeVectors(db, corpus, embedded, partitions, print, this.json!);
    db.exec('commit');
    db.close();
    this.db = null;
    syncFile(this.tmp);
  }

  discard(): void {
    if (this.db?.open) this.db.close();
    this.db = null;
    rmSync(this.tmp, { force: true });
  }
}

/** The records, the catalogue, the units and the ingest log; returns each record's JSON. */
function writeRecords(db: Database.Database, corpus: CorpusLoad, json = corpus.records.map((r) => JSON.stringify(r))): string[] {
  const insRecord = db.prepare('insert into records (rid, id, file, json) values (?, ?, ?, ?)');
  corpus.records.forEach((r, i) => insRecord.run(BigInt(i + 1), r.id, r.source.file, json[i]!));
  // What routing needs of every record, read in one piece when the index is opened (see load).
  db.prepare('insert into catalogue (json) values (?)').run(JSON.stringify(catalogueOf(corpus.records)));
  const insUnit = db.prepare('insert into units (unit, json) values (?, ?)');
  for (const u of corpus.units) insUnit.run(u.unit, JSON.stringify(u));
  const insLog = db.prepare('insert into ingest_log (file, records, error, warnings) values (?, ?, ?, ?)');
  for (const m of corpus.manuals) insLog.run(m.file, m.records, null, JSON.stringify(m.warnings));
  for (const e of corpus.errors) insLog.run(e.file, 0, e.reason, '[]');
  return json;
}

/** The vectors (vec0), the partitions, the embedder's fit and the fingerprint. */
function writeVectors(db: Database.Database, corpus: CorpusLoad, embedded: EmbeddedCorpus, partitions: BuiltPartition[], print: string, json: string[]): void {
  const dims = embedded.dimensions || 1;
  db.exec(`create virtual table records_vec using vec0(embedding float[${dims}] distance_metric=cosine);`);
  const insVec = db.prepare('insert into records_vec (rowid, embedding) values (?, ?)');
  embedded.vectors.forEach((v, i) => insVec.run(BigInt(i + 1), v));
  // One partition per family (a bureau and its centres): what a question within those units is answered from.
  const row = new Map(corpus.records.map((r, i) => [r, i]));
  const insPart = db.prepare('insert into partitions (family, fields, texts, records, vectors, dims) values (?, ?, ?, ?, ?, ?)');
  for (const p of partitions) {
    const texts = p.records.map((r) => [r.id, recordTexts(r)] as const);
    // JSON.stringify(p.records), from the records' JSON already made.
    const records = `[${p.records.map((r) => { const i = row.get(r); return i === undefined ? JSON.stringify(r) : json[i]!; }).join(',')}]`;
    insPart.run(
      p.family,
      encodeFields(sortedFieldData(p.fields)),
      encodeTexts(texts),
      Buffer.from(records, 'utf16le'),
      Buffer.from(p.vectors.buffer, p.vectors.byteOffset, p.vectors.byteLength),
      embedded.dimensions,
    );
  }
  if (embedded.fitted) db.prepare('insert into embedder_fit (id, state) values (?, ?)').run(embedded.fitted.id, Buffer.from(embedded.fitted.serialize()));
  db.prepare(`insert or replace into meta (key, value) values ('fingerprint', ?), ('built_at', ?), ('embedder', ?), ('skipped', ?)`).run(
    print,
    new Date().toISOString(),
    embedded.embedder.id,
    JSON.stringify(corpus.skipped ?? []),
  );
}

function syncFile(path: string): void {
  const fd = openSync(path, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Temporary files of rebuilds whose process is gone (killed half way): they are never an index. */
function removeStaleBuilds(path: string): void {
  const dir = dirname(path);
  const prefix = basename(path) + BUILD_MARK;
  for (const f of readdirSync(dir)) {
    if (!f.startsWith(prefix)) continue;
    const pid = Number(f.slice(prefix.length).split('.')[0]);
    if (Number.isInteger(pid) && pid !== process.pid && alive(pid)) continue;
    rmSync(join(dir, f), { force: true });
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

const TEXT_FIELDS: readonly FieldName[] = ['item', 'titles', 'post', 'duties', 'responsibilities', 'steps', 'unit', 'oversees'];
const FIELD_SEP = '\u0001';
const RECORD_SEP = '\u0002';
const separators = /[\u0001\u0002]/g;

/**
 * Matching texts as one UTF-16 string (fields and records split by control characters): read back with a
 * copy, where UTF-8 text or JSON costs a decode of every character (a cold bureau's texts: 1.5 ms → 0.1 ms).
 */
export function encodeTexts(entries: readonly (readonly [string, RecordTexts])[]): Buffer {
  const rows = entries.map(([id, t]) => [id, t.title, t.label, t.full, ...TEXT_FIELDS.map((f) => t.fields[f])].map((x) => x.replace(separators, ' ')).join(FIELD_SEP));
  return Buffer.from(rows.join(RECORD_SEP), 'utf16le');
}

export function decodeTexts(blob: Buffer): Map<string, RecordTexts> {
  const out = new Map<string, RecordTexts>();
  if (blob.byteLength === 0) return out;
  for (const row of blob.toString('utf16le').split(RECORD_SEP)) {
    const [id, title, label, full, ...rest] = row.split(FIELD_SEP);
    const fields = {} as Record<FieldName, string>;
    TEXT_FIELDS.forEach((f, i) => (fields[f] = rest[i] ?? ''));
    out.set(id!, { title: title!, label: label!, full: full!, fields });
  }
  return out;
}

/**
 * A field index as one blob: a 4-byte length, a JSON head (ids, array lengths), then the arrays, 4-byte
 * aligned: offsets, postings, lengths, averages, and the token table (starts, UTF-8 bytes) read as it is.
 */
function encodeFields(f: FieldIndexData): Buffer {
  const table = Array.isArray(f.tokens) ? null : f.tokens;
  const arrays = [f.offsets, f.postings, f.lens, f.avg, ...(table ? [table.starts, table.bytes] : [])];
  const head = Buffer.from(JSON.stringify({ ids: f.ids, tokens: table ? null : f.tokens, n: arrays.map((a) => a.length), wide: f.postings instanceof Uint32Array }));
  const pad = (4 - ((4 + head.length) % 4)) % 4;
  const parts = arrays.flatMap((a) => {
    const b = Buffer.from(a.buffer, a.byteOffset, a.byteLength);
    return b.length % 4 === 0 ? [b] : [b, Buffer.alloc(4 - (b.length % 4))];
  });
  const len = Buffer.alloc(4);
  len.writeUInt32LE(head.length);
  return Buffer.concat([len, head, Buffer.alloc(pad), ...parts]);
}

/** A buffer and offset where the blob's bytes start 4-byte aligned: its own where they do, a copy's otherwise. */
function aligned(blob: Buffer): [ArrayBuffer, number] {
  if (blob.byteOffset % 4 === 0) return [blob.buffer as ArrayBuffer, blob.byteOffset];
  const copy = new Uint8Array(blob.byteLength);
  copy.set(blob);
  return [copy.buffer, 0];
}

function decodeFields(blob: Buffer): FieldIndexData {
  // The arrays are views over the blob as read (copied once where it is not 4-byte aligned).
  const [buffer, base] = aligned(blob);
  const headLen = blob.readUInt32LE(0);
  const head = JSON.parse(blob.toString('utf8', 4, 4 + headLen)) as { ids: string[]; tokens: string[] | null; n: number[]; wide: boolean };
  let at = 4 + headLen + ((4 - ((4 + headLen) % 4)) % 4);
  const take = <T>(make: (b: ArrayBuffer, at: number, n: number) => T, n: number, width = 4): T => {
    const a = make(buffer, base + at, n);
    at += n * width;
    // Keep 4-byte alignment for the arrays that follow.
    at += (4 - (at % 4)) % 4;
    return a;
  };
  const [no, np, nl, na, ns, nb] = head.n as [number, number, number, number, number?, number?];
  const offsets = take((b, o, n) => new Uint32Array(b, o, n), no);
  const postings = head.wide ? take((b, o, n) => new Uint32Array(b, o, n), np) : take((b, o, n) => new Uint16Array(b, o, n), np, 2);
  const lens = take((b, o, n) => new Float32Array(b, o, n), nl);
  const avg = take((b, o, n) => new Float32Array(b, o, n), na);
  const tokens = head.tokens ?? { starts: take((b, o, n) => new Uint32Array(b, o, n), ns ?? 0), bytes: take((b, o, n) => new Uint8Array(b, o, n), nb ?? 0, 1) };
  return { ids: head.ids, tokens, offsets, postings, lens, avg };
}
