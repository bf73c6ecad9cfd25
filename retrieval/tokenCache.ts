import type { Segmenter } from './segmenter.js';

/**
 * Where a separable segmenter's cut may be split: whitespace, punctuation and symbols, except the few
 * characters jieba keeps inside a word (+#&._%-). None of these ever becomes a token (cleanTokens drops them).
 */
const SEPARATORS = /(?:(?![+#&._%\-])[\s\p{P}\p{S}])+/u;
const CJK_RUN = /[\u4e00-\u9fa5]+/g;

/** Strings numbered in order of first sight; a build's tokens as small integers. */
export class Terms {
  private readonly ids = new Map<string, number>();
  readonly names: string[] = [];

  id(name: string): number {
    let id = this.ids.get(name);
    if (id === undefined) {
      this.ids.set(name, (id = this.names.length));
      this.names.push(name);
    }
    return id;
  }

  get size(): number {
    return this.names.length;
  }
}

/** A growable list of integers (no array of boxed numbers per text). */
export class IdList {
  data = new Int32Array(256);
  length = 0;

  push(x: number): void {
    if (this.length === this.data.length) this.reserve(1);
    this.data[this.length++] = x;
  }

  /** Room for n more entries (written through `data`, then counted in `length`). */
  reserve(n: number): void {
    if (this.length + n <= this.data.length) return;
    const next = new Int32Array(Math.max(this.data.length * 2, this.length + n));
    next.set(this.data);
    this.data = next;
  }

  clear(): void {
    this.length = 0;
  }

  view(): Int32Array {
    return this.data.subarray(0, this.length);
  }
}

export interface TokenCacheOptions {
  /** Distinct pieces kept at most; past it the cache starts over (results never depend on it, only speed). */
  maxPieces?: number;
}

/**
 * The segmenter's index tokens and the CJK character bigrams of texts, as term ids, for one index build:
 * the embedder's fit, the embedding and every field index read the same texts, and manuals made from one
 * template repeat the same phrases across bureaus. A separable segmenter's cut of a text is the cuts of its
 * pieces between separators, so pieces are cached, not whole texts: a text never seen before still reuses
 * every phrase seen before. Pieces not cached yet are segmented together, one segmenter call per text.
 */
export class TokenCache {
  readonly terms = new Terms();
  /** Per piece: [number of word ids, word ids…, bigram ids…]. */
  private readonly pieces = new Map<string, Int32Array>();
  private readonly maxPieces: number;
  private readonly scratch: Int32Array[] = [];

  constructor(
    readonly segmenter: Segmenter,
    o: TokenCacheOptions = {},
  ) {
    this.maxPieces = o.maxPieces ?? 200_000;
  }

  /**
   * Appends the term ids of `segmenter.index(text)` to `words` and of the text's CJK bigrams (runs of
   * U+4E00–U+9FA5, in order) to `bigrams`: the same tokens, in the same order, as segmenting the whole text.
   */
  tokens(text: string, words: IdList, bigrams: IdList): void {
    const separable = this.segmenter.separable === true;
    // Empty pieces between separators hold no token; a whole text goes to the segmenter as it is.
    const parts = separable ? text.split(SEPARATORS).filter((p) => p !== '') : [text];
    const entries = this.scratch;
    entries.length = 0;
    let missing: string[] | null = null;
    for (const p of parts) {
      const hit = this.pieces.get(p);
      if (hit) entries.push(hit);
      else (missing ??= []).push(p);
    }
    if (missing) {
      // The text's new pieces in one call: a piece that occurs twice is segmented once.
      const unique = [...new Set(missing)];
      const cuts = this.segmenter.indexMany ? this.segmenter.indexMany(unique) : unique.map((u) => this.segmenter.index(u));
      const fresh = new Map(unique.map((u, i) => [u, this.piece(u, cuts[i]!)]));
      entries.length = 0;
      for (const p of parts) entries.push(this.pieces.get(p) ?? fresh.get(p)!);
      if (this.pieces.size + fresh.size > this.maxPieces) this.pieces.clear();
      for (const [p, e] of fresh) this.pieces.set(p, e);
    }
    for (const e of entries) for (let i = 1; i <= e[0]!; i++) words.push(e[i]!);
    for (const e of entries) for (let i = e[0]! + 1; i < e.length; i++) bigrams.push(e[i]!);
  }

  private piece(text: string, words: string[]): Int32Array {
    const ids: number[] = [words.length];
    for (const w of words) ids.push(this.terms.id(w));
    for (const run of text.match(CJK_RUN) ?? []) for (let i = 0; i + 1 < run.length; i++) ids.push(this.terms.id(run.slice(i, i + 2)));
    return Int32Array.from(ids);
  }
}
