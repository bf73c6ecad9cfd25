import type { CorpusLoad } from '../../ingest/parseManual.js';
import { type EmbeddedCorpus, embedCorpus, embedText } from '../embeddings/corpus.js';
import { LocalEmbedderFit } from '../embeddings/local.js';
import type { EmbedderSource } from '../embeddings/types.js';
import type { FieldIndexData } from '../fieldIndex.js';
import { assemblePartitions, type BuiltPartition, familiesOf, fieldIndexes, fieldJob } from '../indexBuild.js';
import type { Segmenter } from '../segmenter.js';
import { TokenCache } from '../tokenCache.js';
import { BuildThread } from './buildPool.js';
import { recipeOf } from './segmenterRecipe.js';

/** Above this many records a helper thread builds the field indexes and embeds half the records. */
const THREAD_RECORDS = 3000;

/**
 * What a rebuild computes before writing: the record vectors (and the embedder's fit) and, with a segmenter,
 * one partition per family. A large corpus is done on two threads: the helper builds the field indexes while
 * this thread fits the embedder, then each embeds half the records. The result is the same either way.
 */
export async function computeIndex(
  corpus: CorpusLoad,
  o: { embedder: EmbedderSource; segmenter?: Segmenter; threads?: boolean },
): Promise<{ embedded: EmbeddedCorpus; partitions: BuiltPartition[] }> {
  // One segmentation of each distinct piece of text for the embedder's fit, the vectors and the field indexes.
  const tokens = o.segmenter ? new TokenCache(o.segmenter) : undefined;
  const recipe = o.segmenter ? recipeOf(o.segmenter) : null;
  const thread = recipe && (o.threads ?? corpus.records.length >= THREAD_RECORDS) ? BuildThread.acquire() : null;
  try {
    const families = o.segmenter ? familiesOf(corpus) : [];
    const jobs = families.map((f) => fieldJob(f.family, f.records));
    const local = () => fieldIndexes(jobs, o.segmenter!, tokens);
    // Sent first: the field indexes need no vectors, and the helper builds them while this thread fits the embedder.
    const fields: Promise<FieldIndexData[]> = thread
      ? thread.run<FieldIndexData[]>({ kind: 'fields', recipe: recipe!, jobs }).catch(() => local())
      : Promise.resolve(o.segmenter ? local() : []);
    const texts = corpus.records.map(embedText);
    const embedded = await embedOn(thread, o.embedder, texts, tokens);
    return { embedded, partitions: assemblePartitions(families, await fields, embedded, corpus.records) };
  } finally {
    thread?.release();
  }
}

async function embedOn(thread: BuildThread | null, source: EmbedderSource, texts: string[], tokens?: TokenCache): Promise<EmbeddedCorpus> {
  const recipe = source instanceof LocalEmbedderFit ? recipeOf(source.segmenter) : null;
  if (!thread || !recipe || !(source instanceof LocalEmbedderFit)) return embedCorpus(source, texts, tokens);
  const fitted = source.fit(texts, tokens);
  const cut = Math.ceil(texts.length / 2);
  const rest = texts.slice(cut);
  // The helper restores the fit (a restored fit embeds exactly as the fresh one) and embeds the second half.
  const theirs = thread.run<Float32Array[]>({ kind: 'embed', recipe, options: source.o, fit: fitted.serialize(), texts: rest }).catch(() => null);
  const mine = fitted.embedMany!(texts.slice(0, cut), tokens);
  const other = (await theirs) ?? fitted.embedMany!(rest, tokens);
  const vectors = [...mine, ...other];
  return { embedder: fitted, fitted, vectors, dimensions: vectors[0]?.length ?? fitted.dimensions };
}
