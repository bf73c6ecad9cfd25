// The helper thread of an index build (see buildPool.ts): parses manual files, builds field indexes, embeds records.
import { parentPort } from 'node:worker_threads';
import { type ManualFile, parseFiles } from '../../ingest/node/readManuals.js';
import { LocalEmbedderFit, type LocalEmbedderOptions } from '../embeddings/local.js';
import type { FieldIndexData } from '../fieldIndex.js';
import { type FieldJob, fieldIndexes } from '../indexBuild.js';
import { type SegmenterRecipe, segmenterFrom } from './segmenterRecipe.js';

export type BuildTask =
  | { kind: 'parse'; files: ManualFile[] }
  | { kind: 'fields'; recipe: SegmenterRecipe; jobs: FieldJob[] }
  | { kind: 'embed'; recipe: SegmenterRecipe; options: LocalEmbedderOptions; fit: Uint8Array; texts: string[] };

parentPort!.on('message', async (task: BuildTask & { id: number }) => {
  try {
    if (task.kind === 'parse') {
      parentPort!.postMessage({ id: task.id, ok: true, value: await parseFiles(task.files) });
    } else if (task.kind === 'embed') {
      const fitted = new LocalEmbedderFit(segmenterFrom(task.recipe), task.options).restore(task.fit);
      const value = fitted.embedMany!(task.texts);
      parentPort!.postMessage({ id: task.id, ok: true, value }, value.map((v) => v.buffer as ArrayBuffer));
    } else {
      const value = fieldIndexes(task.jobs, segmenterFrom(task.recipe));
      const transfer = value.flatMap((f: FieldIndexData) => [f.offsets.buffer, f.postings.buffer, f.lens.buffer, f.avg.buffer] as ArrayBuffer[]);
      parentPort!.postMessage({ id: task.id, ok: true, value }, transfer);
    }
  } catch (e) {
    parentPort!.postMessage({ id: task.id, ok: false, error: (e as Error).stack ?? String(e) });
  }
});
