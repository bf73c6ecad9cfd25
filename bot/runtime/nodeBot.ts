import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DutyEngine } from '../../retrieval/engine.js';
import type { IngestReport } from '../../retrieval/node/sqliteIndex.js';
import { type AssembledBot, assembleBot } from '../assemble.js';
import { type Clock, systemClock } from '../clock.js';
import type { Config } from '../config.js';
import type { FeishuApi } from '../feishu/api.js';
import { jsonLogger, type Logger } from '../log.js';
import { pidAlive } from '../leaseOwner.js';
import { LarkApi } from '../node/larkApi.js';
import { openSqliteState } from '../node/sqliteState.js';
import { WorkCalendar } from '../reminders/workCalendar.js';
import { parseRosterFile, RosterFileError } from '../roster/roster.js';
import { parseChatUnitsFile } from '../units/chatUnits.js';
import type { SqlState } from '../sqlState.js';
import { type Tasks, trackedTasks } from '../tasks.js';
import { openEngine } from './nodeEngine.js';
import { loadDeadlines, loadExtraYears } from './seedFiles.js';

export interface NodeBotOptions {
  clock?: Clock;
  log?: Logger;
  /** Defaults to the SDK client for `config.feishu`. */
  api?: FeishuApi;
}

export interface NodeBot extends AssembledBot {
  engine: DutyEngine;
  report: IngestReport;
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
  const { engine, report, index, answerer } = await openEngine(config, {
    now: () => clock.now(),
    log: (event, detail) => (event === 'down' ? log.warn('向量服务不可用，暂用全文检索作答', { detail }) : log.info('向量服务已恢复', { detail })),
  });
  const state = await openSqliteState(config.statePath);
  const tasks = trackedTasks((e) => log.error('后台任务出错', { error: String((e as Error)?.stack ?? e) }));
  const loaded = loadDeadlines(config.seedsDir, engine.records);
  if (loaded.error) log.error('周期日历无法读取，已跳过', { error: loaded.error });
  for (const w of loaded.warnings) log.warn('周期日历', { warning: w });
  const rosterFile = readRosterFile(config, log);
  const bot = await assembleBot({
    engine,
    answerer,
    units: index.units,
    state,
    api: config.feishu ? (o.api ?? new LarkApi({ ...config.feishu, logger: log, timeoutMs: config.feishu.timeoutMs })) : null,
    config,
    deadlines: loaded.deadlines,
    calendar: new WorkCalendar(loadExtraYears(config.seedsDir)),
    rosterFile: rosterFile.entries,
    chatUnitsFile: readChatUnitsFile(config, log),
    clock,
    log,
    tasks,
  });
  let closed = false;
  return {
    ...bot,
    engine,
    report,
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
      return { finished };
    },
    async close() {
      await tasks.idle();
      if (closed) return;
      closed = true;
      await state.close();
    },
  };
}
