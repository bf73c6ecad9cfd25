import { BigramSegmenter, type Segmenter } from '../segmenter.js';
import { JiebaSegmenter } from './jiebaSegmenter.js';

/** How to make a segmenter again in another thread (the same cut), where it is one of these. */
export type SegmenterRecipe = { kind: 'jieba'; words: string[] } | { kind: 'bigram' };

export function recipeOf(s: Segmenter): SegmenterRecipe | null {
  if (s instanceof JiebaSegmenter) return { kind: 'jieba', words: s.extraWords };
  if (s instanceof BigramSegmenter) return { kind: 'bigram' };
  return null;
}

export function segmenterFrom(r: SegmenterRecipe): Segmenter {
  return r.kind === 'jieba' ? new JiebaSegmenter(r.words) : new BigramSegmenter();
}
