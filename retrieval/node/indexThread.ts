// The helper thread of an index build (see buildPool.ts): parses manual files, builds field indexes, embeds records.
import { parentPort } from 'node:worker_threads';
import { type FileParse, type ManualFile, parseFiles } from '../../ingest/node/readManuals.js';
import { LocalEmbedderFit, type LocalEmbedderOptions, ngramIdf } from '../embeddings/local.js';
import type { FieldIndexData } from '../fieldIndex.js';
import { type CollectedFields, type FieldJob, FieldTokens } from '../indexBuild.js';
import { TokenCache } from '../tokenCache.js';
import { type SegmenterRecipe, segmenterFrom } from './segmenterRecipe.js';

export type BuildTask =
  /** Files to parse; with `claim`, only those whose number this thread takes from the shared counter first. */
  | { kind: 'parse'; files: ManualFile[]; claim?: SharedArrayBuffer }
  /** Makes the recipe's segmenter ready (the jieba dictionary loads in about half a second) while this thread waits. */
  | { kind: 'warm'; recipe: SegmenterRecipe }
  /** Field jobs in batches: each batch is collected, and the last answers with the field indexes of all of them. */
  | { kind: 'fields'; recipe: SegmenterRecipe; jobs: FieldJob[]; last: boolean }
  /** Texts to embed in shares of `chunk`, each taken from the shared counter `claim` (the other thread takes the rest). */
  | { kind: 'embed'; recipe: SegmenterRecipe; options: LocalEmbedderOptions; fit: Uint8Array; texts: string[] | null; claim: SharedArrayBuffer; chunk: number }
  /** The texts' n-gram idf for the embedder's fit; the texts are kept for an embed task that names none. */
  | { kind: 'ngram-idf'; texts: string[] };

/** Vectors of share number `at` of an embed task. */
export interface EmbeddedShare {
  at: number;
  vectors: Float32Array[];
}

/** A parse result with the file's number in the task. */
export type NumberedParse = FileParse & { at: number };

// One segmenter and one token cache per recipe for the thread's life: the field indexes and the embedding read the same texts.
const segmenters = new Map<string, { tokens: TokenCache; fields: FieldTokens }>();
function tokensFor(recipe: SegmenterRecipe): TokenCache {
  return buildFor(recipe).tokens;
}
function buildFor(recipe: SegmenterRecipe): { tokens: TokenCache; fields: FieldTokens } {
  const key = JSON.stringify(recipe);
  let b = segmenters.get(key);
  if (!b) {
    const tokens = new TokenCache(segmenterFrom(recipe));
    segmenters.set(key, (b = { tokens, fields: new FieldTokens(tokens) }));
  }
  return b;
}

/** The texts of the last 'ngram-idf' task, until an embed task takes them. */
let kept: string[] | null = null;

/** Postings of the field jobs received so far (see BuildTask 'fields'). */
const pending: CollectedFields[] = [];

parentPort!.on('message', async (task: BuildTask & { id: number }) => {
  try {
    if (task.kind === 'parse') {
      const out: NumberedParse[] = [];
      const counter = task.claim ? new Int32Array(task.claim) : null;
      for (let at = 0; at < task.files.length; at++) {
        if (counter) {
          at = Atomics.add(counter, 0, 1);
          if (at >= task.files.length) break;
        }
        const [one] = await parseFiles([task.files[at]!]);
        out.push({ ...one!, at });
      }
      parentPort!.postMessage({ id: task.id, ok: true, value: out });
    } else if (task.kind === 'ngram-idf') {
      kept = task.texts;
      const value = ngramIdf(task.texts);
      parentPort!.postMessage({ id: task.id, ok: true, value }, [value.buffer as ArrayBuffer]);
    } else if (task.kind === 'embed') {
      const texts = task.texts ?? kept ?? [];
      kept = null;
      const tokens = tokensFor(task.recipe);
      const fitted = new LocalEmbedderFit(tokens.segmenter, task.options).restore(task.fit);
      const counter = new Int32Array(task.claim);
      const shares = Math.ceil(texts.length / task.chunk);
      const value: EmbeddedShare[] = [];
      for (let at = Atomics.add(counter, 0, 1); at < shares; at = Atomics.add(counter, 0, 1)) {
        value.push({ at, vectors: fitted.embedMany!(texts.slice(at * task.chunk, (at + 1) * task.chunk), tokens) });
      }
      parentPort!.postMessage({ id: task.id, ok: true, value }, value.flatMap((s) => s.vectors.map((v) => v.buffer as ArrayBuffer)));
    } else if (task.kind === 'warm') {
      tokensFor(task.recipe);
      parentPort!.postMessage({ id: task.id, ok: true, value: null });
    } else {
      // Each batch's postings are collected as it comes; the last sorts the tokens of them all at once.
      const { fields } = buildFor(task.recipe);
      for (const j of task.jobs) pending.push(fields.collected(j.ids, (doc, fi) => j.fields[doc]![fi]!));
      if (!task.last) return parentPort!.postMessage({ id: task.id, ok: true, value: null });
      const value = fields.sorted(pending.splice(0));
      const transfer = value.flatMap((f: FieldIndexData) => [
        ...[f.offsets, f.postings, f.lens, f.avg].map((a) => a.buffer as ArrayBuffer),
        ...(Array.isArray(f.tokens) ? [] : [f.tokens.bytes.buffer as ArrayBuffer, f.tokens.starts.buffer as ArrayBuffer]),
      ]);
      parentPort!.postMessage({ id: task.id, ok: true, value }, transfer);
    }
  } catch (e) {
    pending.length = 0;
    parentPort!.postMessage({ id: task.id, ok: false, error: (e as Error).stack ?? String(e) });
  }
});
