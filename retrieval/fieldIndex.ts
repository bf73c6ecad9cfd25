import type { DutyRecord } from '../ingest/record.js';
import { type FieldName, fold, recordTexts } from './recordText.js';
import type { Segmenter } from './segmenter.js';

/**
 * Field weights: what the row is about (item, chart titles) counts most, then the post and the duty
 * text, then responsibilities, steps and the unit. b is BM25's length normalisation per field.
 */
export const FIELD_WEIGHTS: Record<FieldName, { w: number; b: number }> = {
  item: { w: 3, b: 0.5 },
  titles: { w: 2, b: 0.5 },
  post: { w: 1.5, b: 0.5 },
  oversees: { w: 1.5, b: 0.3 },
  duties: { w: 1.2, b: 0.75 },
  responsibilities: { w: 0.5, b: 0.75 },
  steps: { w: 0.6, b: 0.75 },
  unit: { w: 0.8, b: 0.3 },
};
const FIELDS = Object.keys(FIELD_WEIGHTS) as FieldName[];
const K1 = 1.2;
/** Character bigrams live in the same token space, marked so they never collide with words. */
const BIGRAM = '\u0002';

export function bigrams(text: string): string[] {
  const out: string[] = [];
  for (const run of text.match(/[\u4e00-\u9fa5]+/g) ?? []) {
    for (let i = 0; i + 1 < run.length; i++) out.push(BIGRAM + run.slice(i, i + 2));
  }
  return out;
}

export interface WeightedToken {
  token: string;
  weight: number;
}

/** What ranking needs from a field index: query tokens and BM25F scores by record id. */
export interface FieldScorer {
  formTokens(form: string, weight: number): WeightedToken[];
  score(tokens: WeightedToken[]): Map<string, number>;
}

/** Tokens as UTF-8 bytes in byte order, token i from starts[i] to starts[i + 1]: read from an index without decoding a string. */
export interface TokenTable {
  bytes: Uint8Array;
  starts: Uint32Array;
}

const utf8 = new TextEncoder();

/** Byte order of a[from, to) against b. */
function compareBytes(a: Uint8Array, from: number, to: number, b: Uint8Array): number {
  const n = Math.min(to - from, b.length);
  for (let i = 0; i < n; i++) {
    const d = a[from + i]! - b[i]!;
    if (d !== 0) return d;
  }
  return to - from - b.length;
}

/** A field index as stored (one partition of an index file): tokens, packed postings, field lengths. */
export interface FieldIndexData {
  ids: string[];
  /** Token i's postings start at offsets[i]: the tokens as strings, or as stored (UTF-8, sorted, found by binary search). */
  tokens: string[] | TokenTable;
  /** Start of each token's postings in `postings` (one more entry than tokens). */
  offsets: Uint32Array;
  /** 16-bit where every document number and count fits (a partition), 32-bit otherwise. */
  postings: Uint16Array | Uint32Array;
  /** Field lengths, FIELDS.length per record. */
  lens: Float32Array;
  avg: Float32Array;
}

/**
 * BM25F over the record's fields, on the segmenter's words plus character bigrams (so a compound the
 * dictionary does not know still matches by its pieces). In memory: the engine ranks every row of the
 * pool with it, the same on Node and on Workers.
 */
export class FieldIndex implements FieldScorer {
  /**
   * Per token, packed rows of [doc, tf in each field], all tokens in one array (token i's rows from
   * offsets[i] to offsets[i + 1]): small enough for tens of thousands of records, one object per index.
   */
  private tokenAt = new Map<string, number>();
  /** The stored token table, where the index was read from one: looked up without building a map. */
  private table: TokenTable | null = null;
  private offsets: Uint32Array = new Uint32Array(1);
  private postings: Uint16Array | Uint32Array = new Uint16Array(0);
  /** Field lengths, FIELDS.length per record. */
  private lens: Float32Array = new Float32Array(0);
  private avg: Float32Array = new Float32Array(FIELDS.length);
  readonly ids: string[] = [];

  /** A stored partition back in memory: no segmentation, the stored arrays used as they are. */
  static fromData(data: FieldIndexData, segmenter: Segmenter): FieldIndex {
    const f = new FieldIndex([], segmenter);
    f.ids.push(...data.ids);
    if (Array.isArray(data.tokens)) data.tokens.forEach((t, i) => f.tokenAt.set(t, i));
    else f.table = data.tokens;
    f.offsets = data.offsets;
    f.postings = data.postings;
    f.lens = data.lens;
    f.avg = data.avg;
    return f;
  }

  toData(): FieldIndexData {
    if (this.table) return { ids: [...this.ids], tokens: this.table, offsets: this.offsets, postings: this.postings, lens: this.lens, avg: this.avg };
    return { ids: [...this.ids], tokens: [...this.tokenAt.keys()], offsets: this.offsets, postings: this.postings, lens: this.lens, avg: this.avg };
  }

  /** The same index with its tokens as a byte-ordered table (postings moved with them): what an index file stores. */
  sortedData(): FieldIndexData {
    return sortedFieldData(this.toData());
  }


  private tokenIndex(token: string): number | undefined {
    const table = this.table;
    if (!table) return this.tokenAt.get(token);
    const want = utf8.encode(token);
    const { bytes, starts } = table;
    let lo = 0;
    let hi = starts.length - 2;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const c = compareBytes(bytes, starts[mid]!, starts[mid + 1]!, want);
      if (c === 0) return mid;
      if (c < 0) lo = mid + 1;
      else hi = mid - 1;
    }
    return undefined;
  }

  constructor(records: readonly DutyRecord[], private readonly segmenter: Segmenter) {
    if (records.length === 0) return;
    if (FIELDS.length !== 8) throw new Error('rows below are laid out for 8 fields');
    const sums = new Float32Array(FIELDS.length);
    const F = FIELDS.length;
    // Token numbers in order of first occurrence, and per token its rows [doc, tf per field].
    const tokenIds = new Map<string, number>();
    const rowsOf: number[][] = [];
    const names: string[] = [];
    this.lens = new Float32Array(records.length * F);
    records.forEach((r, doc) => {
      this.ids.push(r.id);
      const fields = recordTexts(r).fields;
      const slotOf = new Map<number, number>();
      const rows: number[] = [];
      FIELDS.forEach((f, fi) => {
        const tokens = this.tokens(fields[f]);
        this.lens[doc * F + fi] = tokens.length;
        sums[fi]! += tokens.length;
        for (const t of tokens) {
          let id = tokenIds.get(t);
          if (id === undefined) {
            tokenIds.set(t, (id = names.length));
            names.push(t);
            rowsOf.push([]);
          }
          let slot = slotOf.get(id);
          if (slot === undefined) {
            slotOf.set(id, (slot = rows.length));
            rows.push(id, 0, 0, 0, 0, 0, 0, 0, 0);
          }
          rows[slot + 1 + fi]! += 1;
        }
      });
      for (let k = 0; k < rows.length; k += F + 1) {
        const list = rowsOf[rows[k]!]!;
        list.push(doc);
        for (let fi = 0; fi < F; fi++) list.push(rows[k + 1 + fi]!);
      }
    });
    const lists = new Map<string, number[]>(names.map((t, i) => [t, rowsOf[i]!]));
    // Document numbers and counts below 2^16 (any partition, most corpora) take half the memory.
    let total = 0;
    let narrow = records.length < 0xffff;
    for (const l of lists.values()) {
      total += l.length;
      if (narrow && l.some((x) => x >= 0xffff)) narrow = false;
    }
    this.offsets = new Uint32Array(lists.size + 1);
    this.postings = narrow ? new Uint16Array(total) : new Uint32Array(total);
    let at = 0;
    let i = 0;
    for (const [t, list] of lists) {
      this.tokenAt.set(t, i);
      this.offsets[i++] = at;
      this.postings.set(list, at);
      at += list.length;
    }
    this.offsets[i] = at;
    FIELDS.forEach((_, fi) => (this.avg[fi] = records.length ? sums[fi]! / records.length || 1 : 1));
  }

  /** Index tokens of a text: words and character bigrams. */
  tokens(text: string): string[] {
    const t = fold(text);
    return [...this.segmenter.index(t), ...bigrams(t)];
  }

  /** Query tokens of one word form: its words and bigrams, each weighted so the form sums to `weight`. */
  formTokens(form: string, weight: number): WeightedToken[] {
    const words = [...new Set(this.segmenter.index(form))];
    const grams = [...new Set(bigrams(form))];
    const out: WeightedToken[] = [];
    // Words and bigrams share the weight: words say "this word", bigrams catch compounds and variants.
    for (const token of words) out.push({ token, weight: (weight * 0.6) / words.length });
    for (const token of grams) out.push({ token, weight: (weight * 0.4) / grams.length });
    if (grams.length === 0) for (const o of out) o.weight = weight / words.length;
    return out;
  }

  /** BM25F scores by record id for weighted query tokens. */
  score(tokens: WeightedToken[]): Map<string, number> {
    const n = this.ids.length;
    const scores = new Map<number, number>();
    const stride = FIELDS.length + 1;
    for (const { token, weight } of tokens) {
      if (weight <= 0) continue;
      const ti = this.tokenIndex(token);
      if (ti === undefined) continue;
      const from = this.offsets[ti]!;
      const to = this.offsets[ti + 1]!;
      const list = this.postings;
      const df = (to - from) / stride;
      const idf = Math.log(1 + (n - df + 0.5) / (df + 0.5));
      for (let at = from; at < to; at += stride) {
        const doc = list[at]!;
        const lo = doc * FIELDS.length;
        let tf = 0;
        for (let fi = 0; fi < FIELDS.length; fi++) {
          const raw = list[at + 1 + fi]!;
          if (raw === 0) continue;
          const { w, b } = FIELD_WEIGHTS[FIELDS[fi]!];
          tf += (w * raw) / (1 - b + (b * this.lens[lo + fi]!) / this.avg[fi]!);
        }
        const s = weight * idf * (tf / (K1 + tf));
        scores.set(doc, (scores.get(doc) ?? 0) + s);
      }
    }
    const out = new Map<string, number>();
    for (const [doc, s] of scores) out.set(this.ids[doc]!, s);
    return out;
  }
}

/** Several partitions scored as one: each with its own statistics, scores merged by record id. */
export class MergedFieldIndex implements FieldScorer {
  constructor(private readonly parts: readonly FieldIndex[]) {}

  formTokens(form: string, weight: number): WeightedToken[] {
    return this.parts[0]!.formTokens(form, weight);
  }

  score(tokens: WeightedToken[]): Map<string, number> {
    const out = new Map<string, number>();
    for (const p of this.parts) for (const [id, s] of p.score(tokens)) out.set(id, s);
    return out;
  }
}

/** Field index data with its tokens as a sorted UTF-8 table (what the index stores: looked up without decoding). */
export function sortedFieldData(d: FieldIndexData): FieldIndexData {
  if (!Array.isArray(d.tokens)) return d;
  const names = d.tokens;
  const encoded = names.map((t) => Buffer.from(t, 'utf8'));
  // UTF-8 byte order is code point order, which UTF-16 order matches where no token holds a surrogate pair.
  const order = names.map((_, i) => i);
  if (names.some((t) => /[\uD800-\uDFFF]/.test(t))) order.sort((a, b) => Buffer.compare(encoded[a]!, encoded[b]!));
  else order.sort((a, b) => (names[a]! < names[b]! ? -1 : names[a]! > names[b]! ? 1 : 0));
  const offsets = new Uint32Array(order.length + 1);
  const postings = d.postings instanceof Uint32Array ? new Uint32Array(d.postings.length) : new Uint16Array(d.postings.length);
  const starts = new Uint32Array(order.length + 1);
  const bytes = new Uint8Array(encoded.reduce((n, b) => n + b.length, 0));
  let at = 0;
  let byte = 0;
  order.forEach((ti, i) => {
    offsets[i] = at;
    const part = d.postings.subarray(d.offsets[ti]!, d.offsets[ti + 1]!);
    postings.set(part, at);
    at += part.length;
    starts[i] = byte;
    bytes.set(encoded[ti]!, byte);
    byte += encoded[ti]!.length;
  });
  offsets[order.length] = at;
  starts[order.length] = byte;
  return { ids: d.ids, tokens: { bytes, starts }, offsets, postings, lens: d.lens, avg: d.avg };
}
