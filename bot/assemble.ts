import type { Hono } from 'hono';
import type { Answerer } from '../retrieval/askService.js';
import { createApp } from './app.js';
import type { Card } from './cards.js';
import { answerActions } from './chat/answerActions.js';
import { buildRouter } from './chat/basics.js';
import type { AnswerWriter, BotServices } from './chat/context.js';
import type { Clock } from './clock.js';
import type { Config } from './config.js';
import { accessGuard } from './console/access.js';
import { mountConsolePages } from './console/pages.js';
import type { FeishuApi } from './feishu/api.js';
import { FeishuBot } from './feishu/bot.js';
import type { Logger } from './log.js';
import { onboardingActions, onboardingCommands } from './onboarding/commands.js';
import { welcomeHandlers } from './onboarding/welcome.js';
import { Outbox } from './outbox.js';
import { reminderActions, reminderCommands } from './reminders/commands.js';
import type { Deadline } from './reminders/deadlines.js';
import { DigestRunner } from './reminders/digest.js';
import { ReminderService } from './reminders/service.js';
import type { WorkCalendar } from './reminders/workCalendar.js';
import { rosterCommands } from './roster/commands.js';
import { type parseRosterFile, Roster } from './roster/roster.js';
import type { SqlState } from './sqlState.js';
import type { Tasks } from './tasks.js';
import { ChatUnits } from './units/chatUnits.js';
import { chatUnitCommands } from './units/commands.js';
import { MAX_EVENT_AGE_MS } from './feishu/webhook.js';
import type { EngineSlot } from './engineSlot.js';
import type { ManualAdmin } from './manuals/admin.js';
import { manualActions, manualCommands } from './manuals/commands.js';
import { mountAdminPage } from './console/adminPage.js';

/** Everything a runtime provides: Node (SQLite, SDK) and Workers (D1, fetch) differ only here. */
export interface BotParts {
  /** The engine, its answerer and units, behind the holder a new manual version is switched in through. */
  engines: EngineSlot;
  /** Answers in place of the slot's answerer (the model's wrapper, which reads the slot itself). */
  answerer?: Answerer;
  /** Manual versions (upload, 启用, 回滚); absent where the runtime cannot store them (Workers). */
  manuals?: ManualAdmin | null;
  state: SqlState;
  /** Null when Feishu is off. */
  api: FeishuApi | null;
  config: Pick<Config, 'feishu' | 'adminOpenIds' | 'digest'> & Partial<Pick<Config, 'access' | 'maxInflightEvents' | 'adminToken'>>;
  deadlines: Deadline[];
  calendar: WorkCalendar;
  /** DATA_DIR/roster.json, read by the runtime; null where there is none. */
  rosterFile: ReturnType<typeof parseRosterFile> | null;
  /** DATA_DIR/chat-units.json (chat id → unit), read by the runtime; absent or null where there is none. */
  chatUnitsFile?: Record<string, string> | null;
  clock: Clock;
  log: Logger;
  tasks: Tasks;
  /** LLM_MODE=compose: phrases answers from their rows. */
  writer?: AnswerWriter;
  /** What /healthz says about the model (mode, model, reachable); absent when LLM_MODE is off. */
  llmStatus?: () => Record<string, unknown>;
  /** Least time between updates of a streamed answer card (default 300 ms). */
  streamEveryMs?: number;
}

export interface AssembledBot {
  app: Hono;
  services: BotServices;
  digest: DigestRunner;
  reminders: ReminderService;
  rosterProblems: string[];
  feishu: { bot: FeishuBot; outbox: Outbox; api: FeishuApi } | null;
  /** One round of background upkeep: today's digest if due, unhandled events, due messages, old de-dup entries. */
  pump(): Promise<void>;
}

/**
 * Feishu re-sends an event for about 7 hours; de-dup entries are kept for two days, well past the
 * oldest event the webhook accepts, so an accepted event id is always still known when it comes again.
 */
export const DEDUP_KEEP_MS = 48 * 3600_000;
if (DEDUP_KEEP_MS <= MAX_EVENT_AGE_MS) throw new Error('DEDUP_KEEP_MS must exceed MAX_EVENT_AGE_MS');

const ageS = (at: number | null, now: number) => (at === null ? null : Math.round((now - at) / 1000));

/** What /healthz says about messages (counts, how long the oldest unsent one has waited) and events not yet handled. */
async function outboxHealth(state: SqlState, bot: FeishuBot, now: number) {
  const events = await state.inbox.backlog();
  // pending: all not yet handled (in the inbox); inMemory of them held by this process, at most maxInMemory.
  return {
    outbox: { ...(await state.outbox.counts()), oldestPendingAgeS: ageS(await state.outbox.oldestPendingAt(), now) },
    events: { pending: events.pending, failed: events.failed, oldestPendingAgeS: ageS(events.oldestAt, now), ...bot.load() },
  };
}

/** Wires the bot from its parts: services, commands, Feishu, digests, the Hono app. */
export async function assembleBot(p: BotParts): Promise<AssembledBot> {
  const { engines, state, api, config, clock, log, tasks } = p;
  const reminders = new ReminderService(state.reminders, p.calendar, p.deadlines, () => engines.engine);
  const roster = await new Roster(state.roster, () => engines.engine.persons).load();
  const rosterProblems = p.rosterFile ? await roster.importFile(p.rosterFile, api, clock.now(), log) : [];
  const chatUnits = await new ChatUnits(state.chatUnits).load();
  if (p.chatUnitsFile) rosterProblems.push(...(await chatUnits.importFile(p.chatUnitsFile, engines.engine.directory, clock.now(), log)));
  // Read through the slot at each use: a command started before a switch keeps what it took.
  const services: BotServices = {
    get engine() {
      return engines.engine;
    },
    get answerer() {
      return p.answerer ?? engines.current.answerer;
    },
    get org() {
      return engines.org;
    },
    mention: (name) => roster.openIdOf(name),
    namesOf: (openId) => roster.namesOf(openId),
    reminders,
    roster,
    feishu: api,
    admins: config.adminOpenIds,
    manuals: p.manuals ?? null,
    ...(p.writer ? { writer: p.writer } : {}),
    chatUnits,
    unitsFor(chatId, openId) {
      const dir = engines.engine.directory;
      const bound = chatUnits.get(chatId)?.unit;
      if (bound && dir.has(bound)) return [bound];
      if (!openId) return [];
      // A person's unit: the roster's, else (with many bureaus, where it matters) the units whose rows name them.
      const units = roster.namesOf(openId).flatMap((n) => {
        const u = roster.unitOf(n);
        return u && dir.has(u) ? [u] : dir.manyBureaus ? dir.unitsOfPerson(n) : [];
      });
      return [...new Set(units)];
    },
  };
  const router = buildRouter([manualCommands(), reminderCommands(), rosterCommands(), chatUnitCommands(), onboardingCommands()]);

  let feishu: AssembledBot['feishu'] = null;
  if (config.feishu && api) {
    const outbox = new Outbox({ store: state.outbox, api, clock, log, owner: state.owner, maxAgeMs: config.feishu.replyMaxAgeMs });
    const bot = new FeishuBot({
      api,
      inbox: state.inbox,
      outbox,
      router,
      services,
      clock,
      log,
      tasks,
      cardActions: { ...answerActions, ...reminderActions, ...onboardingActions, ...manualActions },
      events: welcomeHandlers(state.roster, (chatId, openId) => {
        const units = services.unitsFor(chatId, openId);
        return { units, examples: engines.engine.examples(units) };
      }),
      maxAgeMs: config.feishu.replyMaxAgeMs,
      maxInMemory: config.maxInflightEvents,
      streamEveryMs: p.streamEveryMs,
      slowAnswers: p.llmStatus !== undefined,
    });
    feishu = { bot, outbox, api };
  }

  const sendDigest = async (chatId: string, cards: Card[], key: string): Promise<boolean> => {
    if (!feishu) {
      log.warn('飞书未开启，每日提醒未发送', { chatId, key });
      return false;
    }
    // Queued once per chat and day as a whole: a re-run after the list grew adds no pages.
    const ids = await feishu.outbox.enqueue(
      cards.map((c, i) => ({ chatId, replyTo: null, msgType: 'interactive' as const, content: JSON.stringify(c), dedupeKey: `${key}:${i}`, purpose: 'digest' })),
      key,
    );
    await feishu.outbox.deliverNow(ids);
    return ids.some((id) => id !== null);
  };
  const digest = new DigestRunner({ service: reminders, send: sendDigest, mention: (n) => services.mention(n), schedule: config.digest, log });

  const app = createApp({
    engine: () => engines.engine,
    answer: (question, ctx) => services.answerer.ask(question, ctx),
    feishu: feishu && config.feishu ? { secrets: config.feishu, events: feishu.bot, now: () => clock.now() } : null,
    log,
    status: async () => ({ ...(feishu ? await outboxHealth(state, feishu.bot, clock.now()) : {}), ...(p.llmStatus ? { llm: p.llmStatus() } : {}) }),
    guard: config.access ? accessGuard(config.access, () => clock.now()) : undefined,
    extend: (app) => {
      mountConsolePages(app, { org: () => services.org, deadlines: () => reminders.deadlines, calendar: p.calendar, now: () => clock.now() });
      mountAdminPage(app, { manuals: p.manuals ?? null, token: config.adminToken ?? null, now: () => clock.now() });
    },
  });

  return {
    app,
    services,
    digest,
    reminders,
    rosterProblems,
    feishu,
    async pump() {
      if (!feishu) return;
      await digest.runDue(clock.now());
      await feishu.bot.resume();
      await feishu.outbox.flush();
      await state.inbox.prune(clock.now() - DEDUP_KEEP_MS);
    },
  };
}
