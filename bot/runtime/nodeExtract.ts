import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { CorpusLoad } from '../../ingest/parseManual.js';
import type { LlmEvent } from '../../retrieval/llm/answerer.js';
import type { After } from '../../retrieval/llm/call.js';
import { type CachedExtraction, type ExtractionCache, type ExtractReport, extractFromPassages } from '../../retrieval/llm/extract.js';
import { chatModel } from '../../retrieval/llm/model.js';
import type { LlmSettings } from '../../retrieval/llm/settings.js';

/** DATA_DIR/llm-extract.json: what the model extracted per section hash, so that re-ingesting asks nothing again. */
export class FileExtractionCache implements ExtractionCache {
  private readonly map: Map<string, CachedExtraction>;
  private dirty = false;

  constructor(private readonly path: string) {
    let data: Record<string, CachedExtraction> = {};
    try {
      if (existsSync(path)) data = JSON.parse(readFileSync(path, 'utf8')) as Record<string, CachedExtraction>;
    } catch {
      data = {};
    }
    this.map = new Map(Object.entries(data));
  }

  get(key: string): CachedExtraction | undefined {
    return this.map.get(key);
  }

  set(key: string, value: CachedExtraction): void {
    this.map.set(key, value);
    this.dirty = true;
  }

  save(): void {
    if (!this.dirty) return;
    mkdirSync(dirname(this.path), { recursive: true });
    writeFileSync(`${this.path}.tmp`, JSON.stringify(Object.fromEntries(this.map)));
    renameSync(`${this.path}.tmp`, this.path);
    this.dirty = false;
  }
}

export interface IngestModelOptions {
  after?: After;
  onEvent?: (e: LlmEvent) => void;
  fetch?: typeof fetch;
  log?: { warn(msg: string, fields?: Record<string, unknown>): void };
  /** Told how the extraction went, once per ingest. */
  report?: (r: ExtractReport) => void;
}

/** The corpus with records the model extracted from its passages (LLM_INGEST=1 or `npm run ingest -- --llm`). */
export async function withExtraction(corpus: CorpusLoad, s: LlmSettings, dataDir: string, o: IngestModelOptions = {}): Promise<CorpusLoad> {
  const cache = new FileExtractionCache(join(dataDir, 'llm-extract.json'));
  const { records, report } = await extractFromPassages(corpus.records, {
    model: chatModel(s, { fetch: o.fetch }),
    modelName: s.model,
    timeoutMs: s.timeoutMs,
    cache,
    after: o.after,
    onEvent: o.onEvent,
    log: o.log,
  });
  cache.save();
  o.report?.(report);
  return { ...corpus, records };
}
