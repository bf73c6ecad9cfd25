import type { CorpusLoad } from '../ingest/parseManual.js';
import type { DutyRecord } from '../ingest/record.js';
import { Catalogue } from './catalogue.js';
import { Directory } from './directory.js';
import type { EmbeddedCorpus } from './embeddings/corpus.js';
import { WHOLE_CORPUS_MAX } from './engine.js';
import { FIELD_WEIGHTS, type FieldIndexData } from './fieldIndex.js';
import { fold, type FieldName, recordTexts } from './recordText.js';
import type { Segmenter } from './segmenter.js';
import { IdList, TokenCache } from './tokenCache.js';

const FIELDS = Object.keys(FIELD_WEIGHTS) as FieldName[];
const F = FIELDS.length;
/** FieldIndex's mark for character bigrams in its token space. */
const BIGRAM = '\u0002';

/** One family's partition as a rebuild stores it: its field index and its records' vectors, in record order. */
export interface BuiltPartition {
  family: string;
  records: readonly DutyRecord[];
  fields: FieldIndexData;
  vectors: Float32Array;
}

/** The field texts of one family's records (FIELDS order), as a helper thread receives them. */
export interface FieldJob {
  family: string;
  ids: string[];
  fields: string[][];
}

const catalogues = new WeakMap<readonly DutyRecord[], Catalogue>();

/** The catalogue of a build's records, made once for the partitions and the stored catalogue. */
export function catalogueOf(records: readonly DutyRecord[]): Catalogue {
  let c = catalogues.get(records);
  if (!c) catalogues.set(records, (c = Catalogue.fromRecords(records)));
  return c;
}

/** The partitions of a corpus: one per family (a bureau and its centres), and for a small corpus the whole of it under ''. */
export function familiesOf(corpus: CorpusLoad): { family: string; records: readonly DutyRecord[] }[] {
  const dir = new Directory(catalogueOf(corpus.records), corpus.units);
  const whole = corpus.records.length <= WHOLE_CORPUS_MAX ? [''] : [];
  return [...whole, ...dir.familyNames()].map((family) => ({ family, records: family === '' ? corpus.records : dir.familyRows(family).map((i) => corpus.records[i]!) }));
}

export function fieldJob(family: string, records: readonly DutyRecord[]): FieldJob {
  return { family, ids: records.map((r) => r.id), fields: records.map((r) => FIELDS.map((f) => recordTexts(r).fields[f])) };
}

/** Field indexes of jobs (in a helper thread, or here), with their tokens sorted as stored: the same data either way. */
export function fieldIndexes(jobs: readonly FieldJob[], segmenter: Segmenter, tokens = new TokenCache(segmenter)): FieldIndexData[] {
  return new FieldTokens(tokens).buildSorted(jobs.map((j) => ({ ids: j.ids, text: (doc: number, fi: number) => j.fields[doc]![fi]! })));
}

/** Partitions from their families' field indexes and the record vectors. */
export function assemblePartitions(
  families: readonly { family: string; records: readonly DutyRecord[] }[],
  fields: readonly FieldIndexData[],
  embedded: EmbeddedCorpus,
  all: readonly DutyRecord[],
): BuiltPartition[] {
  const row = new Map(all.map((r, i) => [r.id, i]));
  return families.map(({ family, records }, k) => {
    const vectors = new Float32Array(records.length * embedded.dimensions);
    records.forEach((r, i) => vectors.set(embedded.vectors[row.get(r.id)!]!, i * embedded.dimensions));
    return { family, records, fields: fields[k]!, vectors };
  });
}

/**
 * The partitions of a corpus, built on this thread. Field texts are segmented through `tokens` (shared with
 * the embedding).
 */
export function buildPartitions(corpus: CorpusLoad, embedded: EmbeddedCorpus, tokens: TokenCache): BuiltPartition[] {
  const families = familiesOf(corpus);
  const fields = new FieldTokens(tokens);
  return assemblePartitions(families, families.map((f) => fields.build(f.records)), embedded, corpus.records);
}

/** A set's postings by token key, before the tokens are sorted (see FieldTokens.collected). */
export interface CollectedFields {
  ids: string[];
  keys: Int32Array;
  offsets: Uint32Array;
  postings: Uint16Array | Uint32Array;
  lens: Float32Array;
  avg: Float32Array;
}

/**
 * Field indexes built from term numbers: the same data `new FieldIndex(records, segmenter).toData()` gives
 * (tokens in order of first occurrence, postings [doc, tf per field] in record order), with each distinct
 * field text folded and segmented once for the whole build rather than once per record.
 */
export class FieldTokens {
  /** Per field text: its tokens as keys (term id × 2, plus 1 for a bigram), words first, then bigrams. */
  private readonly byText = new Map<string, Int32Array>();
  private readonly words = new IdList();
  private readonly bigrams = new IdList();
  /** Per key: its token number in the partition being built, or -1. */
  private local = new Int32Array(0);
  /** Per token number of the partition being built: the last document it was counted for, and its row there. */
  private lastDoc = new Int32Array(0);
  private rowOf = new Int32Array(0);

  constructor(
    private readonly tokens: TokenCache,
    private readonly maxTexts = 100_000,
  ) {}

  /** The tokens of a field text: FieldIndex.tokens (words of the folded text, then its bigrams). */
  keys(text: string): Int32Array {
    let keys = this.byText.get(text);
    if (keys) return keys;
    const { words, bigrams } = this;
    words.clear();
    bigrams.clear();
    this.tokens.tokens(fold(text), words, bigrams);
    keys = new Int32Array(words.length + bigrams.length);
    for (let i = 0; i < words.length; i++) keys[i] = words.data[i]! * 2;
    for (let i = 0; i < bigrams.length; i++) keys[words.length + i] = bigrams.data[i]! * 2 + 1;
    if (this.byText.size >= this.maxTexts) this.byText.clear();
    this.byText.set(text, keys);
    return keys;
  }

  build(records: readonly DutyRecord[]): FieldIndexData {
    return this.buildFrom(
      records.map((r) => r.id),
      (doc, fi) => recordTexts(records[doc]!).fields[FIELDS[fi]!],
    );
  }

  /** The field index of records given by id and field text (`text(doc, field number)`, fields in FIELDS order). */
  buildFrom(ids: string[], text: (doc: number, field: number) => string): FieldIndexData {
    const raw = this.collect(ids, text);
    const names = this.tokens.terms.names;
    const tokenNames: string[] = [];
    for (const key of raw.keys) tokenNames.push(this.tokenName(key, names));
    return { ids: [...ids], tokens: tokenNames, offsets: raw.offsets, postings: raw.postings, lens: raw.lens, avg: raw.avg };
  }

  /**
   * Field indexes of several record sets with their tokens as the sorted table an index stores: what
   * `sortedFieldData(buildFrom(…))` gives each, with every distinct token encoded and ordered once for all
   * sets (one sort of the build's tokens, then an integer sort per set) instead of a string sort per set.
   */
  buildSorted(parts: readonly { ids: string[]; text: (doc: number, field: number) => string }[]): FieldIndexData[] {
    return this.sorted(parts.map((p) => this.collected(p.ids, p.text)));
  }

  /** One set's postings, for `sorted` (a build may collect its sets as they come and sort them all at the end). */
  collected(ids: string[], text: (doc: number, field: number) => string): CollectedFields {
    return { ids, ...this.collect(ids, text) };
  }

  /** The collected sets' field indexes, tokens as the sorted table (see buildSorted). */
  sorted(raws: CollectedFields[]): FieldIndexData[] {
    const names = this.tokens.terms.names;
    // Every key in use, in the order sortedFieldData puts their tokens (UTF-8 byte order = code point order).
    const used = new Uint8Array(2 * this.tokens.terms.size);
    let count = 0;
    for (const r of raws) for (const key of r.keys) if (used[key] === 0) (used[key] = 1), count++;
    const keys = new Int32Array(count);
    for (let key = 0, k = 0; key < used.length; key++) if (used[key] === 1) keys[k++] = key;
    const tokenOf = Array.from(keys, (key) => this.tokenName(key, names));
    const order = Array.from(keys, (_, k) => k);
    if (tokenOf.some((t) => /[\uD800-\uDFFF]/.test(t))) {
      const encoded = tokenOf.map((t) => Buffer.from(t, 'utf8'));
      order.sort((a, b) => Buffer.compare(encoded[a]!, encoded[b]!));
    } else order.sort((a, b) => (tokenOf[a]! < tokenOf[b]! ? -1 : tokenOf[a]! > tokenOf[b]! ? 1 : 0));
    const rank = new Int32Array(used.length);
    const bytesOf: Buffer[] = [];
    order.forEach((k, r) => {
      rank[keys[k]!] = r;
      bytesOf.push(Buffer.from(tokenOf[k]!, 'utf8'));
    });
    // Per rank: the local token number in the set being sorted.
    const localAt = new Int32Array(count);
    return raws.map((raw, k) => {
      // Each set's unsorted data is let go as soon as its sorted copy exists.
      (raws as unknown[])[k] = null;
      const m = raw.keys.length;
      const ranks = new Int32Array(m);
      for (let t = 0; t < m; t++) {
        const r = rank[raw.keys[t]!]!;
        ranks[t] = r;
        localAt[r] = t;
      }
      ranks.sort();
      const offsets = new Uint32Array(m + 1);
      const postings = raw.postings instanceof Uint32Array ? new Uint32Array(raw.postings.length) : new Uint16Array(raw.postings.length);
      const starts = new Uint32Array(m + 1);
      let bytesLength = 0;
      for (let i = 0; i < m; i++) bytesLength += bytesOf[ranks[i]!]!.length;
      const bytes = new Uint8Array(bytesLength);
      let at = 0;
      let byte = 0;
      for (let i = 0; i < m; i++) {
        const r = ranks[i]!;
        const t = localAt[r]!;
        offsets[i] = at;
        const part = raw.postings.subarray(raw.offsets[t]!, raw.offsets[t + 1]!);
        postings.set(part, at);
        at += part.length;
        starts[i] = byte;
        const b = bytesOf[r]!;
        bytes.set(b, byte);
        byte += b.length;
      }
      offsets[m] = at;
      starts[m] = byte;
      return { ids: [...raw.ids], tokens: { bytes, starts }, offsets, postings, lens: raw.lens, avg: raw.avg };
    });
  }

  private tokenName(key: number, names: readonly string[]): string {
    return key & 1 ? BIGRAM + names[key >> 1]! : names[key >> 1]!;
  }

  /** Postings [doc, tf per field] of records in record order, per token (by key) in order of first occurrence. */
  private collect(
    ids: string[],
    text: (doc: number, field: number) => string,
  ): { keys: Int32Array; offsets: Uint32Array; postings: Uint16Array | Uint32Array; lens: Float32Array; avg: Float32Array } {
    const n = ids.length;
    const lens = new Float32Array(n * F);
    const sums = new Float32Array(F);
    // Token numbers in order of first occurrence (as keys), and all rows [token, doc, tf per field] in record order.
    const order = new IdList();
    const rows = new IdList();
    let maxTf = 0;
    const W = F + 2;
    for (let doc = 0; doc < n; doc++) {
      for (let fi = 0; fi < F; fi++) {
        const keys = this.keys(text(doc, fi));
        if (this.local.length < 2 * this.tokens.terms.size) this.grow();
        lens[doc * F + fi] = keys.length;
        sums[fi]! += keys.length;
        const local = this.local;
        for (let k = 0; k < keys.length; k++) {
          const key = keys[k]!;
          let t = local[key]!;
          if (t < 0) {
            local[key] = t = order.length;
            order.push(key);
            if (t >= this.lastDoc.length) this.growTokens(t + 1);
            this.lastDoc[t] = -1;
          }
          let at: number;
          if (this.lastDoc[t] !== doc) {
            this.lastDoc[t] = doc;
            at = rows.length;
            this.rowOf[t] = at;
            rows.reserve(W);
            const d = rows.data;
            d[at] = t;
            d[at + 1] = doc;
            for (let f = 2; f < W; f++) d[at + f] = 0;
            rows.length = at + W;
          } else at = this.rowOf[t]!;
          const tf = ++rows.data[at + 2 + fi]!;
          if (tf > maxTf) maxTf = tf;
        }
      }
    }
    const tokenCount = order.length;
    // Rows per token, then each token's rows in record order: the postings FieldIndex packs.
    const stride = F + 1;
    const offsets = new Uint32Array(tokenCount + 1);
    const R = rows.data;
    for (let at = 0; at < rows.length; at += F + 2) offsets[R[at]! + 1]! += stride;
    for (let t = 0; t < tokenCount; t++) offsets[t + 1]! += offsets[t]!;
    const total = offsets[tokenCount]!;
    const narrow = n < 0xffff && maxTf < 0xffff;
    const postings = narrow ? new Uint16Array(total) : new Uint32Array(total);
    const cursor = offsets.slice(0, tokenCount);
    for (let at = 0; at < rows.length; at += F + 2) {
      const t = R[at]!;
      let to = cursor[t]!;
      postings[to++] = R[at + 1]!;
      for (let f = 0; f < F; f++) postings[to++] = R[at + 2 + f]!;
      cursor[t] = to;
    }
    const keys = order.data.slice(0, tokenCount);
    for (let t = 0; t < tokenCount; t++) this.local[keys[t]!] = -1;
    const avg = new Float32Array(F);
    // An empty index keeps zero averages, as FieldIndex leaves them.
    if (n > 0) for (let fi = 0; fi < F; fi++) avg[fi] = sums[fi]! / n || 1;
    return { keys, offsets, postings, lens, avg };
  }

  private grow(): void {
    const next = new Int32Array(Math.max(2 * this.tokens.terms.size, this.local.length * 2)).fill(-1);
    next.set(this.local);
    this.local = next;
  }

  private growTokens(n: number): void {
    const size = Math.max(n, this.lastDoc.length * 2, 1024);
    const last = new Int32Array(size);
    last.set(this.lastDoc);
    this.lastDoc = last;
    const rowOf = new Int32Array(size);
    rowOf.set(this.rowOf);
    this.rowOf = rowOf;
  }
}
