import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Answerer } from '../../retrieval/askService.js';
import type { DutyEngine } from '../../retrieval/engine.js';
import type { After } from '../../retrieval/llm/call.js';
import type { LlmEvent } from '../../retrieval/llm/answerer.js';
import type { ModelProbe } from '../../retrieval/llm/model.js';
import type { IngestReport } from '../../retrieval/node/sqliteIndex.js';
import { type AssembledBot, assembleBot } from '../assemble.js';
import { type Clock, systemClock } from '../clock.js';
import type { Config } from '../config.js';
import type { FeishuApi } from '../feishu/api.js';
import { jsonLogger, type Logger } from '../log.js';
import { pidAlive } from '../leaseOwner.js';
import { readFeishuLink } from '../feishu/docsReader.js';
import { openSqliteState } from '../node/sqliteState.js';
import { WorkCalendar } from '../reminders/workCalendar.js';
import { parseRosterFile, RosterFileError } from '../roster/roster.js';
import { parseChatUnitsFile } from '../units/chatUnits.js';
import type { SqlState } from '../sqlState.js';
import { type Tasks, trackedTasks } from '../tasks.js';
import { EngineMaker } from './nodeEngine.js';
import { folderSources, NodeManualRuntime } from './nodeManuals.js';
import { EngineSlot } from '../engineSlot.js';
import { type LinkReader, ManualAdmin, startVersions } from '../manuals/admin.js';
import { SqliteVersionStore } from '../node/versionStore.js';
import { loadDeadlines, loadExtraYears } from './seedFiles.js';

export interface NodeBotOptions {
  clock?: Clock;
  log?: Logger;
  /** Defaults to the SDK client for `config.feishu`. */
  api?: FeishuApi;
  /** Reads a linked Feishu document for 绑定手册 / 更新手册; without it those commands say they are off. */
  readLink?: LinkReader;
  /** For tests and eval: the model's timer, its calls' outcomes, and the streamed card's update spacing. */
  llm?: { after?: After; onEvent?: (e: LlmEvent) => void; streamEveryMs?: number; fetch?: typeof fetch };
}

export interface NodeBot extends AssembledBot {
  /** The engine in use now (a new manual version switches it). */
  readonly engine: DutyEngine;
  engines: EngineSlot;
  manuals: ManualAdmin;
  /** The model's reachability check (LLM_MODE assist/compose), for the startup line; null when off. */
  llmProbe: ModelProbe | null;
  /** What opening the active version's index found (built or reused, per file). */
  report: IngestReport;
  /** What start-up did about manual versions (the folder changed …), for the operator. */
  versionNotes: string[];
  state: SqlState;
  tasks: Tasks;
  /** Problems with seeds/deadlines.json, for the operator. */
  deadlineWarnings: string[];
  /**
   * At start-up: frees the leases of a crashed process on this host and handles what it left (events in
   * flight, messages being sent) at once rather than after the leases run out.
   */
  recover(alive?: (pid: number) => boolean): Promise<{ events: number; messages: number }>;
  /**
   * Stops cleanly: waits up to `graceMs` for work in hand, then gives up this process's leases so that
   * another process (or the next start) takes the rest at once, and closes the state.
   */
  shutdown(graceMs: number): Promise<{ finished: boolean }>;
  close(): Promise<void>;
}

/** DATA_DIR/roster.json, where the admin keeps it; a broken file is reported and skipped. */
function readRosterFile(config: Config, log: Logger): { entries: ReturnType<typeof parseRosterFile> | null; problem: string | null } {
  const path = join(config.dataDir, 'roster.json');
  if (!existsSync(path)) return { entries: null, problem: null };
  try {
    return { entries: parseRosterFile(readFileSync(path, 'utf8')), problem: null };
  } catch (e) {
    if (!(e instanceof RosterFileError)) throw e;
    log.error('人员名单无法读取', { error: e.message });
    return { entries: null, problem: e.message };
  }
}

/** DATA_DIR/chat-units.json (group chat id → unit name), where the admin keeps it; a broken file is reported and skipped. */
function readChatUnitsFile(config: Config, log: Logger): Record<string, string> | null {
  const path = join(config.dataDir, 'chat-units.json');
  if (!existsSync(path)) return null;
  try {
    return parseChatUnitsFile(readFileSync(path, 'utf8'));
  } catch (e) {
    log.error('群单位文件无法读取', { error: (e as Error).message });
    return null;
  }
}

/** The bot on Node: SQLite index and state files, the official SDK, files from seeds/ and DATA_DIR. */
export async function createNodeBot(config: Config, o: NodeBotOptions = {}): Promise<NodeBot> {
  const clock = o.clock ?? systemClock;
  const log = o.log ?? jsonLogger();
  const maker = await EngineMaker.create(config, {
    now: () => clock.now(),
    log: (event, detail) => (event === 'down' ? log.warn('向量服务不可用，暂用全文检索作答', { detail }) : log.info('向量服务已恢复', { detail })),
  });
  const store = SqliteVersionStore.open(config.dataDir);
  const llmIngest = config.llm?.ingest ? config.llm : null;
  const runtime = new NodeManualRuntime(
    config.dataDir,
    maker,
    llmIngest ? async (c) => (await import('./nodeExtract.js')).withExtraction(c, llmIngest, config.dataDir, { fetch: o.llm?.fetch }) : undefined,
    llmIngest?.model ?? null,
    config.indexPath,
  );
  const started = await startVersions({ store, runtime, folder: folderSources(config.manualsDir), now: () => clock.now(), log });
  for (const id of runtime.adopted) started.notes.push(`版本 #${id} 采用了 npm run ingest 建好的索引（同一批文件），未重新建索引`);
  for (const n of started.notes) log.info('手册版本', { note: n });
  const view = started.view as Awaited<ReturnType<NodeManualRuntime['open']>>;
  const engines = new EngineSlot(view);
  const engine = engines.engine;
  const report = view.report;
  // The SDK is loaded only for a bot with Feishu: its code alone is about 11 MB of heap.
  const sdk = config.feishu && !o.api ? await import('./nodeFeishu.js') : null;
  const api = config.feishu ? (o.api ?? sdk!.larkApi({ ...config.feishu, logger: log, timeoutMs: config.feishu.timeoutMs })) : null;
  // Linked Feishu documents are read with the bot's own SDK client (its tenant token).
  const docs = sdk && api ? sdk.docsApi(api) : null;
  const readLink = o.readLink ?? (docs ? (url: string) => readFeishuLink(docs, url) : undefined);
  const manuals = new ManualAdmin({ store, runtime, slot: engines, now: () => clock.now(), log, readLink });
  const state = await openSqliteState(config.statePath);
  const tasks = trackedTasks((e) => log.error('后台任务出错', { error: String((e as Error)?.stack ?? e) }));
  const loaded = loadDeadlines(config.seedsDir, (unit) => engine.recordsOf([unit]));
  if (loaded.error) log.error('周期日历无法读取，已跳过', { error: loaded.error });
  for (const w of loaded.warnings) log.warn('周期日历', { warning: w });
  // The deadlines name manual items: a new version of the manuals resolves them again, in the same array.
  engines.onSwap((view) => {
    const again = loadDeadlines(config.seedsDir, (unit) => view.engine.recordsOf([unit]));
    for (const w of again.warnings) log.warn('周期日历', { warning: w });
    if (!again.error) loaded.deadlines.splice(0, loaded.deadlines.length, ...again.deadlines);
  });
  const rosterFile = readRosterFile(config, log);
  // LangChain is loaded only when a model is configured: offline, nothing of it is in memory.
  // The model wraps whichever version is in use: it reads the slot at each question.
  const viaSlot: Answerer = { ask: (q, c) => engines.current.answerer.ask(q, c) };
  const llm = config.llm ? (await import('./modelParts.js')).withModel(config.llm, viaSlot, () => engines.engine, clock, log, o.llm) : null;
  const bot = await assembleBot({
    engines,
    answerer: llm?.answerer,
    manuals,
    state,
    api,
    config,
    deadlines: loaded.deadlines,
    calendar: new WorkCalendar(loadExtraYears(config.seedsDir)),
    rosterFile: rosterFile.entries,
    chatUnitsFile: readChatUnitsFile(config, log),
    clock,
    log,
    tasks,
    writer: llm?.writer,
    llmStatus: llm?.status,
    streamEveryMs: o.llm?.streamEveryMs,
  });
  let closed = false;
  const closeStores = () => {
    engines.close();
    store.close();
  };
  return {
    ...bot,
    get engine() {
      return engines.engine;
    },
    engines,
    manuals,
    llmProbe: llm?.probe ?? null,
    report,
    versionNotes: started.notes,
    state,
    tasks,
    rosterProblems: rosterFile.problem ? [rosterFile.problem, ...bot.rosterProblems] : bot.rosterProblems,
    deadlineWarnings: loaded.error ? [loaded.error, ...loaded.warnings] : loaded.warnings,
    async recover(alive = pidAlive) {
      const freed = await state.takeOverAbandoned(clock.now(), alive);
      if (freed.events + freed.messages > 0) log.warn('接管已退出进程留下的事件和消息', freed);
      if (bot.feishu) {
        await bot.feishu.bot.resume(500, true);
        await bot.feishu.outbox.flush();
      }
      return freed;
    },
    async shutdown(graceMs) {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const finished = await Promise.race([
        tasks.idle().then(() => true),
        new Promise<boolean>((resolve) => {
          timer = setTimeout(() => resolve(false), graceMs);
        }),
      ]);
      clearTimeout(timer);
      await state.releaseLeases();
      closed = true;
      if (!finished) log.warn('停止时仍有未完成的工作，已释放租约，交由下次启动或其他实例处理', { graceMs });
      await state.close();
      closeStores();
      return { finished };
    },
    async close() {
      await tasks.idle();
      if (closed) return;
      closed = true;
      await state.close();
      closeStores();
    },
  };
}
