import type { DutyRecord } from '../../ingest/record.js';
import { indexText } from '../recordText.js';
import type { TokenCache } from '../tokenCache.js';
import { type CorpusFit, type EmbedderSource, type Embedder, type FittedEmbedder, isCorpusFit, isSync, type SyncEmbedder, toFloat32 } from './types.js';

/** The text embedded for a record: its key (item, titles, post) twice, then the whole row. */
export function embedText(r: DutyRecord): string {
  const { key, body } = indexText(r);
  return `${key} ${key} ${body}`;
}

export interface EmbeddedCorpus {
  embedder: Embedder;
  /** The fitted model, when the source fits one: stored next to the vectors. */
  fitted: FittedEmbedder | null;
  vectors: Float32Array[];
  dimensions: number;
}

function finish(embedder: Embedder, fitted: FittedEmbedder | null, vectors: Float32Array[]): EmbeddedCorpus {
  const dimensions = vectors[0]?.length ?? embedder.dimensions;
  if (vectors.some((v) => v.length !== dimensions)) throw new Error(`embedder ${embedder.id} returned vectors of different lengths`);
  return { embedder, fitted, vectors, dimensions };
}

/** Vectors for the records with a local embedder (fitted here when the source is a recipe). */
export function embedCorpusSync(source: EmbedderSource, texts: readonly string[], tokens?: TokenCache): EmbeddedCorpus {
  if (isCorpusFit(source)) {
    if (source.fitAndEmbed) {
      const { fitted, vectors } = source.fitAndEmbed(texts, tokens);
      return finish(fitted, fitted, vectors);
    }
    const fitted = source.fit(texts);
    return finish(fitted, fitted, texts.map((t) => fitted.embedSync(t)));
  }
  if (!isSync(source)) throw new Error(`embedder ${source.id} is asynchronous: build the index with embedCorpus (MemoryIndex.build)`);
  return finish(source, null, texts.map((t) => (source as SyncEmbedder).embedSync(t)));
}

/** Vectors for the records with any embedder: remote and transformers.js ones in batches. */
export async function embedCorpus(source: EmbedderSource, texts: readonly string[], tokens?: TokenCache): Promise<EmbeddedCorpus> {
  if (isCorpusFit(source) || isSync(source)) return embedCorpusSync(source, texts, tokens);
  const raw = texts.length > 0 ? await source.embedDocuments([...texts]) : [];
  if (raw.length !== texts.length) throw new Error(`embedder ${source.id} returned ${raw.length} vectors for ${texts.length} texts`);
  return finish(source, null, raw.map((v) => toFloat32(v)));
}

/** Vectors for the records from a fit stored earlier (e.g. bundled at build time); null when it does not restore. */
export function embedCorpusFromFit(fit: CorpusFit, bytes: Uint8Array, texts: readonly string[]): EmbeddedCorpus | null {
  let fitted: FittedEmbedder;
  try {
    fitted = fit.restore(bytes);
  } catch {
    return null;
  }
  return finish(fitted, fitted, fitted.embedMany ? fitted.embedMany(texts) : texts.map((t) => fitted.embedSync(t)));
}

/** Bytes as base64 and back, with the atob/btoa every runtime has. */
export function toBase64(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

export function fromBase64(text: string): Uint8Array {
  const s = atob(text);
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}
