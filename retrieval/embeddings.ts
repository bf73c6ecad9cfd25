import { Embeddings, type EmbeddingsParams } from '@langchain/core/embeddings';
import type { SyncEmbedder } from './embeddings/types.js';

/**
 * Fixed (unfitted) hashed character 1–3-grams, signed, L2-normalised: the previous default, kept for
 * tests and comparisons. The default is now the corpus fit in embeddings/local.ts.
 */
export class HashingNgramEmbeddings extends Embeddings implements SyncEmbedder {
  readonly dimensions: number;

  constructor(params: EmbeddingsParams & { dimensions?: number } = {}) {
    super(params);
    this.dimensions = params.dimensions ?? 256;
  }

  /** Identifies the vector space, so an index built with another embedder is rebuilt. */
  get id(): string {
    return `hashing-ngram-1-3@${this.dimensions}`;
  }

  embed(text: string): Float32Array {
    const v = new Float32Array(this.dimensions);
    const chars = [...text.replace(/[\s\p{P}\p{S}]+/gu, '')];
    for (let n = 1; n <= 3; n++) {
      const weight = n === 1 ? 0.5 : 1;
      for (let i = 0; i + n <= chars.length; i++) {
        const h = fnv1a(chars.slice(i, i + n).join(''));
        v[h % this.dimensions]! += (h & 0x80000000 ? -1 : 1) * weight;
      }
    }
    let norm = 0;
    for (const x of v) norm += x * x;
    norm = Math.sqrt(norm) || 1;
    for (let i = 0; i < v.length; i++) v[i]! /= norm;
    return v;
  }

  embedSync(text: string): Float32Array {
    return this.embed(text);
  }

  async embedDocuments(texts: string[]): Promise<number[][]> {
    return texts.map((t) => Array.from(this.embed(t)));
  }

  async embedQuery(text: string): Promise<number[]> {
    return Array.from(this.embed(text));
  }
}

function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}
