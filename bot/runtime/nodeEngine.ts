import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { listManualFiles, readCorpus } from '../../ingest/node/readManuals.js';
import { type Answerer, engineAnswerer, RemoteAnswerer } from '../../retrieval/askService.js';
import { embedderFor } from '../../retrieval/embeddings/select.js';
import type { TransformersModule } from '../../retrieval/embeddings/transformers.js';
import { isSync } from '../../retrieval/embeddings/types.js';
import { DutyEngine } from '../../retrieval/engine.js';
import type { Synonyms } from '../../retrieval/lexicon.js';
import { JiebaSegmenter } from '../../retrieval/node/jiebaSegmenter.js';
import { type IngestReport, type OpenIndexOptions, SqliteIndex } from '../../retrieval/node/sqliteIndex.js';
import type { Config } from '../config.js';

export function loadSynonyms(seedsDir: string): Synonyms {
  const path = join(seedsDir, 'synonyms.json');
  if (!existsSync(path)) return {};
  const data = JSON.parse(readFileSync(path, 'utf8')) as { synonyms?: Synonyms };
  return data.synonyms ?? {};
}

const SEGMENTER_ID = 'jieba-2';

/** The pooling a sentence-transformers model folder declares (bge: the CLS token); mean when it says nothing. */
export function poolingOf(modelDir: string): 'mean' | 'cls' {
  const path = join(modelDir, '1_Pooling', 'config.json');
  if (!existsSync(path)) return 'mean';
  try {
    return (JSON.parse(readFileSync(path, 'utf8')) as { pooling_mode_cls_token?: boolean }).pooling_mode_cls_token ? 'cls' : 'mean';
  } catch {
    return 'mean';
  }
}

function indexOptions(
  config: Config,
  opts: { force?: boolean; strict?: boolean },
): Omit<OpenIndexOptions, 'embedder'> & { synonyms: Synonyms; segmenter: JiebaSegmenter } {
  if (!existsSync(config.manualsDir)) throw new Error(`找不到手册目录：${config.manualsDir}`);
  const synonyms = loadSynonyms(config.seedsDir);
  const { files, skipped } = listManualFiles(config.manualsDir);
  return {
    path: config.indexPath,
    // A skipped file still counts, so adding or fixing one rebuilds the index.
    sources: [...files.map((f) => ({ file: f.file, sha256: f.sha256 })), ...skipped.map((s) => ({ file: s.file, sha256: 'skipped' }))],
    corpus: () => readCorpus(files, skipped),
    segmenter: new JiebaSegmenter(Object.keys(synonyms)),
    segmenterId: SEGMENTER_ID,
    force: opts.force,
    strict: opts.strict,
    synonyms,
  };
}

/**
 * Opens the engine with the configured embedder (EMBEDDINGS_*) and the answerer to ask it through:
 * with a remote or transformers.js embedder the question is embedded asynchronously, with a time limit.
 */
export async function openEngine(
  config: Config,
  opts: {
    force?: boolean;
    /** Keep the working index when any file fails to read. */
    strict?: boolean;
    log?: (event: 'down' | 'up', detail: string) => void;
    loadTransformers?: () => Promise<TransformersModule>;
    /** For the answerer's pause after a failure. */
    now?: () => number;
  } = {},
): Promise<{ engine: DutyEngine; index: SqliteIndex; report: IngestReport; answerer: Answerer }> {
  const { synonyms, segmenter, ...o } = indexOptions(config, opts);
  const pooling = config.embeddings.provider === 'transformers' ? poolingOf(config.embeddings.modelDir) : undefined;
  const source = await embedderFor(config.embeddings, { segmenter, id: SEGMENTER_ID }, { loadTransformers: opts.loadTransformers, pooling });
  const { index, report } = await SqliteIndex.open({ ...o, segmenter, embedder: source });
  const engine = new DutyEngine({ index, segmenter, embedder: index.embedder, synonyms });
  const s = config.embeddings;
  const answerer =
    isSync(index.embedder) || s.provider === 'local'
      ? engineAnswerer(engine)
      : new RemoteAnswerer(engine, { embedder: index.embedder, timeoutMs: s.timeoutMs, log: opts.log, now: opts.now });
  return { engine, index, report, answerer };
}
