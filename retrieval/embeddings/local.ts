import type { Segmenter } from '../segmenter.js';
import { type Csr, randomizedSvd } from './linalg.js';
import { type CorpusFit, type FittedEmbedder, l2normalize } from './types.js';

/** Bump when the features or the fit change what a stored fit means. */
const FIT_VERSION = 3;
/** Buckets of the hashed n-gram idf table (collisions only blur the idf of rare n-grams). */
const IDF_TABLE = 1 << 16;
/** Documents the SVD is fitted on at most; the rest are projected (an evenly spaced, deterministic sample). */
const MAX_FIT_DOCS = 1500;
const MAX_VOCAB = 20_000;

export interface LocalEmbedderOptions {
  /** LSA dimensions (at most; fewer when the corpus has fewer documents). */
  rank?: number;
  /** Hashed character n-gram dimensions. */
  hashDims?: number;
  /** Share of the cosine that comes from the LSA part (the rest from the n-grams). */
  lsaShare?: number;
  /** Identifies the segmenter, whose words are LSA features. */
  segmenterId: string;
}

interface FitHeader {
  v: number;
  segmenterId: string;
  rank: number;
  hashDims: number;
  lsaShare: number;
  docs: number;
  terms: string[];
  /** The n-gram idf table is stored as bytes times this step. */
  hashStep: number;
}

/**
 * The fitted numbers as stored: term vectors as int8 with a scale per term, the n-gram idf as bytes.
 * The embedder computes with exactly these (dequantised), so a restored fit embeds like the fresh one.
 */
interface FitModel {
  idf: Float32Array;
  scales: Float32Array;
  codes: Int8Array;
  hashCodes: Uint8Array;
}

function quantize(termVectors: Float64Array, terms: number, rank: number, hashIdf: Float32Array): { model: Omit<FitModel, 'idf'>; hashStep: number } {
  const scales = new Float32Array(terms);
  const codes = new Int8Array(terms * rank);
  for (let t = 0; t < terms; t++) {
    let max = 0;
    for (let j = 0; j < rank; j++) max = Math.max(max, Math.abs(termVectors[t * rank + j]!));
    const scale = Math.fround(max / 127);
    scales[t] = scale;
    if (scale > 0) for (let j = 0; j < rank; j++) codes[t * rank + j] = Math.round(termVectors[t * rank + j]! / scale);
  }
  let maxIdf = 0;
  for (const x of hashIdf) maxIdf = Math.max(maxIdf, x);
  const hashStep = Math.fround(maxIdf / 255) || 1;
  const hashCodes = new Uint8Array(hashIdf.length);
  for (let i = 0; i < hashIdf.length; i++) hashCodes[i] = Math.max(0, Math.min(255, Math.round(hashIdf[i]! / hashStep)));
  return { model: { scales, codes, hashCodes }, hashStep };
}

/**
 * The offline default: fitted on the loaded records at ingest, pure TypeScript, no download.
 * - LSA: TF-IDF over segmenter words and character bigrams, reduced by a randomized SVD, so words that
 *   share contexts in the manuals (报销 / 费用 / 核算) land near each other.
 * - Hashed character 1–3-grams weighted by their idf over the corpus, so unseen words still match.
 * The two parts are L2-normalised and concatenated with weights √share and √(1 − share).
 */
export class LocalEmbedderFit implements CorpusFit {
  readonly kind = 'corpus-fit';
  readonly rank: number;
  readonly hashDims: number;
  readonly lsaShare: number;

  constructor(
    private readonly segmenter: Segmenter,
    private readonly o: LocalEmbedderOptions,
  ) {
    this.rank = o.rank ?? 128;
    this.hashDims = o.hashDims ?? 256;
    this.lsaShare = o.lsaShare ?? 0.5;
  }

  get configId(): string {
    return `local:lsa${this.rank}+ngram${this.hashDims}:share${this.lsaShare}:seg=${this.o.segmenterId}:v${FIT_VERSION}`;
  }

  fit(texts: readonly string[]): FittedEmbedder {
    const step = Math.max(1, texts.length / MAX_FIT_DOCS);
    const sampled: string[] = [];
    for (let i = 0; i < texts.length && sampled.length < MAX_FIT_DOCS; i++) sampled.push(texts[Math.floor(i * step)]!);
    const words = new Set<string>();
    const sample = sampled.map((t) => termCounts(t, this.segmenter, words));
    const df = new Map<string, number>();
    for (const d of sample) for (const t of d.keys()) df.set(t, (df.get(t) ?? 0) + 1);
    // A word in one record still gets that record's direction (报销 near 费用); a bigram seen once is
    // mostly a cut across two words, and is left to the n-grams.
    const terms = [...df]
      .filter(([t, n]) => n >= 2 || words.has(t))
      .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
      .slice(0, MAX_VOCAB)
      .map(([t]) => t);
    const col = new Map(terms.map((t, i) => [t, i]));
    const idf = new Float32Array(terms.length);
    terms.forEach((t, i) => (idf[i] = Math.log((sample.length + 1) / df.get(t)!)));

    const ptr = new Int32Array(sample.length + 1);
    const idx: number[] = [];
    const val: number[] = [];
    sample.forEach((d, r) => {
      const row = weigh(d, col, idf);
      for (const [c, w] of row) {
        idx.push(c);
        val.push(w);
      }
      ptr[r + 1] = idx.length;
    });
    const a: Csr = { rows: sample.length, cols: terms.length, ptr, idx: Int32Array.from(idx), val: Float64Array.from(val) };
    // A third as many dimensions as documents at most: on the shipped manuals (148 rows) 49 dimensions
    // rank paraphrases as well as 74 or 128, at a fraction of the fit time.
    const rank = Math.min(this.rank, Math.max(1, Math.floor(sample.length / 3)));
    const svd = a.rows > 0 && a.cols > 0 ? randomizedSvd(a, rank, { seed: 1, powerIterations: 1 }) : { k: 0, v: new Float64Array(0) };
    const { model, hashStep } = quantize(svd.v, terms.length, svd.k, ngramIdf(texts));
    const header: FitHeader = {
      v: FIT_VERSION,
      segmenterId: this.o.segmenterId,
      rank: svd.k,
      hashDims: this.hashDims,
      lsaShare: this.lsaShare,
      docs: texts.length,
      terms,
      hashStep,
    };
    const fitted = new FittedLocalEmbedder(this.segmenter, header, { idf, ...model });
    // The records are embedded right after the fit: their words need not be segmented twice.
    sampled.forEach((t, i) => fitted.segmented.set(t, sample[i]!));
    return fitted;
  }

  restore(bytes: Uint8Array): FittedEmbedder {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const headerLen = view.getUint32(0, true);
    const header = JSON.parse(new TextDecoder().decode(bytes.subarray(4, 4 + headerLen))) as FitHeader;
    if (header.v !== FIT_VERSION || header.segmenterId !== this.o.segmenterId || header.hashDims !== this.hashDims || header.lsaShare !== this.lsaShare) {
      throw new Error(`stored embedder fit does not match ${this.configId}`);
    }
    const n = header.terms.length;
    let off = align4(4 + headerLen);
    const idf = new Float32Array(n);
    const scales = new Float32Array(n);
    for (let i = 0; i < n; i++, off += 4) idf[i] = view.getFloat32(off, true);
    for (let i = 0; i < n; i++, off += 4) scales[i] = view.getFloat32(off, true);
    const codes = new Int8Array(bytes.slice(off, off + n * header.rank).buffer);
    off += n * header.rank;
    const hashCodes = bytes.slice(off, off + IDF_TABLE);
    if (hashCodes.length !== IDF_TABLE) throw new Error('stored embedder fit is truncated');
    return new FittedLocalEmbedder(this.segmenter, header, { idf, scales, codes, hashCodes });
  }
}

class FittedLocalEmbedder implements FittedEmbedder {
  readonly dimensions: number;
  readonly id: string;
  private readonly col: Map<string, number>;
  private readonly lsaWeight: number;
  private readonly hashWeight: number;
  private readonly idf: Float32Array;
  private readonly termVectors: Float32Array;
  private readonly hashIdf: Float32Array;
  /** Words of the texts just fitted on, used once by embedSync and dropped. */
  readonly segmented = new Map<string, Map<string, number>>();

  constructor(
    private readonly segmenter: Segmenter,
    private readonly header: FitHeader,
    private readonly model: FitModel,
  ) {
    this.idf = model.idf;
    this.termVectors = new Float32Array(model.codes.length);
    for (let t = 0; t < model.scales.length; t++) {
      for (let j = 0; j < header.rank; j++) this.termVectors[t * header.rank + j] = model.codes[t * header.rank + j]! * model.scales[t]!;
    }
    this.hashIdf = new Float32Array(model.hashCodes.length);
    for (let i = 0; i < model.hashCodes.length; i++) this.hashIdf[i] = model.hashCodes[i]! * header.hashStep;
    this.col = new Map(header.terms.map((t, i) => [t, i]));
    this.dimensions = header.rank + header.hashDims;
    // With nothing to fit on (no records) the n-grams carry the whole vector.
    this.lsaWeight = header.rank > 0 ? Math.sqrt(header.lsaShare) : 0;
    this.hashWeight = header.rank > 0 ? Math.sqrt(1 - header.lsaShare) : 1;
    this.id = `local:lsa${header.rank}+ngram${header.hashDims}:share${header.lsaShare}:seg=${header.segmenterId}:v${header.v}:fit=${hashBytes(this.serialize())}`;
  }

  embedSync(text: string): Float32Array {
    const { rank, hashDims } = this.header;
    const out = new Float32Array(rank + hashDims);
    const lsa = out.subarray(0, rank);
    const counts = this.segmented.get(text) ?? termCounts(text, this.segmenter);
    this.segmented.delete(text);
    for (const [c, w] of weigh(counts, this.col, this.idf)) {
      const o = c * rank;
      for (let j = 0; j < rank; j++) lsa[j]! += w * this.termVectors[o + j]!;
    }
    l2normalize(lsa);
    const hashed = out.subarray(rank);
    forEachNgram(text, (h, n) => {
      hashed[h % hashDims]! += (h & 0x80000000 ? -1 : 1) * (n === 1 ? 0.5 : 1) * this.hashIdf[h % IDF_TABLE]!;
    });
    l2normalize(hashed);
    for (let j = 0; j < rank; j++) lsa[j]! *= this.lsaWeight;
    for (let j = 0; j < hashDims; j++) hashed[j]! *= this.hashWeight;
    // Unit length even when one part is empty (no fitted word in the text): cosine is a dot product.
    return l2normalize(out);
  }

  async embedDocuments(texts: string[]): Promise<number[][]> {
    return texts.map((t) => Array.from(this.embedSync(t)));
  }

  async embedQuery(text: string): Promise<number[]> {
    return Array.from(this.embedSync(text));
  }

  private bytes: Uint8Array | undefined;

  serialize(): Uint8Array {
    if (this.bytes) return this.bytes;
    const m = this.model;
    const header = new TextEncoder().encode(JSON.stringify(this.header));
    const start = align4(4 + header.length);
    const bytes = new Uint8Array(start + 8 * m.idf.length + m.codes.length + m.hashCodes.length);
    const view = new DataView(bytes.buffer);
    view.setUint32(0, header.length, true);
    bytes.set(header, 4);
    let off = start;
    for (const arr of [m.idf, m.scales]) for (let i = 0; i < arr.length; i++, off += 4) view.setFloat32(off, arr[i]!, true);
    bytes.set(new Uint8Array(m.codes.buffer, m.codes.byteOffset, m.codes.length), off);
    off += m.codes.length;
    bytes.set(m.hashCodes, off);
    return (this.bytes = bytes);
  }
}

/** LSA features: the segmenter's words of two or more characters, and character bigrams of CJK runs. */
function termCounts(text: string, seg: Segmenter, words?: Set<string>): Map<string, number> {
  const counts = new Map<string, number>();
  const add = (t: string) => counts.set(t, (counts.get(t) ?? 0) + 1);
  for (const w of seg.index(text)) {
    if ([...w].length < 2) continue;
    add(w);
    words?.add(w);
  }
  for (const run of text.match(/[\u4e00-\u9fa5]+/g) ?? []) for (let i = 0; i + 1 < run.length; i++) add(run.slice(i, i + 2));
  return counts;
}

/** Sublinear tf × idf, L2-normalised, over the fitted vocabulary. */
function weigh(counts: Map<string, number>, col: Map<string, number>, idf: Float32Array): [number, number][] {
  const row: [number, number][] = [];
  let norm = 0;
  for (const [t, n] of counts) {
    const c = col.get(t);
    if (c === undefined) continue;
    const w = (1 + Math.log(n)) * idf[c]!;
    if (w <= 0) continue;
    row.push([c, w]);
    norm += w * w;
  }
  norm = Math.sqrt(norm) || 1;
  for (const r of row) r[1] /= norm;
  return row.sort((x, y) => x[0] - y[0]);
}

const SKIP = /[\s\p{P}\p{S}]/u;

/** Calls back with the FNV-1a hash of every character 1-, 2- and 3-gram (punctuation and spaces skipped). */
function forEachNgram(text: string, f: (hash: number, n: number) => void): void {
  const cps: number[] = [];
  for (const ch of text) if (!SKIP.test(ch)) cps.push(ch.codePointAt(0)!);
  for (let i = 0; i < cps.length; i++) {
    let h = 0x811c9dc5;
    for (let n = 1; n <= 3 && i + n <= cps.length; n++) {
      h = Math.imul(h ^ cps[i + n - 1]!, 0x01000193);
      f(h >>> 0, n);
    }
  }
}

/** idf of character 1–3-grams over the corpus, by hash bucket; unseen n-grams get the highest idf. */
function ngramIdf(texts: readonly string[]): Float32Array {
  const df = new Uint32Array(IDF_TABLE);
  for (const t of texts) {
    const seen = new Set<number>();
    forEachNgram(t, (h) => seen.add(h % IDF_TABLE));
    for (const b of seen) df[b]!++;
  }
  const out = new Float32Array(IDF_TABLE);
  for (let b = 0; b < IDF_TABLE; b++) out[b] = Math.log((texts.length + 1) / (df[b]! + 0.5));
  return out;
}

/** A 64-bit FNV-1a of bytes as hex: names a fit (not a security hash). */
export function hashBytes(bytes: Uint8Array): string {
  let h1 = 0x811c9dc5;
  let h2 = 0x050c5d1f;
  for (let i = 0; i < bytes.length; i++) {
    h1 = Math.imul(h1 ^ bytes[i]!, 0x01000193);
    h2 = Math.imul(h2 ^ bytes[i]!, 0x01000193) ^ (h1 >>> 13);
  }
  return (h1 >>> 0).toString(16).padStart(8, '0') + (h2 >>> 0).toString(16).padStart(8, '0');
}

function align4(n: number): number {
  return (n + 3) & ~3;
}
