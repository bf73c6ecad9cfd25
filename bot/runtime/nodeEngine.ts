import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { listManualFiles, readCorpus } from '../../ingest/node/readManuals.js';
import { HashingNgramEmbeddings } from '../../retrieval/embeddings.js';
import { DutyEngine } from '../../retrieval/engine.js';
import type { Synonyms } from '../../retrieval/lexicon.js';
import { JiebaSegmenter } from '../../retrieval/node/jiebaSegmenter.js';
import { type IngestReport, SqliteIndex } from '../../retrieval/node/sqliteIndex.js';
import type { Config } from '../config.js';

export function loadSynonyms(seedsDir: string): Synonyms {
  const path = join(seedsDir, 'synonyms.json');
  if (!existsSync(path)) return {};
  const data = JSON.parse(readFileSync(path, 'utf8')) as { synonyms?: Synonyms };
  return data.synonyms ?? {};
}

/** Opens the engine on Node: manuals from disk (any supported format), jieba, SQLite + sqlite-vec. */
export async function openEngine(
  config: Config,
  opts: { force?: boolean; strict?: boolean } = {},
): Promise<{ engine: DutyEngine; index: SqliteIndex; report: IngestReport }> {
  if (!existsSync(config.manualsDir)) throw new Error(`找不到手册目录：${config.manualsDir}`);
  const synonyms = loadSynonyms(config.seedsDir);
  const segmenter = new JiebaSegmenter(Object.keys(synonyms));
  const embedder = new HashingNgramEmbeddings({ dimensions: 256 });
  const { files, skipped } = listManualFiles(config.manualsDir);
  const { index, report } = await SqliteIndex.open({
    path: config.indexPath,
    sources: [...files.map((f) => ({ file: f.file, sha256: f.sha256 })), ...skipped.map((s) => ({ file: s.file, sha256: 'skipped' }))],
    corpus: () => readCorpus(files, skipped),
    segmenter,
    segmenterId: 'jieba-2',
    embedder,
    force: opts.force,
    strict: opts.strict,
  });
  return { engine: new DutyEngine({ index, segmenter, embedder, synonyms }), index, report };
}
