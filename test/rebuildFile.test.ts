// A rebuild writes a new file and renames it over the index: the old index answers until then, a build that
// fails or dies leaves it as it was, and the helper thread changes nothing in what is built.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { synthBureaus } from '../bot/cli/synthBureaus.js';
import { loadSynonyms } from '../bot/runtime/nodeEngine.js';
import { listManualFiles, readCorpus, readManuals } from '../ingest/node/readManuals.js';
import { LocalEmbedderFit, ngramIdf } from '../retrieval/embeddings/local.js';
import { embedText } from '../retrieval/embeddings/corpus.js';
import { type Csr, randomizedSvd } from '../retrieval/embeddings/linalg.js';
import type { SyncEmbedder } from '../retrieval/embeddings/types.js';
import { JiebaSegmenter } from '../retrieval/node/jiebaSegmenter.js';
import { SqliteIndex, textSources } from '../retrieval/node/sqliteIndex.js';

const root = join(import.meta.dirname, '..');
const seeds = join(root, 'seeds');
const segmenter = new JiebaSegmenter(Object.keys(loadSynonyms(seeds)));
const dir = mkdtempSync(join(tmpdir(), 'gzt-rebuild-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const manuals = readManuals(join(seeds, 'manuals'));
const local = () => new LocalEmbedderFit(segmenter, { segmenterId: 'jieba-test' });
const count = (path: string) => {
  // Read-write, as storedReading opens it: closing the last connection then leaves no WAL beside the file.
  const db = new Database(path, { fileMustExist: true });
  try {
    return db.prepare('select count(*) from records').pluck().get() as number;
  } finally {
    db.close();
  }
};

/** A sync embedder that runs `onEmbed` at its first text. */
function embedderWith(onEmbed: () => void): SyncEmbedder {
  let first = true;
  const embedSync = (text: string) => {
    if (first) {
      first = false;
      onEmbed();
    }
    const v = new Float32Array(8);
    for (let i = 0; i < text.length; i++) v[text.charCodeAt(i) % 8]! += 1;
    return v;
  };
  return { id: 'test-8', dimensions: 8, embedSync, embedDocuments: async (t) => t.map((x) => [...embedSync(x)]), embedQuery: async (t) => [...embedSync(t)] };
}

/** Builds the index at `path` from the first `files` shipped manuals. */
async function build(path: string, files: number, embedder: SyncEmbedder | LocalEmbedderFit = local()) {
  const some = manuals.slice(0, files);
  const { index, report } = await SqliteIndex.open({
    path,
    sources: textSources(some),
    corpus: () => readCorpus(listManualFiles(join(seeds, 'manuals')).files.filter((f) => some.some((m) => m.file === f.file))),
    segmenter,
    segmenterId: 'jieba-test',
    embedder,
  });
  index.close();
  return report;
}

describe('a rebuild written beside the index', () => {
  it('keeps the old index readable until it is whole, then replaces it, leaving no temporary file', async () => {
    const path = join(dir, 'live', 'index.db');
    const one = await build(path, 1);
    expect(one.records).toBeGreaterThan(0);
    let seen = -1;
    const all = await build(path, manuals.length, embedderWith(() => (seen = count(path))));
    // Mid-build (the new records computed, the file not yet renamed) the index still holds the old reading.
    expect(seen).toBe(one.records);
    expect(all.records).toBeGreaterThan(one.records);
    expect(count(path)).toBe(all.records);
    expect(readdirSync(join(dir, 'live')).sort()).toEqual(['index.db']);
  });

  it('leaves the old index as it was when the build fails', async () => {
    const path = join(dir, 'fails', 'index.db');
    const one = await build(path, 1);
    await expect(
      build(
        path,
        manuals.length,
        embedderWith(() => {
          throw new Error('向量服务不可用');
        }),
      ),
    ).rejects.toThrow(/向量服务不可用/);
    expect(count(path)).toBe(one.records);
    expect(readdirSync(join(dir, 'fails')).filter((f) => f.includes('.build-'))).toEqual([]);
    // And it opens as it was, without a rebuild.
    expect((await build(path, 1)).rebuilt).toBe(false);
  });

  it('leaves the old index as it was when the process dies half way, and the next build removes the leftover', async () => {
    const path = join(dir, 'killed', 'index.db');
    const one = await build(path, 1);
    const script = join(dir, 'kill.mts');
    const url = (p: string) => pathToFileURL(join(root, p)).href;
    writeFileSync(
      script,
      `import { SqliteIndex, textSources } from '${url('retrieval/node/sqliteIndex.ts')}';
import { readCorpus, listManualFiles, readManuals } from '${url('ingest/node/readManuals.ts')}';
import { BigramSegmenter } from '${url('retrieval/segmenter.ts')}';
const dir = ${JSON.stringify(join(seeds, 'manuals'))};
const embedSync = () => { process.kill(process.pid, 'SIGKILL'); return new Float32Array(8); };
await SqliteIndex.open({ path: ${JSON.stringify(path)}, sources: textSources(readManuals(dir)), corpus: () => readCorpus(listManualFiles(dir).files),
  segmenter: new BigramSegmenter(), segmenterId: 'kill', embedder: { id: 'kill', dimensions: 8, embedSync, embedDocuments: async () => [], embedQuery: async () => [] } });
`,
    );
    const child = spawnSync(process.execPath, ['--import', 'tsx', script], { cwd: root, encoding: 'utf8' });
    expect(child.signal).toBe('SIGKILL');
    // The dead build's file is there, but it is not the index.
    expect(readdirSync(join(dir, 'killed')).filter((f) => f.includes('.build-'))).toHaveLength(1);
    expect(count(path)).toBe(one.records);
    expect((await build(path, 1)).rebuilt).toBe(false);
    await build(path, 2);
    expect(readdirSync(join(dir, 'killed')).filter((f) => f.includes('.build-'))).toEqual([]);
  });

  it('rebuilds in place when another connection holds the index open', async () => {
    const path = join(dir, 'held', 'index.db');
    const one = await build(path, 1);
    const reader = new Database(path);
    reader.pragma('journal_mode = WAL');
    const before = reader.prepare('select count(*) from records').pluck();
    expect(before.get()).toBe(one.records);
    try {
      const all = await build(path, manuals.length);
      // The same file, rewritten under SQLite's locking: the open connection sees the new reading.
      expect(before.get()).toBe(all.records);
    } finally {
      reader.close();
    }
    expect(readdirSync(join(dir, 'held')).filter((f) => f.includes('.build-'))).toEqual([]);
  });
});

describe('the helper thread at scale', () => {
  it('builds the same file with and without it, the work shared in several batches and shares', { timeout: 120_000 }, async () => {
    const manualsDir = join(dir, 'synth');
    mkdirSync(manualsDir, { recursive: true });
    const district = manuals.find((m) => m.file.startsWith('001_')) ?? manuals[0]!;
    for (const b of synthBureaus(30, { file: district.file, text: district.text }, { first: 2 })) writeFileSync(join(manualsDir, b.file), b.text);
    const { files } = listManualFiles(manualsDir);
    const dump = async (threads: boolean) => {
      const { index, report } = await SqliteIndex.open({
        path: join(dir, `synth-${threads}.db`),
        sources: files.map((f) => ({ file: f.file, sha256: f.sha256 })),
        corpus: () => readCorpus(files, [], { threads }),
        segmenter,
        segmenterId: 'jieba-test',
        embedder: local(),
        threads,
      });
      const rows = [
        ...index.db.prepare('select family, fields, texts, records, vectors, dims from partitions order by family').all(),
        ...index.db.prepare('select rid, id, file, json from records order by rid').all(),
        ...index.db.prepare('select rowid, embedding from records_vec order by rowid').all(),
        ...index.db.prepare('select id, state from embedder_fit').all(),
        ...index.db.prepare('select json from catalogue').all(),
        ...index.db.prepare('select unit, json from units order by rowid').all(),
      ];
      index.close();
      // Digests: comparing megabytes of blobs value by value is slow.
      const digest = (row: unknown) =>
        Object.values(row as Record<string, unknown>)
          .map((c) => createHash('sha256').update(Buffer.isBuffer(c) ? c : String(c)).digest('hex').slice(0, 16))
          .join(' ');
      return { rows: rows.map(digest), records: report.records };
    };
    const single = await dump(false);
    // Several field batches (24 families each) and embedding shares (512 records each) between the threads.
    expect(single.records).toBeGreaterThan(2 * 512);
    expect(files.length).toBeGreaterThan(24);
    const two = await dump(true);
    expect(two.records).toBe(single.records);
    expect(two.rows).toEqual(single.rows);
  });
});

describe('the embedder fit', () => {
  it('in two steps (SVD, then the n-gram idf from elsewhere) is the fit in one', async () => {
    const corpus = await readCorpus(listManualFiles(join(seeds, 'manuals')).files);
    const texts = corpus.records.map(embedText);
    const whole = local().fit(texts);
    const stepped = local().fitTerms(texts).finish(ngramIdf(texts));
    expect(Buffer.from(stepped.serialize()).equals(Buffer.from(whole.serialize()))).toBe(true);
  });

  it('takes singular vectors that are orthonormal and that A maps to σ times unit vectors', () => {
    // A random sparse matrix: V's columns orthonormal, ‖A v_j‖ = σ_j, σ descending.
    let seed = 5;
    const rand = () => (seed = (Math.imul(seed, 1103515245) + 12345) & 0x7fffffff) / 0x7fffffff;
    const rows = 120;
    const cols = 300;
    const ptr = new Int32Array(rows + 1);
    const idx: number[] = [];
    const val: number[] = [];
    for (let r = 0; r < rows; r++) {
      const picked = [...new Set(Array.from({ length: 12 }, () => Math.floor(rand() * cols)))].sort((x, y) => x - y);
      for (const c of picked) {
        idx.push(c);
        val.push(rand() - 0.3);
      }
      ptr[r + 1] = idx.length;
    }
    const a: Csr = { rows, cols, ptr, idx: Int32Array.from(idx), val: Float64Array.from(val) };
    const { k, sigma, v } = randomizedSvd(a, 20, { seed: 1, powerIterations: 2 });
    expect(k).toBe(20);
    for (let i = 0; i < k; i++) {
      for (let j = 0; j < k; j++) {
        let dot = 0;
        for (let t = 0; t < cols; t++) dot += v[t * k + i]! * v[t * k + j]!;
        expect(dot).toBeCloseTo(i === j ? 1 : 0, 6);
      }
      let norm = 0;
      for (let r = 0; r < rows; r++) {
        let av = 0;
        for (let p = ptr[r]!; p < ptr[r + 1]!; p++) av += val[p]! * v[idx[p]! * k + i]!;
        norm += av * av;
      }
      // ‖A v‖ ≥ ‖Qᵀ A v‖ = σ (equal where the range Q spans is exact).
      expect(Math.sqrt(norm)).toBeGreaterThanOrEqual(sigma[i]! - 1e-9);
      expect(Math.sqrt(norm)).toBeLessThan(sigma[i]! * 1.1);
      if (i > 0) expect(sigma[i]!).toBeLessThanOrEqual(sigma[i - 1]!);
    }
  });
});
