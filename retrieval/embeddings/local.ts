import type { Segmenter } from '../segmenter.js';
import { IdList, TokenCache } from '../tokenCache.js';
import { type Csr, randomizedSvd } from './linalg.js';
import { type CorpusFit, type FittedEmbedder, l2normalize } from './types.js';

/** Bump when the features or the fit change what a stored fit means. */
const FIT_VERSION = 3;
/** Buckets of the hashed n-gram idf table (collisions only blur the idf of rare n-grams); a power of two (buckets are masks). */
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
    readonly segmenter: Segmenter,
    readonly o: LocalEmbedderOptions,
  ) {
    this.rank = o.rank ?? 128;
    this.hashDims = o.hashDims ?? 256;
    this.lsaShare = o.lsaShare ?? 0.5;
  }

  get configId(): string {
    return `local:lsa${this.rank}+ngram${this.hashDims}:share${this.lsaShare}:seg=${this.o.segmenterId}:v${FIT_VERSION}`;
  }

  fit(texts: readonly string[], tokens?: TokenCache): FittedEmbedder {
    return this.fitLocal(texts, tokens);
  }

  /** Fits on the texts and embeds them, segmenting each distinct piece of text once (through `tokens`). */
  fitAndEmbed(texts: readonly string[], tokens?: TokenCache): { fitted: FittedEmbedder; vectors: Float32Array[] } {
    const cache = tokens ?? new TokenCache(this.segmenter);
    const fitted = this.fitLocal(texts, cache);
    return { fitted, vectors: fitted.embedMany(texts, cache) };
  }

  private fitLocal(texts: readonly string[], tokens?: TokenCache): FittedLocalEmbedder {
    return this.fitTerms(texts, tokens).finish(ngramIdf(texts));
  }

  /**
   * The fit in two steps: the term vectors (the SVD) now, then `finish` with the texts' n-gram idf
   * (`ngramIdf(texts)`, which another thread may compute meanwhile). The same fit as `fit`.
   */
  fitTerms(texts: readonly string[], tokens?: TokenCache): { finish(hashIdf: Float32Array): FittedLocalEmbedder } {
    const cache = tokens ?? new TokenCache(this.segmenter);
    const step = Math.max(1, texts.length / MAX_FIT_DOCS);
    const sampled: string[] = [];
    for (let i = 0; i < texts.length && sampled.length < MAX_FIT_DOCS; i++) sampled.push(texts[Math.floor(i * step)]!);
    const features = new Features(cache);
    // Per sampled text its terms in order of first occurrence and their counts; df over the sample.
    const docs: { ids: Int32Array; counts: Int32Array }[] = [];
    const df = new Map<number, number>();
    for (const t of sampled) {
      const n = features.count(t);
      const ids = features.order.slice(0, n);
      const counts = Int32Array.from(ids, (id) => features.take(id));
      docs.push({ ids, counts });
      for (const id of ids) df.set(id, (df.get(id) ?? 0) + 1);
    }
    const names = cache.terms.names;
    // A word in one record still gets that record's direction (报销 near 费用); a bigram seen once is
    // mostly a cut across two words, and is left to the n-grams.
    const termIds = [...df]
      .filter(([id, n]) => n >= 2 || features.wasWord(id))
      .sort((a, b) => b[1] - a[1] || (names[a[0]]! < names[b[0]]! ? -1 : names[a[0]]! > names[b[0]]! ? 1 : 0))
      .slice(0, MAX_VOCAB)
      .map(([id]) => id);
    const terms = termIds.map((id) => names[id]!);
    const colOf = new Int32Array(cache.terms.size).fill(-1);
    termIds.forEach((id, c) => (colOf[id] = c));
    const idf = new Float32Array(terms.length);
    termIds.forEach((id, c) => (idf[c] = Math.log((sampled.length + 1) / df.get(id)!)));

    const ptr = new Int32Array(docs.length + 1);
    const idx: number[] = [];
    const val: number[] = [];
    const row = new Row(terms.length);
    docs.forEach((d, r) => {
      for (let i = 0; i < d.ids.length; i++) {
        const c = colOf[d.ids[i]!]!;
        if (c >= 0) row.add(c, d.counts[i]!, idf);
      }
      const m = row.finish();
      for (let i = 0; i < m; i++) {
        idx.push(row.cols[i]!);
        val.push(row.weight(i));
      }
      ptr[r + 1] = idx.length;
    });
    const a: Csr = { rows: docs.length, cols: terms.length, ptr, idx: Int32Array.from(idx), val: Float64Array.from(val) };
    // A third as many dimensions as documents at most: on the shipped manuals (148 rows) 49 dimensions
    // rank paraphrases as well as 74 or 128, at a fraction of the fit time.
    const rank = Math.min(this.rank, Math.max(1, Math.floor(docs.length / 3)));
    const svd = a.rows > 0 && a.cols > 0 ? randomizedSvd(a, rank, { seed: 1, powerIterations: 1 }) : { k: 0, v: new Float64Array(0) };
    return {
      finish: (hashIdf) => {
        const { model, hashStep } = quantize(svd.v, terms.length, svd.k, hashIdf);
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
        return new FittedLocalEmbedder(this.segmenter, header, { idf, ...model });
      },
    };
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
  private readonly row: Row;
  private readonly ngrams = new Ngrams();

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
    this.row = new Row(header.terms.length);
    this.dimensions = header.rank + header.hashDims;
    // With nothing to fit on (no records) the n-grams carry the whole vector.
    this.lsaWeight = header.rank > 0 ? Math.sqrt(header.lsaShare) : 0;
    this.hashWeight = header.rank > 0 ? Math.sqrt(1 - header.lsaShare) : 1;
    this.id = `local:lsa${header.rank}+ngram${header.hashDims}:share${header.lsaShare}:seg=${header.segmenterId}:v${header.v}:fit=${hashBytes(this.serialize())}`;
  }

  embedSync(text: string): Float32Array {
    for (const [t, n] of termCounts(text, this.segmenter)) {
      const c = this.col.get(t);
      if (c !== undefined) this.row.add(c, n, this.idf);
    }
    return this.finish(text);
  }

  /**
   * The vectors of many texts, as embedSync gives them (the same numbers), with the segmentation shared
   * through `tokens` and terms looked up by number.
   */
  embedMany(texts: readonly string[], tokens?: TokenCache): Float32Array[] {
    const features = new Features(tokens ?? new TokenCache(this.segmenter));
    const names = features.cache.terms.names;
    let colOf = new Int32Array(0);
    return texts.map((text) => {
      const n = features.count(text);
      if (colOf.length < names.length) {
        // Terms first seen since the last text: their columns are looked up when met (-2: not yet).
        const next = new Int32Array(Math.max(names.length, colOf.length * 2)).fill(-2);
        next.set(colOf);
        colOf = next;
      }
      for (let i = 0; i < n; i++) {
        const id = features.order[i]!;
        let c = colOf[id]!;
        if (c === -2) colOf[id] = c = this.col.get(names[id]!) ?? -1;
        const count = features.take(id);
        if (c >= 0) this.row.add(c, count, this.idf);
      }
      return this.finish(text);
    });
  }

  /** The vector from the row gathered (in-vocabulary terms in order of first occurrence) and the text's n-grams. */
  private finish(text: string): Float32Array {
    const { rank, hashDims } = this.header;
    const out = new Float32Array(rank + hashDims);
    const lsa = out.subarray(0, rank);
    const row = this.row;
    const m = row.finish();
    const tv = this.termVectors;
    const rank4 = rank & ~3;
    for (let i = 0; i < m; i++) {
      const w = row.weight(i);
      const o = row.cols[i]! * rank;
      // Four at a time (each element still gets the same additions in the same order): about half the time.
      let j = 0;
      for (; j < rank4; j += 4) {
        const p = o + j;
        lsa[j] = lsa[j]! + w * tv[p]!;
        lsa[j + 1] = lsa[j + 1]! + w * tv[p + 1]!;
        lsa[j + 2] = lsa[j + 2]! + w * tv[p + 2]!;
        lsa[j + 3] = lsa[j + 3]! + w * tv[p + 3]!;
      }
      for (; j < rank; j++) lsa[j]! += w * tv[o + j]!;
    }
    l2normalize(lsa);
    const hashed = out.subarray(rank);
    const cps = this.ngrams.codePoints(text);
    const len = this.ngrams.length;
    const hashIdf = this.hashIdf;
    // The bucket is the unsigned hash modulo the size: a mask where the size is a power of two (the default),
    // which keeps the hash a small integer instead of a double.
    const mask = (hashDims & (hashDims - 1)) === 0 ? hashDims - 1 : -1;
    for (let i = 0; i < len; i++) {
      let h = 0x811c9dc5;
      for (let n = 1; n <= 3 && i + n <= len; n++) {
        h = Math.imul(h ^ cps[i + n - 1]!, 0x01000193);
        const bucket = mask >= 0 ? h & mask : (h >>> 0) % hashDims;
        hashed[bucket]! += (h < 0 ? -1 : 1) * (n === 1 ? 0.5 : 1) * hashIdf[h & (IDF_TABLE - 1)]!;
      }
    }
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
function termCounts(text: string, seg: Segmenter): Map<string, number> {
  const counts = new Map<string, number>();
  const add = (t: string) => counts.set(t, (counts.get(t) ?? 0) + 1);
  for (const w of seg.index(text)) if ([...w].length >= 2) add(w);
  for (const run of text.match(/[\u4e00-\u9fa5]+/g) ?? []) for (let i = 0; i + 1 < run.length; i++) add(run.slice(i, i + 2));
  return counts;
}

/**
 * One text's weighted terms: sublinear tf × idf over the fitted vocabulary, L2-normalised, by column.
 * Terms come in order of first occurrence (the norm is summed in that order), columns are then sorted.
 */
class Row {
  readonly cols: Int32Array;
  private readonly w: Float64Array;
  private m = 0;
  private sum = 0;
  private norm = 1;

  constructor(vocab: number) {
    this.cols = new Int32Array(vocab);
    this.w = new Float64Array(vocab);
  }

  add(c: number, n: number, idf: Float32Array): void {
    const w = (1 + Math.log(n)) * idf[c]!;
    if (w <= 0) return;
    this.cols[this.m++] = c;
    this.w[c] = w;
    this.sum += w * w;
  }

  /** Sorts the columns and returns how many there are; `weight(i)` reads them until the next `add`. */
  finish(): number {
    const m = this.m;
    this.cols.subarray(0, m).sort();
    this.norm = Math.sqrt(this.sum) || 1;
    this.m = 0;
    this.sum = 0;
    return m;
  }

  weight(i: number): number {
    return this.w[this.cols[i]!]! / this.norm;
  }
}

/**
 * LSA features of texts by term number: words of two or more characters, then CJK bigrams, counted in
 * order of first occurrence (what termCounts gives, without a string per bigram).
 */
class Features {
  order = new Int32Array(1024);
  private counts = new Int32Array(1024);
  /** Per term: 0 not looked at, 1 shorter than two characters, 2 a word of two or more. */
  private long = new Uint8Array(1024);
  private seenAsWord = new Uint8Array(1024);
  private readonly words = new IdList();
  private readonly bigrams = new IdList();

  constructor(readonly cache: TokenCache) {}

  /** Counts the text's terms; returns how many distinct ones `order` holds. Read each count once with `take`. */
  count(text: string): number {
    const { words, bigrams } = this;
    words.clear();
    bigrams.clear();
    this.cache.tokens(text, words, bigrams);
    this.fit(this.cache.terms.size);
    const names = this.cache.terms.names;
    let m = 0;
    const add = (id: number) => {
      if (this.counts[id]!++ === 0) {
        if (m === this.order.length) this.order = grow(this.order, m * 2);
        this.order[m++] = id;
      }
    };
    const w = words.data;
    for (let i = 0; i < words.length; i++) {
      const id = w[i]!;
      let l = this.long[id]!;
      if (l === 0) this.long[id] = l = codePointCount(names[id]!) >= 2 ? 2 : 1;
      if (l === 1) continue;
      this.seenAsWord[id] = 1;
      add(id);
    }
    const b = bigrams.data;
    for (let i = 0; i < bigrams.length; i++) add(b[i]!);
    return m;
  }

  /** The count of a term of the last text, reset for the next. */
  take(id: number): number {
    const n = this.counts[id]!;
    this.counts[id] = 0;
    return n;
  }

  wasWord(id: number): boolean {
    return this.seenAsWord[id] === 1;
  }

  private fit(size: number): void {
    if (size <= this.counts.length) return;
    const n = Math.max(size, this.counts.length * 2);
    this.counts = grow(this.counts, n);
    this.long = grow(this.long, n);
    this.seenAsWord = grow(this.seenAsWord, n);
  }
}

function grow<T extends Int32Array | Uint8Array>(a: T, n: number): T {
  const next = new (a.constructor as new (n: number) => T)(n);
  next.set(a);
  return next;
}

function codePointCount(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) i++;
    }
    n++;
  }
  return n;
}

const SKIP = /[\s\p{P}\p{S}]/u;
/** Per BMP code unit: 0 not looked at yet, 1 skipped, 2 kept. */
const skipTable = new Uint8Array(0x10000);

function skipped(cp: number): boolean {
  if (cp > 0xffff) return SKIP.test(String.fromCodePoint(cp));
  let s = skipTable[cp]!;
  if (s === 0) skipTable[cp] = s = SKIP.test(String.fromCharCode(cp)) ? 1 : 2;
  return s === 1;
}

/** The code points of a text that n-grams are made of (punctuation and spaces skipped), in a reused buffer. */
class Ngrams {
  private buf = new Int32Array(1024);
  length = 0;

  codePoints(text: string): Int32Array {
    if (this.buf.length < text.length) this.buf = new Int32Array(text.length * 2);
    const buf = this.buf;
    let n = 0;
    for (let i = 0; i < text.length; i++) {
      const cp = text.codePointAt(i)!;
      if (cp > 0xffff) i++;
      if (!skipped(cp)) buf[n++] = cp;
    }
    this.length = n;
    return buf;
  }
}

/** idf of character 1–3-grams over the corpus, by hash bucket; unseen n-grams get the highest idf. */
export function ngramIdf(texts: readonly string[]): Float32Array {
  const df = new Uint32Array(IDF_TABLE);
  // The last text each bucket was counted for: a bucket counts once per text.
  const last = new Int32Array(IDF_TABLE).fill(-1);
  const ngrams = new Ngrams();
  texts.forEach((t, doc) => {
    const cps = ngrams.codePoints(t);
    const len = ngrams.length;
    for (let i = 0; i < len; i++) {
      let h = 0x811c9dc5;
      for (let n = 1; n <= 3 && i + n <= len; n++) {
        h = Math.imul(h ^ cps[i + n - 1]!, 0x01000193);
        const b = h & (IDF_TABLE - 1);
        if (last[b] !== doc) {
          last[b] = doc;
          df[b]!++;
        }
      }
    }
  });
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
