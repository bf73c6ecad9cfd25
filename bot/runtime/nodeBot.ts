import type { Hono } from 'hono';
import type { DutyEngine } from '../../retrieval/engine.js';
import type { IngestReport } from '../../retrieval/node/sqliteIndex.js';
import { createApp } from '../app.js';
import { answerActions } from '../chat/answerActions.js';
import { buildRouter } from '../chat/basics.js';
import type { BotServices } from '../chat/context.js';
import { type Clock, systemClock } from '../clock.js';
import type { Config } from '../config.js';
import { type FeishuApi, LarkApi } from '../feishu/api.js';
import { FeishuBot } from '../feishu/bot.js';
import { jsonLogger, type Logger } from '../log.js';
import { openSqliteState } from '../node/sqliteState.js';
import type { SqlState } from '../sqlState.js';
import { Outbox } from '../outbox.js';
import { type Tasks, trackedTasks } from '../tasks.js';
import { openEngine } from './nodeEngine.js';
import { loadDeadlines, loadExtraYears } from './seedFiles.js';
import { reminderActions, reminderCommands } from '../reminders/commands.js';
import { DigestRunner } from '../reminders/digest.js';
import { ReminderService } from '../reminders/service.js';
import { WorkCalendar } from '../reminders/workCalendar.js';
import type { Card } from '../cards.js';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Organisation } from '../../retrieval/organisation.js';
import { mountConsolePages } from '../console/pages.js';
import { onboardingActions, onboardingCommands } from '../onboarding/commands.js';
import { welcomeHandlers } from '../onboarding/welcome.js';
import { rosterCommands } from '../roster/commands.js';
import { parseRosterFile, Roster, RosterFileError } from '../roster/roster.js';

export interface NodeBotOptions {
  clock?: Clock;
  log?: Logger;
  /** Defaults to the SDK client for `config.feishu`. */
  api?: FeishuApi;
}

export interface NodeBot {
  app: Hono;
  engine: DutyEngine;
  report: IngestReport;
  state: SqlState;
  tasks: Tasks;
  services: BotServices;
  digest: DigestRunner;
  reminders: ReminderService;
  /** Problems with seeds/deadlines.json, for the operator. */
  deadlineWarnings: string[];
  /** Problems with DATA_DIR/roster.json, for the operator. */
  rosterProblems: string[];
  /** Null when Feishu is off. */
  feishu: { bot: FeishuBot; outbox: Outbox; api: FeishuApi } | null;
  /** One round of background upkeep: unhandled events, due messages, old de-dup entries. */
  pump(): Promise<void>;
  close(): Promise<void>;
}

/** DATA_DIR/roster.json, where the admin keeps it; a broken file is reported and skipped. */
async function importRosterFile(config: Config, roster: Roster, api: FeishuApi | null, now: number, log: Logger): Promise<string[]> {
  const path = join(config.dataDir, 'roster.json');
  if (!existsSync(path)) return [];
  try {
    return await roster.importFile(parseRosterFile(readFileSync(path, 'utf8')), api, now, log);
  } catch (e) {
    if (!(e instanceof RosterFileError)) throw e;
    log.error('人员名单无法读取', { error: e.message });
    return [e.message];
  }
}

/** Feishu re-sends an event for about 7 hours; de-dup entries are kept for two days. */
const DEDUP_KEEP_MS = 48 * 3600_000;

/** Wires the bot on Node: index, state, Feishu client, router, app. */
export async function createNodeBot(config: Config, o: NodeBotOptions = {}): Promise<NodeBot> {
  const clock = o.clock ?? systemClock;
  const log = o.log ?? jsonLogger();
  const { engine, report, index } = openEngine(config);
  const state = await openSqliteState(config.statePath);
  const tasks = trackedTasks((e) => log.error('后台任务出错', { error: String((e as Error)?.stack ?? e) }));
  const calendar = new WorkCalendar(loadExtraYears(config.seedsDir));
  const loaded = loadDeadlines(config.seedsDir, engine.records);
  if (loaded.error) log.error('周期日历无法读取，已跳过', { error: loaded.error });
  for (const w of loaded.warnings) log.warn('周期日历', { warning: w });
  const reminders = new ReminderService(state.reminders, calendar, loaded.deadlines, () => engine);
  const roster = await new Roster(state.roster, engine.lexicon.persons).load();
  const api = config.feishu ? (o.api ?? new LarkApi({ ...config.feishu, logger: log })) : null;
  const rosterProblems = await importRosterFile(config, roster, api, clock.now(), log);
  const services: BotServices = {
    engine,
    mention: (name) => roster.openIdOf(name),
    namesOf: (openId) => roster.namesOf(openId),
    reminders,
    roster,
    org: new Organisation(engine.records, index.units),
    feishu: api,
    admins: config.adminOpenIds,
  };
  const router = buildRouter([reminderCommands(), rosterCommands(), onboardingCommands()]);

  let feishu: NodeBot['feishu'] = null;
  if (config.feishu && api) {
    const outbox = new Outbox({ store: state.outbox, api, clock, log });
    const bot = new FeishuBot({
      api,
      inbox: state.inbox,
      outbox,
      router,
      services,
      clock,
      log,
      tasks,
      cardActions: { ...answerActions, ...reminderActions, ...onboardingActions },
      events: welcomeHandlers(state.roster),
    });
    feishu = { bot, outbox, api };
  }

  const sendDigest = async (chatId: string, cards: Card[], key: string): Promise<boolean> => {
    if (!feishu) {
      log.warn('飞书未开启，每日提醒未发送', { chatId, key });
      return false;
    }
    const ids = await feishu.outbox.send(
      cards.map((c, i) => ({ chatId, replyTo: null, msgType: 'interactive' as const, content: JSON.stringify(c), dedupeKey: `${key}:${i}`, purpose: 'digest' })),
    );
    return ids.some((id) => id !== null);
  };
  const digest = new DigestRunner({ service: reminders, send: sendDigest, mention: (n) => services.mention(n), schedule: config.digest, log });

  const app = createApp({
    engine: () => engine,
    feishu: feishu && config.feishu ? { secrets: config.feishu, events: feishu.bot.dispatcher } : null,
    log,
    status: async () => (feishu ? { outbox: await state.outbox.counts() } : {}),
    extend: (app) => mountConsolePages(app, { org: () => services.org, deadlines: () => reminders.deadlines, calendar, now: () => clock.now() }),
  });

  return {
    app,
    engine,
    report,
    state,
    tasks,
    services,
    digest,
    reminders,
    deadlineWarnings: loaded.error ? [loaded.error, ...loaded.warnings] : loaded.warnings,
    rosterProblems,
    feishu,
    async pump() {
      if (!feishu) return;
      await digest.runDue(clock.now());
      await feishu.bot.resume();
      await feishu.outbox.flush();
      await state.inbox.prune(clock.now() - DEDUP_KEEP_MS);
    },
    async close() {
      await tasks.idle();
      await state.close();
    },
  };
}
