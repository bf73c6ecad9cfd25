import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readManuals } from '../../ingest/node/readManuals.js';
import { type Answerer, engineAnswerer, RemoteAnswerer } from '../../retrieval/askService.js';
import { embedderFor, localEmbedder } from '../../retrieval/embeddings/select.js';
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

function indexOptions(config: Config, force: boolean | undefined): Omit<OpenIndexOptions, 'embedder'> & { synonyms: Synonyms } {
  if (!existsSync(config.manualsDir)) throw new Error(`找不到手册目录：${config.manualsDir}`);
  const synonyms = loadSynonyms(config.seedsDir);
  return {
    path: config.indexPath,
    sources: readManuals(config.manualsDir),
    segmenter: new JiebaSegmenter(Object.keys(synonyms)),
    segmenterId: SEGMENTER_ID,
    force,
    synonyms,
  };
}

/** Opens the engine on Node with the local embedder (the default): manuals from disk, jieba, SQLite + sqlite-vec. */
export function openEngine(config: Config, opts: { force?: boolean } = {}): {
  engine: DutyEngine;
  index: SqliteIndex;
  report: IngestReport;
} {
  if (config.embeddings.provider !== 'local') {
    throw new Error(`EMBEDDINGS_PROVIDER=${config.embeddings.provider} 需要异步打开索引（openEngineAsync）`);
  }
  const { synonyms, ...o } = indexOptions(config, opts.force);
  const { index, report } = SqliteIndex.open({ ...o, embedder: localEmbedder({ segmenter: o.segmenter, id: SEGMENTER_ID }) });
  return { engine: new DutyEngine({ index, segmenter: o.segmenter, embedder: index.embedder, synonyms }), index, report };
}

/**
 * Opens the engine with the configured embedder (EMBEDDINGS_*) and the answerer to ask it through:
 * with a remote or transformers.js embedder the question is embedded asynchronously, with a time limit.
 */
export async function openEngineAsync(
  config: Config,
  opts: {
    force?: boolean;
    log?: (event: 'down' | 'up', detail: string) => void;
    loadTransformers?: () => Promise<TransformersModule>;
    /** For the answerer's pause after a failure. */
    now?: () => number;
  } = {},
): Promise<{ engine: DutyEngine; index: SqliteIndex; report: IngestReport; answerer: Answerer }> {
  const { synonyms, ...o } = indexOptions(config, opts.force);
  const pooling = config.embeddings.provider === 'transformers' ? poolingOf(config.embeddings.modelDir) : undefined;
  const source = await embedderFor(config.embeddings, { segmenter: o.segmenter, id: SEGMENTER_ID }, { loadTransformers: opts.loadTransformers, pooling });
  const { index, report } = await SqliteIndex.openAsync({ ...o, embedder: source });
  const engine = new DutyEngine({ index, segmenter: o.segmenter, embedder: index.embedder, synonyms });
  const s = config.embeddings;
  const answerer =
    isSync(index.embedder) || s.provider === 'local'
      ? engineAnswerer(engine)
      : new RemoteAnswerer(engine, { embedder: index.embedder, timeoutMs: s.timeoutMs, log: opts.log, now: opts.now });
  return { engine, index, report, answerer };
}
