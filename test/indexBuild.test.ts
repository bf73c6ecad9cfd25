// The ingest fast path gives what the plain path gives: the same tokens, vectors, fit and field indexes.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { listManualFiles, readCorpus } from '../ingest/node/readManuals.js';
import { matchForm, matchFormFull } from '../ingest/normalise.js';
import type { CorpusLoad } from '../ingest/parseManual.js';
import type { DutyRecord } from '../ingest/record.js';
import { loadSynonyms } from '../bot/runtime/nodeEngine.js';
import { Catalogue } from '../retrieval/catalogue.js';
import { Directory } from '../retrieval/directory.js';
import { embedCorpusSync, embedText } from '../retrieval/embeddings/corpus.js';
import { LocalEmbedderFit } from '../retrieval/embeddings/local.js';
import { FieldIndex, sortedFieldData } from '../retrieval/fieldIndex.js';
import { FieldTokens } from '../retrieval/indexBuild.js';
import { JiebaSegmenter } from '../retrieval/node/jiebaSegmenter.js';
import { recordTexts } from '../retrieval/recordText.js';
import { BigramSegmenter, type Segmenter } from '../retrieval/segmenter.js';
import { IdList, TokenCache } from '../retrieval/tokenCache.js';

const seeds = join(import.meta.dirname, '..', 'seeds');
const fixtures = join(import.meta.dirname, 'fixtures');
const segmenter = new JiebaSegmenter(Object.keys(loadSynonyms(seeds)));

async function corpusOf(dir: string): Promise<CorpusLoad> {
  const { files, skipped } = listManualFiles(dir);
  return readCorpus(files, skipped);
}

const corpora = await Promise.all([join(seeds, 'manuals'), join(fixtures, 'foreign'), join(fixtures, 'foreign2')].map(corpusOf));
const records = corpora.flatMap((c) => c.records);
const rawLines = readFileSync(join(seeds, 'manuals', listManualFiles(join(seeds, 'manuals')).files[0]!.file), 'utf8').split('\n');

/** Deterministic strings mixing Han text, Latin, digits, the characters jieba keeps in words, spaces and punctuation. */
function mixedStrings(n: number): string[] {
  const alphabet = [...'规划用地审批不动产登记中心局长负责', 'GIS', 'abc', '12', '3.5%', 'A-B', '#', '&', '_', '+', ' ', '\n', '\t', '，', '。', '|', '(', '）', '：', '①', '１', 'Ⅱ', '\u0002', '𠀋', '\u3000'];
  let seed = 7;
  const next = () => (seed = (Math.imul(seed, 1103515245) + 12345) & 0x7fffffff) / 0x7fffffff;
  return Array.from({ length: n }, () => Array.from({ length: 1 + Math.floor(next() * 30) }, () => alphabet[Math.floor(next() * alphabet.length)]).join(''));
}

const sampleTexts = [
  ...records.map(embedText),
  ...records.flatMap((r) => Object.values(recordTexts(r).fields)),
  ...records.map((r) => [r.item, ...r.duties].join('\n')),
  ...rawLines,
  ...mixedStrings(2000),
];

function cachedTokens(cache: TokenCache, text: string): string[] {
  const words = new IdList();
  const bigrams = new IdList();
  cache.tokens(text, words, bigrams);
  return [...words.view()].map((id) => cache.terms.names[id]!);
}

function cachedBigrams(cache: TokenCache, text: string): string[] {
  const words = new IdList();
  const bigrams = new IdList();
  cache.tokens(text, words, bigrams);
  return [...bigrams.view()].map((id) => cache.terms.names[id]!);
}

const plainBigrams = (text: string) => (text.match(/[\u4e00-\u9fa5]+/g) ?? []).flatMap((run) => Array.from({ length: Math.max(0, run.length - 1) }, (_, i) => run.slice(i, i + 2)));

describe('the token cache', () => {
  it('gives the segmenter’s own tokens and the text’s bigrams, piece by piece, for jieba and the bigram segmenter', () => {
    for (const seg of [segmenter, new BigramSegmenter()] as Segmenter[]) {
      const cache = new TokenCache(seg);
      // A tiny cache starts over constantly: the tokens must not depend on what it holds.
      const tiny = new TokenCache(seg, { maxPieces: 3 });
      for (const t of sampleTexts) {
        const want = seg.index(t);
        expect(cachedTokens(cache, t)).toEqual(want);
        expect(cachedTokens(tiny, t)).toEqual(want);
        expect(cachedBigrams(cache, t)).toEqual(plainBigrams(t));
      }
    }
  });

  it('caches whole texts for a segmenter that does not declare itself separable', () => {
    const opaque: Segmenter = { index: (t) => (t.length > 3 ? [t.slice(0, 2), t.slice(1)] : [t]), words: (t) => [t] };
    const cache = new TokenCache(opaque);
    for (const t of sampleTexts.slice(0, 500)) expect(cachedTokens(cache, t)).toEqual(opaque.index(t));
  });

  it('jieba cuts many texts in one call as it cuts each alone', () => {
    const pieces = sampleTexts.slice(0, 300).flatMap((t) => t.split(/[\s，。|]+/)).filter(Boolean);
    expect(segmenter.indexMany(pieces)).toEqual(pieces.map((p) => segmenter.index(p)));
    // With whitespace inside it falls back to one call per text.
    expect(segmenter.indexMany(['规划 用地', '不动产登记'])).toEqual([segmenter.index('规划 用地'), segmenter.index('不动产登记')]);
  });
});

describe('the local embedder’s batch path', () => {
  const texts = records.map(embedText);
  const recipe = new LocalEmbedderFit(segmenter, { segmenterId: 'jieba-test' });

  it('gives, bit for bit, the vectors embedSync gives, and the same fit every time', () => {
    const { fitted, vectors } = recipe.fitAndEmbed(texts);
    const again = embedCorpusSync(recipe, texts);
    expect(Buffer.from(again.fitted!.serialize()).equals(Buffer.from(fitted.serialize()))).toBe(true);
    expect(recipe.fit(texts).id).toBe(fitted.id);
    const restored = recipe.restore(fitted.serialize());
    const restoredVectors = restored.embedMany!(texts);
    texts.forEach((t, i) => {
      const one = Buffer.from(fitted.embedSync(t).buffer);
      expect(Buffer.from(vectors[i]!.buffer).equals(one)).toBe(true);
      expect(Buffer.from(again.vectors[i]!.buffer).equals(one)).toBe(true);
      expect(Buffer.from(restoredVectors[i]!.buffer).equals(one)).toBe(true);
    });
    // Texts the fit never saw (new words, other scripts, n-gram buckets past 2^31) embed the same both ways.
    for (const t of mixedStrings(300)) expect([...fitted.embedMany!([t])[0]!]).toEqual([...fitted.embedSync(t)]);
  });

  it('gives the same vectors with an odd rank and a hash size that is not a power of two', () => {
    const odd = new LocalEmbedderFit(segmenter, { segmenterId: 'jieba-test', rank: 7, hashDims: 100 });
    const { fitted, vectors } = odd.fitAndEmbed(texts.slice(0, 60));
    expect(fitted.dimensions).toBe(107);
    texts.slice(0, 60).forEach((t, i) => expect([...vectors[i]!]).toEqual([...fitted.embedSync(t)]));
  });
});

describe('field indexes from term numbers', () => {
  it('are the data FieldIndex builds itself, for every family, whole corpora and no records', () => {
    for (const corpus of corpora) {
      const dir = new Directory(Catalogue.fromRecords(corpus.records), corpus.units);
      const fields = new FieldTokens(new TokenCache(segmenter));
      for (const family of ['', ...dir.familyNames()]) {
        const rs = family === '' ? corpus.records : dir.familyRows(family).map((i) => corpus.records[i]!);
        expect(fields.build(rs)).toEqual(new FieldIndex(rs, segmenter).toData());
      }
    }
    expect(new FieldTokens(new TokenCache(segmenter)).build([])).toEqual(new FieldIndex([], segmenter).toData());
  });

  it('sorted for storage in one go are what sorting each one gives, with tokens outside the BMP and empty sets', () => {
    const text = (rs: readonly DutyRecord[]) => (doc: number, fi: number) => Object.values(recordTexts(rs[doc]!).fields)[fi]!;
    for (const corpus of corpora) {
      const dir = new Directory(Catalogue.fromRecords(corpus.records), corpus.units);
      const sets = [corpus.records, ...dir.familyNames().map((f) => dir.familyRows(f).map((i) => corpus.records[i]!)), []];
      const plain = new FieldTokens(new TokenCache(segmenter));
      const want = sets.map((rs) => sortedFieldData(plain.buildFrom(rs.map((r) => r.id), text(rs))));
      const got = new FieldTokens(new TokenCache(segmenter)).buildSorted(sets.map((rs) => ({ ids: rs.map((r) => r.id), text: text(rs) })));
      expect(got).toEqual(want);
    }
    // Surrogate pairs sort by code point (after U+FFFF), not by UTF-16 unit: the byte order the table is searched in.
    const odd = mixedStrings(400).concat(['𪚥字 ｚ', '字 \uFF5A 𠀋']);
    const sets = [odd.slice(0, 150), odd.slice(150, 300), odd.slice(300)].map((texts, s) => ({ ids: texts.map((_, i) => `${s}-${i}`), text: (doc: number) => texts[doc]! }));
    const plain = new FieldTokens(new TokenCache(segmenter));
    const want = sets.map((p) => sortedFieldData(plain.buildFrom(p.ids, p.text)));
    expect(new FieldTokens(new TokenCache(segmenter)).buildSorted(sets)).toEqual(want);
  });
});

describe('matchForm', () => {
  it('gives what running every rewrite gives, when it skips the ones a text cannot need', () => {
    const tricky = ['规划（guī huà）', '規劃', '土地?征收', '⺁厂\u200B房', '丽', '(GIS)', '字？字', '𠀋', '\uFFFD'];
    for (const t of [...rawLines, ...sampleTexts.slice(0, 3000), ...mixedStrings(3000), ...tricky]) expect(matchForm(t)).toBe(matchFormFull(t));
  });
});

describe('the helper thread', () => {
  it('starts here (from source) and answers tasks', async () => {
    const { BuildThread } = await import('../retrieval/node/buildPool.js');
    const thread = BuildThread.start();
    expect(thread).not.toBeNull();
    try {
      const files = listManualFiles(join(seeds, 'manuals')).files.slice(0, 1);
      const parsed = await thread!.run<{ file: string; parsed?: { records: unknown[] } }[]>({ kind: 'parse', files });
      expect(parsed[0]!.file).toBe(files[0]!.file);
      expect(parsed[0]!.parsed!.records.length).toBeGreaterThan(0);
    } finally {
      thread!.close();
    }
  });

  it('parses files to the same corpus as this thread does', async () => {
    for (const dir of [join(seeds, 'manuals'), join(fixtures, 'foreign')]) {
      const { files, skipped } = listManualFiles(dir);
      const one = await readCorpus(files, skipped, { threads: false });
      const two = await readCorpus(files, skipped, { threads: true });
      expect(JSON.stringify(two)).toBe(JSON.stringify(one));
    }
  });

  it('builds byte-identical partitions, vectors and records (a built index either way)', async () => {
    const { SqliteIndex, textSources } = await import('../retrieval/node/sqliteIndex.js');
    const { readManuals } = await import('../ingest/node/readManuals.js');
    const { mkdtempSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const dir = mkdtempSync(join(tmpdir(), 'gzt-threads-'));
    try {
      const sources = textSources(readManuals(join(seeds, 'manuals')));
      const corpus = () => readCorpus(listManualFiles(join(seeds, 'manuals')).files);
      const dump = async (threads: boolean) => {
        const { index } = await SqliteIndex.open({
          path: join(dir, `${threads}.db`),
          sources,
          corpus,
          segmenter,
          segmenterId: 'jieba-test',
          embedder: new LocalEmbedderFit(segmenter, { segmenterId: 'jieba-test' }),
          threads,
        });
        const rows = [
          ...index.db.prepare('select family, fields, texts, vectors, dims from partitions order by family').all(),
          ...index.db.prepare('select rid, id, json from records order by rid').all(),
          ...index.db.prepare('select rowid, embedding from records_vec order by rowid').all(),
          ...index.db.prepare('select id, state from embedder_fit').all(),
        ];
        index.close();
        return rows;
      };
      const single = await dump(false);
      expect(single.length).toBeGreaterThan(2 * records.length / 3);
      expect(await dump(true)).toEqual(single);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
