import type { CorpusLoad } from '../../ingest/parseManual.js';
import { type EmbeddedCorpus, embedCorpus, embedText } from '../embeddings/corpus.js';
import { LocalEmbedderFit, ngramIdf } from '../embeddings/local.js';
import type { EmbedderSource } from '../embeddings/types.js';
import type { FieldIndexData } from '../fieldIndex.js';
import { assemblePartitions, type BuiltPartition, familiesOf, type FieldJob, fieldIndexes, fieldJob } from '../indexBuild.js';
import type { Segmenter } from '../segmenter.js';
import { withFoldCache } from '../recordText.js';
import { TokenCache } from '../tokenCache.js';
import { BuildThread } from './buildPool.js';
import type { EmbeddedShare } from './indexThread.js';
import { recipeOf } from './segmenterRecipe.js';

/** From this many records a helper thread builds the field indexes and shares the embedding. */
const THREAD_RECORDS = 3000;

/** Families whose field texts go to the helper thread at a time. */
const FIELD_BATCH = 24;
/** Texts embedded per share: the two threads take shares in turn until none is left. */
const EMBED_CHUNK = 512;

/**
 * What a rebuild computes before writing: the record vectors (and the embedder's fit) and, with a segmenter,
 * one partition per family. A large corpus is done on two threads: the helper builds the field indexes while
 * this thread fits the embedder, then both embed the records, each taking the next share not yet taken.
 * `meanwhile` (writing what needs no vectors) runs here once, while the helper works. The result is the same
 * either way.
 */
export async function computeIndex(
  corpus: CorpusLoad,
  o: { embedder: EmbedderSource; segmenter?: Segmenter; threads?: boolean; meanwhile?: () => void },
): Promise<{ embedded: EmbeddedCorpus; partitions: BuiltPartition[] }> {
  // One segmentation of each distinct piece of text for the embedder's fit, the vectors and the field indexes.
  const tokens = o.segmenter ? new TokenCache(o.segmenter) : undefined;
  const recipe = o.segmenter ? recipeOf(o.segmenter) : null;
  const thread = recipe && (o.threads ?? corpus.records.length >= THREAD_RECORDS) ? BuildThread.acquire() : null;
  try {
    if (thread) void thread.run({ kind: 'warm', recipe: recipe! }).catch(() => null);
    const families = o.segmenter ? familiesOf(corpus) : [];
    // Sent first, in batches as their texts are made: the field indexes need no vectors, and the helper
    // builds them while this thread fits the embedder.
    const jobs: FieldJob[] = [];
    const batches: Promise<FieldIndexData[] | null>[] = [];
    withFoldCache(() => {
      for (let from = 0; from < families.length; from += FIELD_BATCH) {
        const batch = families.slice(from, from + FIELD_BATCH).map((f) => fieldJob(f.family, f.records));
        jobs.push(...batch);
        if (thread) batches.push(thread.run<FieldIndexData[] | null>({ kind: 'fields', recipe: recipe!, jobs: batch, last: from + FIELD_BATCH >= families.length }));
      }
    });
    const local = () => fieldIndexes(jobs, o.segmenter!, tokens);
    const fields: Promise<FieldIndexData[]> | null =
      thread && batches.length > 0 ? Promise.all(batches).then((r) => r[r.length - 1]!, () => local()) : null;
    const texts = corpus.records.map(embedText);
    const embedded = await embedOn(thread, o.embedder, texts, tokens, o.meanwhile ?? (() => {}));
    const data = fields ? await fields : o.segmenter ? local() : [];
    return { embedded, partitions: assemblePartitions(families, data, embedded, corpus.records) };
  } finally {
    thread?.release();
  }
}

async function embedOn(thread: BuildThread | null, source: EmbedderSource, texts: string[], tokens: TokenCache | undefined, meanwhile: () => void): Promise<EmbeddedCorpus> {
  const recipe = source instanceof LocalEmbedderFit ? recipeOf(source.segmenter) : null;
  if (!thread || !recipe || !(source instanceof LocalEmbedderFit)) {
    const embedded = await embedCorpus(source, texts, tokens);
    meanwhile();
    return embedded;
  }
  // The helper computes the n-gram idf (and keeps the texts for embedding) while this thread runs the SVD.
  const idf = thread.run<Float32Array>({ kind: 'ngram-idf', texts }).then(
    (v) => ({ v, sent: true }),
    () => ({ v: ngramIdf(texts), sent: false }),
  );
  const terms = source.fitTerms(texts, tokens);
  const hashIdf = await idf;
  const fitted = terms.finish(hashIdf.v);
  const claim = new SharedArrayBuffer(4);
  const counter = new Int32Array(claim);
  const chunks = Math.ceil(texts.length / EMBED_CHUNK);
  // The helper restores the fit (a restored fit embeds exactly as the fresh one) and takes shares as it gets free.
  const theirs = thread
    .run<EmbeddedShare[]>({ kind: 'embed', recipe, options: source.o, fit: fitted.serialize(), texts: hashIdf.sent ? null : texts, claim, chunk: EMBED_CHUNK })
    .catch(() => [] as EmbeddedShare[]);
  meanwhile();
  const vectors: Float32Array[] = new Array(texts.length);
  const embedShare = (c: number) => fitted.embedMany!(texts.slice(c * EMBED_CHUNK, (c + 1) * EMBED_CHUNK), tokens).forEach((v, i) => (vectors[c * EMBED_CHUNK + i] = v));
  for (let c = Atomics.add(counter, 0, 1); c < chunks; c = Atomics.add(counter, 0, 1)) embedShare(c);
  for (const share of await theirs) share.vectors.forEach((v, i) => (vectors[share.at * EMBED_CHUNK + i] = v));
  // Shares a failed helper took are embedded here.
  for (let c = 0; c < chunks; c++) if (vectors[c * EMBED_CHUNK] === undefined) embedShare(c);
  return { embedder: fitted, fitted, vectors, dimensions: vectors[0]?.length ?? fitted.dimensions };
}
