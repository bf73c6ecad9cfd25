import type { DutyRecord, UnitInfo } from '../../ingest/record.js';
import { type Answerer, engineAnswerer, RemoteAnswerer } from '../../retrieval/askService.js';
import { embedCorpusFromFit, embedText, fromBase64 } from '../../retrieval/embeddings/corpus.js';
import { embedderFor } from '../../retrieval/embeddings/select.js';
import { isCorpusFit, isSync } from '../../retrieval/embeddings/types.js';
import { DutyEngine } from '../../retrieval/engine.js';
import type { Synonyms } from '../../retrieval/lexicon.js';
import { MemoryIndex } from '../../retrieval/memoryIndex.js';
import { BigramSegmenter } from '../../retrieval/segmenter.js';
import { type AssembledBot, assembleBot } from '../assemble.js';
import { EngineSlot } from '../engineSlot.js';
import { type Clock, systemClock } from '../clock.js';
import { ConfigError, flag, loadConfig, webhookWarnings } from '../config.js';
import { FetchFeishuApi } from '../feishu/fetchApi.js';
import { jsonLogger, type Logger } from '../log.js';
import { DeadlineFileError, parseDeadlines } from '../reminders/deadlines.js';
import { type ExtraYears, WorkCalendar } from '../reminders/workCalendar.js';
import { SqlState } from '../sqlState.js';
import { type Tasks, trackedTasks } from '../tasks.js';
import { type D1Database, D1Db } from './d1Db.js';

/** What `npm run build:worker` bundles: the parsed manuals and the seed data files. */
export interface WorkerSeed {
  records: DutyRecord[];
  units: UnitInfo[];
  synonyms: Synonyms;
  /** seeds/deadlines.json as text, or null. */
  deadlines: string | null;
  holidays: ExtraYears;
  /** The local embedder fitted on these records at build time (base64), so the Worker starts without fitting. */
  embedderFit?: string;
}

/** The Worker segments with character bigrams (no jieba); the bundled fit must be made with the same. */
export const WORKER_SEGMENTER_ID = 'bigram-1';

export interface WorkerEnv {
  DB: D1Database;
  [name: string]: unknown;
}

interface ExecutionContext {
  waitUntil(p: Promise<unknown>): void;
}

export interface WorkerBot extends AssembledBot {
  tasks: Tasks;
  engine: DutyEngine;
  answerer: Answerer;
  index: MemoryIndex;
}

/**
 * A Worker is always reachable from the internet, so the console and /api/ask (which show the staff's
 * names) need ACCESS_TOKEN there unless the deployment says it is meant to be public.
 */
function publicHost(vars: Record<string, string>): Record<string, string> {
  if (!vars.ACCESS_TOKEN?.trim() && !flag(vars.CONSOLE_PUBLIC)) {
    throw new ConfigError(
      'Workers 上的网页控制台和问答接口对公网开放，会显示手册中的人员名单：请用 `npx wrangler secret put ACCESS_TOKEN` 设置访问令牌（至少 16 个字符），或确需公开时在 wrangler.toml 的 [vars] 里设置 CONSOLE_PUBLIC = "1"',
    );
  }
  return { ...vars, HOST: '0.0.0.0' };
}

/**
 * The bot on Cloudflare Workers: the index in memory from the bundled records (sqlite-vec cannot load
 * into D1), state in D1, Feishu over fetch, digests from the cron trigger. Same app, same commands.
 */
export async function createWorkerBot(seed: WorkerSeed, env: WorkerEnv, o: { clock?: Clock; log?: Logger; fetch?: typeof fetch } = {}): Promise<WorkerBot> {
  const clock = o.clock ?? systemClock;
  const log = o.log ?? jsonLogger((line) => console.log(line));
  const vars = Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => typeof e[1] === 'string'));
  const config = loadConfig(publicHost(vars));
  for (const w of webhookWarnings(config.feishu)) log.warn(w);
  const segmenter = new BigramSegmenter();
  if (config.embeddings.provider === 'transformers') throw new ConfigError('Workers 上不能用 EMBEDDINGS_MODEL_DIR（本地模型目录只在 Node 上可用）');
  const source = await embedderFor(config.embeddings, { segmenter, id: WORKER_SEGMENTER_ID });
  const bundled = isCorpusFit(source) && seed.embedderFit ? embedCorpusFromFit(source, fromBase64(seed.embedderFit), seed.records.map(embedText)) : null;
  const index = bundled ? new MemoryIndex(seed.records, seed.units, bundled) : await MemoryIndex.build(seed.records, seed.units, source);
  const engine = new DutyEngine({ index, segmenter, embedder: index.embedder, synonyms: seed.synonyms });
  const s = config.embeddings;
  const plain: Answerer =
    isSync(index.embedder) || s.provider === 'local'
      ? engineAnswerer(engine)
      : new RemoteAnswerer(engine, {
          embedder: index.embedder,
          timeoutMs: s.timeoutMs,
          now: () => clock.now(),
          log: (event, detail) => (event === 'down' ? log.warn('向量服务不可用，暂用全文检索作答', { detail }) : log.info('向量服务已恢复', { detail })),
        });
  // The bureau's model (LLM_*), as on Node; loaded only when configured.
  const llm = config.llm ? (await import('./modelParts.js')).withModel(config.llm, plain, engine, clock, log, { fetch: o.fetch }) : null;
  const answerer = llm?.answerer ?? plain;
  const tasks = trackedTasks((e) => log.error('后台任务出错', { error: String((e as Error)?.stack ?? e) }));
  let deadlines: ReturnType<typeof parseDeadlines>['deadlines'] = [];
  if (seed.deadlines) {
    try {
      const parsed = parseDeadlines(seed.deadlines, engine.allRecords());
      deadlines = parsed.deadlines;
      for (const w of parsed.warnings) log.warn('周期日历', { warning: w });
    } catch (e) {
      if (!(e instanceof DeadlineFileError)) throw e;
      log.error('周期日历无法读取，已跳过', { error: e.message });
    }
  }
  const bot = await assembleBot({
    engines: new EngineSlot({ engine, answerer, units: seed.units }),
    state: await SqlState.open(new D1Db(env.DB)),
    api: config.feishu ? new FetchFeishuApi({ ...config.feishu, clock, fetch: o.fetch }) : null,
    config,
    deadlines,
    calendar: new WorkCalendar(seed.holidays),
    rosterFile: null,
    clock,
    log,
    tasks,
    writer: llm?.writer,
    llmStatus: llm?.status,
  });
  return { ...bot, tasks, engine, answerer, index };
}

/** The Worker module: fetch for the app, scheduled for digests and retries (cron runs in UTC). */
export function createWorker(seed: WorkerSeed) {
  let bot: Promise<WorkerBot> | null = null;
  const get = (env: WorkerEnv) => (bot ??= createWorkerBot(seed, env).catch((e) => {
    bot = null;
    throw e;
  }));
  return {
    async fetch(request: Request, env: WorkerEnv, ctx: ExecutionContext): Promise<Response> {
      let b: WorkerBot;
      try {
        b = await get(env);
      } catch (e) {
        // A deployment mistake: say what to set instead of an opaque 500.
        if (e instanceof ConfigError) return Response.json({ error: `配置错误：${e.message}` }, { status: 503 });
        throw e;
      }
      const response = await b.app.fetch(request, env, ctx as never);
      // Work started after the acknowledgement keeps the isolate alive until it is done.
      ctx.waitUntil(b.tasks.idle());
      return response;
    },
    async scheduled(_event: unknown, env: WorkerEnv, ctx: ExecutionContext): Promise<void> {
      const b = await get(env);
      ctx.waitUntil(b.pump().then(() => b.tasks.idle()));
    },
  };
}
