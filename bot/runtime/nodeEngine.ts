import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { listManualFiles, readCorpus } from '../../ingest/node/readManuals.js';
import { type Answerer, engineAnswerer, RemoteAnswerer } from '../../retrieval/askService.js';
import type { EmbedderSource } from '../../retrieval/embeddings/types.js';
import { embedderFor } from '../../retrieval/embeddings/select.js';
import type { TransformersModule } from '../../retrieval/embeddings/transformers.js';
import { isSync } from '../../retrieval/embeddings/types.js';
import { DutyEngine } from '../../retrieval/engine.js';
import type { Synonyms } from '../../retrieval/lexicon.js';
import { JiebaSegmenter } from '../../retrieval/node/jiebaSegmenter.js';
import { type IngestReport, type OpenIndexOptions, SqliteIndex, type StoredReading } from '../../retrieval/node/sqliteIndex.js';
import type { Config } from '../config.js';
import type { IngestModelOptions } from './nodeExtract.js';

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

/** The fingerprint's entry for model extraction at ingest: turning it on, off or to another model rebuilds the index. */
export const extractionSource = (model: string) => ({ file: '\u0000llm-extract', sha256: model });

function indexOptions(
  config: Config,
  opts: { force?: boolean; strict?: boolean; llmIngest?: boolean | IngestModelOptions },
): Omit<OpenIndexOptions, 'embedder' | 'segmenter'> & { synonyms: Synonyms } {
  if (!existsSync(config.manualsDir)) throw new Error(`找不到手册目录：${config.manualsDir}`);
  const synonyms = loadSynonyms(config.seedsDir);
  const { files, skipped } = listManualFiles(config.manualsDir);
  // Sections no parser structured go to the model at ingest (LLM_INGEST=1, or `npm run ingest -- --llm`).
  const llm = config.llm && (config.llm.ingest || opts.llmIngest) ? config.llm : null;
  const llmOptions = typeof opts.llmIngest === 'object' ? opts.llmIngest : {};
  return {
    path: config.indexPath,
    // A skipped file still counts, so adding or fixing one rebuilds the index; so does turning model extraction on or off.
    sources: [
      ...files.map((f) => ({ file: f.file, sha256: f.sha256 })),
      ...skipped.map((s) => ({ file: s.file, sha256: 'skipped' })),
      ...(llm ? [extractionSource(llm.model)] : []),
    ],
    corpus: llm
      ? async () => (await import('./nodeExtract.js')).withExtraction(await readCorpus(files, skipped), llm, config.dataDir, llmOptions)
      : () => readCorpus(files, skipped),
    segmenterId: SEGMENTER_ID,
    force: opts.force,
    strict: opts.strict,
    synonyms,
  };
}

export interface EngineOpenOptions {
  log?: (event: 'down' | 'up', detail: string) => void;
  loadTransformers?: () => Promise<TransformersModule>;
  /** For the answerer's pause after a failure. */
  now?: () => number;
}

/**
 * What every index of this process is opened with: synonyms, one jieba segmenter, the configured embedder
 * (EMBEDDINGS_*); made once, shared by the versions of the manuals.
 */
export class EngineMaker {
  private constructor(
    private readonly config: Config,
    readonly synonyms: Synonyms,
    readonly segmenter: JiebaSegmenter,
    private readonly source: EmbedderSource,
    private readonly opts: EngineOpenOptions,
  ) {}

  static async create(config: Config, opts: EngineOpenOptions = {}): Promise<EngineMaker> {
    const synonyms = loadSynonyms(config.seedsDir);
    const segmenter = new JiebaSegmenter(Object.keys(synonyms));
    const pooling = config.embeddings.provider === 'transformers' ? poolingOf(config.embeddings.modelDir) : undefined;
    const source = await embedderFor(config.embeddings, { segmenter, id: SEGMENTER_ID }, { loadTransformers: opts.loadTransformers, pooling });
    return new EngineMaker(config, synonyms, segmenter, source, opts);
  }

  /** What the index file at `path` read, where it was built from exactly `sources` with this process's embedder and segmenter. */
  storedReading(path: string, sources: OpenIndexOptions['sources']): StoredReading | null {
    return SqliteIndex.storedReading(path, { sources, embedder: this.source, segmenterId: SEGMENTER_ID });
  }

  /** Opens (building where needed) the index at `o.path` and an engine over it, with the answerer to ask it through. */
  async open(o: Omit<OpenIndexOptions, 'embedder' | 'segmenterId' | 'segmenter'>): Promise<{ engine: DutyEngine; index: SqliteIndex; report: IngestReport; answerer: Answerer }> {
    const { index, report } = await SqliteIndex.open({ ...o, segmenter: this.segmenter, segmenterId: SEGMENTER_ID, embedder: this.source });
    const engine = new DutyEngine({ index, segmenter: this.segmenter, embedder: index.embedder, synonyms: this.synonyms });
    const s = this.config.embeddings;
    const answerer =
      isSync(index.embedder) || s.provider === 'local'
        ? engineAnswerer(engine)
        : new RemoteAnswerer(engine, { embedder: index.embedder, timeoutMs: s.timeoutMs, log: this.opts.log, now: this.opts.now });
    return { engine, index, report, answerer };
  }
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
    /** Send unstructured sections to the configured model (needs LLM_MODE and LLM_*); options for tests. */
    llmIngest?: boolean | IngestModelOptions;
    /** Up to this many records the index holds them in memory (tests of the large-corpus path set 0). */
    inMemoryMax?: number;
  } & EngineOpenOptions = {},
): Promise<{ engine: DutyEngine; index: SqliteIndex; report: IngestReport; answerer: Answerer }> {
  // The maker loads the one jieba dictionary (about 0.3 s).
  const { synonyms: _s, segmenterId: _i, ...o } = indexOptions(config, opts);
  const maker = await EngineMaker.create(config, opts);
  return maker.open(opts.inMemoryMax === undefined ? o : { ...o, inMemoryMax: opts.inMemoryMax });
}
