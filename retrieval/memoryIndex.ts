import type { DutyRecord, UnitInfo } from '../ingest/record.js';
import { type EmbeddedCorpus, embedCorpus, embedCorpusSync, embedText } from './embeddings/corpus.js';
import type { Embedder, EmbedderSource } from './embeddings/types.js';
import { indexText } from './recordText.js';
import type { SearchIndex } from './searchIndex.js';
import type { Segmenter } from './segmenter.js';

const K1 = 1.2;
const B = 0.75;
/** Field weights as in the SQLite index's bm25(records_fts, 3.0, 1.0). */
const KEY_WEIGHT = 3;
const BODY_WEIGHT = 1;

interface Posting {
  doc: number;
  key: number;
  body: number;
}

/**
 * The whole index in memory, in plain TypeScript: BM25 over the segmenter's tokens and an exact vector
 * scan. Used where SQLite extensions cannot load (Cloudflare Workers) and built from the same records.
 */
export class MemoryIndex implements SearchIndex {
  private readonly postings = new Map<string, Posting[]>();
  private readonly keyLen: number[] = [];
  private readonly bodyLen: number[] = [];
  private readonly avgKey: number;
  private readonly avgBody: number;
  private readonly vectors: Float32Array;
  private readonly dims: number;
  /** The embedder the vectors come from: queries must be embedded with it. */
  readonly embedder: Embedder;

  /**
   * Builds from the records; `vectors` is a local embedder or fit (embedded here, synchronously) or
   * the records' vectors already computed (see MemoryIndex.build for remote embedders).
   */
  constructor(
    readonly records: readonly DutyRecord[],
    readonly units: readonly UnitInfo[],
    private readonly segmenter: Segmenter,
    vectors: EmbedderSource | EmbeddedCorpus,
  ) {
    const embedded = 'vectors' in vectors ? vectors : embedCorpusSync(vectors, records.map(embedText));
    if (embedded.vectors.length !== records.length) throw new Error('one vector per record expected');
    this.embedder = embedded.embedder;
    this.dims = embedded.dimensions;
    this.vectors = new Float32Array(records.length * this.dims);
    records.forEach((r, doc) => {
      const { key, body } = indexText(r);
      const keyTokens = segmenter.index(key);
      const bodyTokens = segmenter.index(body);
      this.keyLen.push(keyTokens.length);
      this.bodyLen.push(bodyTokens.length);
      const counts = new Map<string, Posting>();
      const bump = (t: string, field: 'key' | 'body') => {
        let p = counts.get(t);
        if (!p) counts.set(t, (p = { doc, key: 0, body: 0 }));
        p[field]++;
      };
      keyTokens.forEach((t) => bump(t, 'key'));
      bodyTokens.forEach((t) => bump(t, 'body'));
      for (const [t, p] of counts) {
        const list = this.postings.get(t);
        if (list) list.push(p);
        else this.postings.set(t, [p]);
      }
      this.vectors.set(embedded.vectors[doc]!, doc * this.dims);
    });
    const avg = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 1);
    this.avgKey = avg(this.keyLen) || 1;
    this.avgBody = avg(this.bodyLen) || 1;
  }

  /** Any embedder: a remote one embeds the records in batches first. */
  static async build(records: readonly DutyRecord[], units: readonly UnitInfo[], segmenter: Segmenter, source: EmbedderSource): Promise<MemoryIndex> {
    return new MemoryIndex(records, units, segmenter, await embedCorpus(source, records.map(embedText)));
  }

  lexical(tokens: string[], limit: number): Map<string, number> {
    const n = this.records.length;
    const scores = new Map<number, number>();
    for (const t of new Set(tokens)) {
      const list = this.postings.get(t);
      if (!list) continue;
      const idf = Math.log(1 + (n - list.length + 0.5) / (list.length + 0.5));
      for (const p of list) {
        const tf = (f: number, len: number, avg: number) => (f * (K1 + 1)) / (f + K1 * (1 - B + (B * len) / avg));
        const s = idf * (KEY_WEIGHT * tf(p.key, this.keyLen[p.doc]!, this.avgKey) + BODY_WEIGHT * tf(p.body, this.bodyLen[p.doc]!, this.avgBody));
        scores.set(p.doc, (scores.get(p.doc) ?? 0) + s);
      }
    }
    return new Map(
      [...scores]
        .sort((a, b) => b[1] - a[1])
        .slice(0, limit)
        .map(([doc, s]) => [this.records[doc]!.id, s]),
    );
  }

  nearest(vector: Float32Array, k: number): Map<string, number> {
    if (vector.length !== this.dims) return new Map();
    const scores: [number, number][] = [];
    for (let doc = 0; doc < this.records.length; doc++) {
      let dot = 0;
      const off = doc * this.dims;
      for (let d = 0; d < this.dims; d++) dot += this.vectors[off + d]! * vector[d]!;
      scores.push([doc, dot]);
    }
    scores.sort((a, b) => b[1] - a[1]);
    return new Map(scores.slice(0, k).map(([doc, s]) => [this.records[doc]!.id, s]));
  }
}
