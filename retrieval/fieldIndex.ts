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

/** A field index as stored (one partition of an index file): tokens, packed postings, field lengths. */
export interface FieldIndexData {
  ids: string[];
  tokens: string[];
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
  /** Per token, packed rows of [doc, tf in each field]: small enough for tens of thousands of records. */
  private readonly postings = new Map<string, Uint16Array | Uint32Array>();
  private readonly lens: Float32Array[] = [];
  private avg: Float32Array = new Float32Array(FIELDS.length);
  readonly ids: string[] = [];

  /** A stored partition back in memory: no segmentation, the postings are views of the stored arrays. */
  static fromData(data: FieldIndexData, segmenter: Segmenter): FieldIndex {
    const f = new FieldIndex([], segmenter);
    f.ids.push(...data.ids);
    data.tokens.forEach((t, i) => f.postings.set(t, data.postings.subarray(data.offsets[i]!, data.offsets[i + 1]!)));
    for (let doc = 0; doc < data.ids.length; doc++) f.lens.push(data.lens.subarray(doc * FIELDS.length, (doc + 1) * FIELDS.length));
    f.avg = data.avg;
    return f;
  }

  toData(): FieldIndexData {
    const tokens = [...this.postings.keys()];
    const offsets = new Uint32Array(tokens.length + 1);
    let total = 0;
    tokens.forEach((t, i) => {
      offsets[i] = total;
      total += this.postings.get(t)!.length;
    });
    offsets[tokens.length] = total;
    const wide = [...this.postings.values()].some((p) => p instanceof Uint32Array);
    const postings = wide ? new Uint32Array(total) : new Uint16Array(total);
    tokens.forEach((t, i) => postings.set(this.postings.get(t)!, offsets[i]!));
    const lens = new Float32Array(this.ids.length * FIELDS.length);
    this.lens.forEach((l, doc) => lens.set(l, doc * FIELDS.length));
    return { ids: [...this.ids], tokens, offsets, postings, lens, avg: this.avg };
  }

  constructor(records: readonly DutyRecord[], private readonly segmenter: Segmenter) {
    const sums = new Float32Array(FIELDS.length);
    const lists = new Map<string, number[]>();
    records.forEach((r, doc) => {
      this.ids.push(r.id);
      const fields = recordTexts(r).fields;
      const counts = new Map<string, Float32Array>();
      const lens = new Float32Array(FIELDS.length);
      FIELDS.forEach((f, fi) => {
        const tokens = this.tokens(fields[f]);
        lens[fi] = tokens.length;
        sums[fi]! += tokens.length;
        for (const t of tokens) {
          let tf = counts.get(t);
          if (!tf) counts.set(t, (tf = new Float32Array(FIELDS.length)));
          tf[fi]! += 1;
        }
      });
      this.lens.push(lens);
      for (const [t, tf] of counts) {
        let list = lists.get(t);
        if (!list) lists.set(t, (list = []));
        list.push(doc, ...Array.from(tf, (x) => x));
      }
    });
    // Document numbers and counts below 2^16 (any partition, most corpora) take half the memory.
    const narrow = records.length < 0xffff && [...lists.values()].every((l) => l.every((x) => x < 0xffff));
    for (const [t, list] of lists) this.postings.set(t, narrow ? Uint16Array.from(list) : Uint32Array.from(list));
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
    for (const { token, weight } of tokens) {
      if (weight <= 0) continue;
      const list = this.postings.get(token);
      if (!list) continue;
      const stride = FIELDS.length + 1;
      const df = list.length / stride;
      const idf = Math.log(1 + (n - df + 0.5) / (df + 0.5));
      for (let at = 0; at < list.length; at += stride) {
        const doc = list[at]!;
        const lens = this.lens[doc]!;
        let tf = 0;
        for (let fi = 0; fi < FIELDS.length; fi++) {
          const raw = list[at + 1 + fi]!;
          if (raw === 0) continue;
          const { w, b } = FIELD_WEIGHTS[FIELDS[fi]!];
          tf += (w * raw) / (1 - b + (b * lens[fi]!) / this.avg[fi]!);
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
