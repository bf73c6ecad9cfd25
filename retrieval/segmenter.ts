/** Word segmentation behind one small interface: jieba on Node, character bigrams anywhere. */
export interface Segmenter {
  /** Tokens for the full-text index and its queries (the same cut on both sides). */
  index(text: string): string[];
  /** Words of a question, for matching against record fields. */
  words(text: string): string[];
  /** Words with part-of-speech tags (jieba's tag set), where the segmenter knows them. */
  tag?(text: string): TaggedWord[];
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
