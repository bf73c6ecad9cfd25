import type { EmbeddingsInterface } from '@langchain/core/embeddings';
import type { TokenCache } from '../tokenCache.js';

/**
 * A vector space the index and the engine share. LangChain's embeddings interface plus an identity
 * (the index rebuilds when it changes) and, for local embedders, a synchronous path so the in-process
 * engine stays synchronous and fast.
 */
export interface Embedder extends EmbeddingsInterface {
  /** Provider, model, dimensions and (for fitted embedders) the hash of the fitted state. */
  readonly id: string;
  /** Vector length; 0 for a remote model whose length is known only after its first reply. */
  readonly dimensions: number;
  embedDocuments(texts: string[]): Promise<number[][]>;
  embedQuery(text: string): Promise<number[]>;
  embedSync?(text: string): Float32Array;
}

/** An embedder that computes vectors in process, synchronously. */
export interface SyncEmbedder extends Embedder {
  embedSync(text: string): Float32Array;
}

/** An embedder whose model is fitted on the corpus at ingest (the offline default). */
export interface FittedEmbedder extends SyncEmbedder {
  /** The fitted model as bytes, stored in the index so re-opening it does not refit. */
  serialize(): Uint8Array;
  /** The vectors embedSync gives for many texts, faster (segmentation shared through `tokens`). */
  embedMany?(texts: readonly string[], tokens?: TokenCache): Float32Array[];
}

/**
 * What an index is opened with: either a ready embedder (remote, transformers.js, fixed hashing) or a
 * recipe that fits one on the loaded records and can restore a stored fit.
 */
export interface CorpusFit {
  readonly kind: 'corpus-fit';
  /** Identity of the recipe (settings and segmenter), before any fit. */
  readonly configId: string;
  fit(texts: readonly string[]): FittedEmbedder;
  /** fit, then the texts' vectors: what embedSync gives each, faster (segmentation shared through `tokens`). */
  fitAndEmbed?(texts: readonly string[], tokens?: TokenCache): { fitted: FittedEmbedder; vectors: Float32Array[] };
  /** Restores a stored fit; throws when the bytes are not a fit of this recipe. */
  restore(bytes: Uint8Array): FittedEmbedder;
}

export type EmbedderSource = Embedder | CorpusFit;

export function isCorpusFit(s: EmbedderSource): s is CorpusFit {
  return (s as CorpusFit).kind === 'corpus-fit';
}

export function isSync(e: Embedder): e is SyncEmbedder {
  return typeof e.embedSync === 'function';
}

/** The configuration identity of a source: what the index fingerprint records before a fit exists. */
export function sourceId(s: EmbedderSource): string {
  return isCorpusFit(s) ? s.configId : s.id;
}

export function l2normalize(v: Float32Array): Float32Array {
  let norm = 0;
  for (let i = 0; i < v.length; i++) norm += v[i]! * v[i]!;
  norm = Math.sqrt(norm);
  if (norm > 0) for (let i = 0; i < v.length; i++) v[i]! /= norm;
  return v;
}

export function toFloat32(v: readonly number[] | Float32Array): Float32Array {
  return l2normalize(Float32Array.from(v));
}
