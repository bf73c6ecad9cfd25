import type { DutyRecord, UnitInfo } from '../ingest/record.js';
import { Catalogue } from './catalogue.js';
import { type EmbeddedCorpus, embedCorpus, embedCorpusSync, embedText } from './embeddings/corpus.js';
import type { Embedder, EmbedderSource } from './embeddings/types.js';
import type { SearchIndex } from './searchIndex.js';

/**
 * The whole index in memory, in plain TypeScript: the records and an exact vector scan. Used where SQLite
 * extensions cannot load (Cloudflare Workers) and built from the same records.
 */
export class MemoryIndex implements SearchIndex {
  private readonly vectors: Float32Array;
  private readonly dims: number;
  /** The embedder the vectors come from: queries must be embedded with it. */
  readonly embedder: Embedder;
  readonly catalogue: Catalogue;

  /**
   * Builds from the records; `vectors` is a local embedder or fit (embedded here, synchronously) or
   * the records' vectors already computed (see MemoryIndex.build for remote embedders).
   */
  constructor(
    readonly records: readonly DutyRecord[],
    readonly units: readonly UnitInfo[],
    vectors: EmbedderSource | EmbeddedCorpus,
  ) {
    const embedded = 'vectors' in vectors ? vectors : embedCorpusSync(vectors, records.map(embedText));
    if (embedded.vectors.length !== records.length) throw new Error('one vector per record expected');
    this.embedder = embedded.embedder;
    this.catalogue = Catalogue.fromRecords(records);
    this.dims = embedded.dimensions;
    this.vectors = new Float32Array(records.length * this.dims);
    records.forEach((_, doc) => this.vectors.set(embedded.vectors[doc]!, doc * this.dims));
  }

  /** Any embedder: a remote one embeds the records in batches first. */
  static async build(records: readonly DutyRecord[], units: readonly UnitInfo[], source: EmbedderSource): Promise<MemoryIndex> {
    return new MemoryIndex(records, units, await embedCorpus(source, records.map(embedText)));
  }

  recordsAt(rows: readonly number[]): DutyRecord[] {
    return rows.map((i) => this.records[i]!);
  }

  allRecords(): readonly DutyRecord[] {
    return this.records;
  }

  private docOf: Map<string, number> | null = null;

  nearestIn(vector: Float32Array, k: number, ids: readonly string[]): Map<string, number> {
    if (vector.length !== this.dims) return new Map();
    this.docOf ??= new Map(this.records.map((r, doc) => [r.id, doc]));
    const scores: [string, number][] = [];
    for (const id of ids) {
      const doc = this.docOf.get(id);
      if (doc === undefined) continue;
      let dot = 0;
      const off = doc * this.dims;
      for (let d = 0; d < this.dims; d++) dot += this.vectors[off + d]! * vector[d]!;
      scores.push([id, dot]);
    }
    scores.sort((a, b) => b[1] - a[1]);
    return new Map(scores.slice(0, k));
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
