/** Word segmentation behind one small interface: jieba on Node, character bigrams anywhere. */
export interface Segmenter {
  /** Tokens for the full-text index and its queries (the same cut on both sides). */
  index(text: string): string[];
  /** Words of a question, for matching against record fields. */
  words(text: string): string[];
  /** Words with part-of-speech tags (jieba's tag set), where the segmenter knows them. */
  tag?(text: string): TaggedWord[];
  /**
   * True when `index` of a text equals `index` of its pieces between whitespace, punctuation and symbols
   * (other than +#&._%-), concatenated: then the pieces can be segmented once and cached (see TokenCache).
   */
  readonly separable?: boolean;
  /** `index` of several texts in one call, where that is cheaper than one call each. */
  indexMany?(texts: string[]): string[][];
}

export interface TaggedWord {
  word: string;
  tag: string;
}

const PUNCT = /^[\p{P}\p{S}\s]+$/u;

export function cleanTokens(tokens: string[]): string[] {
  return tokens.map((t) => t.trim().toLowerCase()).filter((t) => t && !PUNCT.test(t));
}

/** Runtime-free fallback: CJK runs as unigrams + bigrams, other runs as words. */
export class BigramSegmenter implements Segmenter {
  // Runs of CJK or of letters and digits never cross a separator.
  readonly separable = true;

  index(text: string): string[] {
    const out: string[] = [];
    for (const run of text.match(/[\u4e00-\u9fa5]+|[A-Za-z0-9]+/g) ?? []) {
      if (!/[\u4e00-\u9fa5]/.test(run)) {
        out.push(run.toLowerCase());
        continue;
      }
      for (let i = 0; i < run.length; i++) {
        out.push(run[i]!);
        if (i + 1 < run.length) out.push(run.slice(i, i + 2));
      }
    }
    return out;
  }

  words(text: string): string[] {
    const out: string[] = [];
    for (const run of text.match(/[\u4e00-\u9fa5]+|[A-Za-z0-9]+/g) ?? []) {
      if (run.length <= 4) out.push(run);
      else for (let i = 0; i < run.length; i += 2) out.push(run.slice(i, Math.min(run.length, i + 2)));
    }
    return out;
  }
}
