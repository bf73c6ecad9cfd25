import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { DocModel } from '../../ingest/document.js';
import { addParsed, type CorpusLoad, errorReason, parseDocument } from '../../ingest/parseManual.js';
import { readDocument } from '../../ingest/read/index.js';
import { linkUnits } from '../../ingest/unitLinks.js';
import { manualFileNames } from '../../ingest/node/readManuals.js';
import type { EngineView } from '../engineSlot.js';
import type { ManualRuntime, ManualVersion, SourceWithBytes } from '../manuals/admin.js';
import type { StoredReading } from '../../retrieval/node/sqliteIndex.js';
import { type EngineMaker, extractionSource } from './nodeEngine.js';

/** Reads every source: files through the readers, linked documents from their stored DocModel. */
export async function parseSources(sources: SourceWithBytes[]): Promise<CorpusLoad> {
  const out: CorpusLoad = { records: [], units: [], manuals: [], errors: [], skipped: [] };
  for (const s of sources) {
    try {
      const doc: DocModel =
        s.kind === 'doc' ? { ...(JSON.parse(new TextDecoder().decode(s.bytes)) as DocModel), file: s.name } : await readDocument(s.name, s.bytes);
      addParsed(out, parseDocument(doc));
    } catch (e) {
      out.errors.push({ file: s.name, reason: errorReason(e) });
    }
  }
  linkUnits(out);
  return out;
}

/**
 * The manuals folder as version sources. A file no reader takes is kept too: its reading fails and says
 * why, so a manual broken on the server counts as lost (refused), not as removed. Each file is hashed and
 * let go; its bytes are read again only where a new version needs them (an unchanged folder never does).
 */
export function folderSources(dir: string): SourceWithBytes[] {
  if (!existsSync(dir)) throw new Error(`找不到手册目录：${dir}`);
  return [...manualFileNames(dir)].sort((a, b) => a.localeCompare(b)).map((file) => {
    const path = join(dir, file);
    const sha256 = createHash('sha256').update(readFileSync(path)).digest('hex');
    return {
      name: file,
      kind: 'file' as const,
      sha256,
      url: null,
      revision: null,
      get bytes(): Uint8Array {
        const read = readFileSync(path);
        if (createHash('sha256').update(read).digest('hex') !== sha256) throw new Error(`手册文件 ${file} 在启动过程中被改动，请重新启动`);
        return new Uint8Array(read.buffer, read.byteOffset, read.byteLength);
      },
    };
  });
}

/**
 * Versions' indexes on Node: DATA_DIR/versions/index-<id>.db, each built in a temporary file and renamed
 * into place, so a version's file is complete or absent; switching versions never rewrites a file in use.
 */
export class NodeManualRuntime implements ManualRuntime {
  private readonly dir: string;

  constructor(
    dataDir: string,
    private readonly maker: EngineMaker,
    /** Runs over every parsed version (LLM_INGEST: sections no parser structured go to the model). */
    private readonly enrich: (c: CorpusLoad) => Promise<CorpusLoad> = async (c) => c,
    /** Names the enrichment (the model), so turning it on, off or to another model rebuilds the indexes. */
    private readonly enrichId: string | null = null,
    /** The index `npm run ingest` builds (DATA_DIR/gangzetong.db): taken as is when it was built from the same files. */
    private readonly prebuilt: string | null = null,
  ) {
    this.dir = join(dataDir, 'versions');
    mkdirSync(this.dir, { recursive: true });
  }

  /** Versions whose index was taken from `npm run ingest`'s instead of being built (for the start-up notes). */
  readonly adopted: number[] = [];

  indexPath(id: number): string {
    return join(this.dir, `index-${id}.db`);
  }

  async parse(sources: SourceWithBytes[]): Promise<CorpusLoad> {
    return this.enrich(await parseSources(sources));
  }

  private options(sources: SourceWithBytes[], corpus?: CorpusLoad) {
    return {
      sources: [...sources.map((s) => ({ file: s.name, sha256: s.sha256 })), ...(this.enrichId ? [extractionSource(this.enrichId)] : [])],
      corpus: () => corpus ?? this.parse(sources),
    };
  }

  async prebuiltReading(sources: SourceWithBytes[]): Promise<StoredReading | null> {
    if (this.prebuilt === null || !existsSync(this.prebuilt) || existsSync(`${this.prebuilt}-wal`)) return null;
    return this.maker.storedReading(this.prebuilt, this.options(sources).sources);
  }

  async prepare(version: ManualVersion, sources: SourceWithBytes[], corpus?: CorpusLoad): Promise<void> {
    const final = this.indexPath(version.id);
    const tmp = `${final}.${process.pid}.${Date.now().toString(36)}.tmp`;
    try {
      // Built ahead by `npm run ingest` from the same files (its fingerprint says so): no second build at start.
      const adopt = version.origin === 'dir' && this.prebuilt !== null && existsSync(this.prebuilt) && !existsSync(`${this.prebuilt}-wal`);
      if (adopt) copyFileSync(this.prebuilt!, tmp);
      const { index, report } = await this.maker.open({ path: tmp, ...this.options(sources, corpus), force: !adopt });
      if (adopt && !report.rebuilt) this.adopted.push(version.id);
      index.close();
      for (const side of ['-wal', '-shm']) rmSync(`${tmp}${side}`, { force: true });
      renameSync(tmp, final);
    } finally {
      for (const side of ['', '-wal', '-shm']) rmSync(`${tmp}${side}`, { force: true });
    }
  }

  async open(version: ManualVersion, sources: SourceWithBytes[]): Promise<EngineView & { report: Awaited<ReturnType<EngineMaker['open']>>['report'] }> {
    const path = this.indexPath(version.id);
    // A missing or outdated file (another embedder, a new parser) is built beside it first.
    if (!existsSync(path)) await this.prepare(version, sources, await this.parse(sources));
    const { engine, index, answerer, report } = await this.maker.open({ path, ...this.options(sources) });
    return { engine, answerer, units: index.units, report, close: () => index.close() };
  }

  prune(keep: Set<number>): void {
    for (const f of readdirSync(this.dir)) {
      const id = f.match(/^index-(\d+)\.db$/)?.[1];
      if (id && !keep.has(Number(id))) this.remove(Number(id));
    }
  }

  remove(versionId: number): void {
    for (const side of ['', '-wal', '-shm']) rmSync(`${this.indexPath(versionId)}${side}`, { force: true });
  }
}
