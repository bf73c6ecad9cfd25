import { type Card, noticeCard } from '../cards.js';
import type { ChatContext, BotServices } from '../chat/context.js';
import type { Composer } from '../chat/composer.js';
import type { Clock } from '../clock.js';
import type { Logger } from '../log.js';
import type { Outbox } from '../outbox.js';
import type { Inbox, InboxEvent, OutboxMessage } from '../state.js';
import { cleanText } from '../input.js';
import { type Tasks, TurnQueue } from '../tasks.js';
import { type FeishuApi, FeishuError } from './api.js';
import { type IncomingMessage, type ReceiveEvent, readMessage } from './message.js';

/** What a card button click answers within Feishu's 3 seconds. */
export interface CardReply {
  toast?: { type: 'info' | 'success' | 'error' | 'warning'; content: string };
  card?: { type: 'raw'; data: Card };
}

export interface CardContext {
  chatId: string;
  /** The message that holds the clicked card. */
  messageId: string;
  operatorOpenId: string | null;
  /** The click (card, operator, button): side effects keyed to it happen once however often it is delivered. */
  eventKey: string;
  now: number;
  services: BotServices;
  /** Replies under the card; a repeated delivery of the same click sends nothing more. */
  reply(...cards: Card[]): Promise<boolean>;
  /** Runs a text command as if the operator had typed it. */
  ask(text: string): Promise<boolean>;
  /** False when this same click (card, operator, button) was handled before: Feishu may deliver it again. */
  firstTime(): Promise<boolean>;
}

export type CardActionHandler = (value: Record<string, string>, ctx: CardContext) => Promise<CardReply>;

/** Handles events other than messages (a user joins a group …); replies go through `send`. */
export type EventHandler = (payload: Record<string, unknown>, tools: { send: (chatId: string, cards: Card[], key: string, purpose: string) => Promise<void>; now: number }) => Promise<'handled' | 'ignored'>;

export interface FeishuBotOptions {
  api: FeishuApi;
  inbox: Inbox;
  outbox: Outbox;
  router: Composer<ChatContext>;
  services: BotServices;
  clock: Clock;
  log: Logger;
  tasks: Tasks;
  cardActions?: Record<string, CardActionHandler>;
  events?: Record<string, EventHandler>;
  /** Tries before an event that keeps failing is given up (and the asker told). */
  maxAttempts?: number;
  /**
   * While Feishu itself is failing, an event is tried again (once a lease runs out) for this long without
   * counting towards `maxAttempts`: an outage must not use up its tries.
   */
  maxAgeMs?: number;
  /**
   * Events held in memory for handling at most (MAX_INFLIGHT_EVENTS). Beyond it a received event is only
   * stored in the inbox, and taken from there as the ones in hand finish: a burst costs disk, not memory.
   */
  maxInMemory?: number;
  /** Answers may wait on a model (LLM_MODE): a button that asks a question answers the callback before the reply is ready. */
  slowAnswers?: boolean;
  /** Least time between two updates of a streamed card (Feishu allows 10 operations a second per card). */
  streamEveryMs?: number;
}

export const DEFAULT_MAX_INFLIGHT_EVENTS = 200;

const MESSAGE_EVENT = 'im.message.receive_v1';
/** An event is taken for this long; one whose process died is taken again after it. */
const PROCESS_LEASE_MS = 60_000;
/** The upkeep pump leaves just-received events to the process that acknowledged them. */
const RESUME_AFTER_MS = 30_000;

const cardsToMessages = (chatId: string, replyTo: string | null, cards: Card[], key: string, purpose: string, askedAt?: number): OutboxMessage[] =>
  cards.map((c, i) => ({ chatId, replyTo, msgType: 'interactive', content: JSON.stringify(c), dedupeKey: `${key}:${i}`, purpose, askedAt: askedAt ?? null }));

/**
 * The Feishu side of the bot: every event is stored once (de-duplicated on event_id and message_id),
 * acknowledged at once, and handled in the background; card clicks are answered within the callback.
 */
export class FeishuBot {
  /** Handlers by event type, taking the flattened payload (header and event fields side by side). */
  readonly handlers: Record<string, (data: Record<string, unknown>) => Promise<unknown>>;
  private botOpenId: string | null = null;
  private readonly turns: TurnQueue;
  private readonly cap: number;
  /** Slots that must be free before the inbox is drained again (see release). */
  private readonly drainBatch: number;
  /** Events queued or being handled by this process (received, drained from the inbox, or resumed). */
  private inMemory = 0;
  /** Events were left in the inbox because the cap was reached; drain them as room frees up. */
  private deferred = false;
  private draining = false;

  constructor(private readonly o: FeishuBotOptions) {
    this.turns = new TurnQueue(o.tasks);
    this.cap = Math.max(1, Math.floor(o.maxInMemory ?? DEFAULT_MAX_INFLIGHT_EVENTS));
    this.drainBatch = Math.max(1, Math.floor(this.cap / 4));
    const handles: Record<string, (data: Record<string, unknown>) => Promise<unknown>> = {
      [MESSAGE_EVENT]: (data) => this.receive(MESSAGE_EVENT, data),
      'card.action.trigger': (data) => this.cardAction(data),
    };
    for (const type of Object.keys(o.events ?? {})) handles[type] = (data) => this.receive(type, data);
    this.handlers = handles;
  }

  /**
   * One decrypted, verified event body, schema 2.0 or 1.0, flattened as the SDK's EventDispatcher does;
   * returns what goes back to Feishu (a card callback's toast, or {}).
   */
  async invoke(body: Record<string, unknown>): Promise<unknown> {
    const { header, event, ...rest } = body as { header?: Record<string, unknown>; event?: Record<string, unknown> };
    const type = String(header?.event_type ?? event?.type ?? '');
    const data = 'schema' in body ? { ...rest, ...header, ...event } : { ...event, ...rest };
    const handler = Object.hasOwn(this.handlers, type) ? this.handlers[type] : undefined;
    if (!handler) {
      this.o.log.info('未订阅处理的事件类型，已忽略', { type });
      return {};
    }
    return handler(data);
  }

  /** Learns the bot's own open_id, needed to tell whether a group message @-mentions it. */
  async identify(): Promise<string> {
    if (!this.botOpenId) {
      const info = await this.o.api.botInfo();
      this.botOpenId = info.openId;
      this.o.log.info('飞书机器人身份', { openId: info.openId, name: info.name });
    }
    return this.botOpenId;
  }

  /** Stores the event and returns at once; the work runs after the acknowledgement. */
  private async receive(type: string, data: Record<string, unknown>): Promise<Record<string, never>> {
    const eventId = String(data.event_id ?? data.uuid ?? '');
    const messageId = type === MESSAGE_EVENT ? ((data as ReceiveEvent).message?.message_id ?? null) : null;
    if (!eventId) {
      this.o.log.warn('事件缺少 event_id，已忽略', { type });
      return {};
    }
    const payload = { ...data };
    const now = this.o.clock.now();
    // The slot is taken before the write, so concurrent deliveries cannot overshoot the cap.
    const room = this.inMemory < this.cap;
    if (room) this.inMemory++;
    // Stored and taken in one write: this process handles it; another picks it up only if this one dies.
    // Over the cap it is only stored (no lease), and drained from the inbox later.
    const fresh = await this.o.inbox.claim({ eventId, messageId, type, payload, receivedAt: now }, room ? now + PROCESS_LEASE_MS : undefined);
    if (!fresh) {
      if (room) this.release();
      this.o.log.info('重复推送，已忽略', { type, eventId, messageId });
      return {};
    }
    if (!room) {
      this.deferred = true;
      return {};
    }
    const event = { eventId, messageId, type, payload, receivedAt: now, attempts: 1 };
    this.turns.push(() => this.process(event, true).finally(() => this.release()));
    return {};
  }

  /** Events in memory now, and the most there may be (for /healthz). */
  load(): { inMemory: number; maxInMemory: number } {
    return { inMemory: this.inMemory, maxInMemory: this.cap };
  }

  private release(): void {
    this.inMemory--;
    // Drained in batches: each drain reads past the events in hand, so draining at every freed slot would
    // cost a scan per event just when the bot is behind.
    if (this.deferred && (this.cap - this.inMemory >= this.drainBatch || this.inMemory === 0)) void this.drain();
  }

  /** Takes events left in the inbox over the cap, oldest first, as far as there is room. */
  async drain(): Promise<void> {
    if (this.draining || this.inMemory >= this.cap) return;
    this.draining = true;
    try {
      const room = this.cap - this.inMemory;
      this.deferred = false;
      const now = this.o.clock.now();
      const waiting = await this.o.inbox.pending(room, now + 1, now);
      if (waiting.length >= room) this.deferred = true;
      for (const e of waiting) {
        // Taken here, so that a drain started before this one's turn comes cannot pick it again.
        if (!(await this.o.inbox.begin(e.eventId, this.o.clock.now(), PROCESS_LEASE_MS))) continue;
        this.inMemory++;
        const taken = { ...e, attempts: e.attempts + 1 };
        this.turns.push(() => this.process(taken, true).finally(() => this.release()));
      }
    } catch (e) {
      this.deferred = true;
      this.o.log.error('从收件箱取积压事件出错', { error: String(e) });
    } finally {
      this.draining = false;
    }
  }

  /**
   * Handles events left unhandled by a crash, a restart or an error (not ones just received, unless
   * `all`: at start-up, once the leases of dead processes have been freed).
   */
  async resume(limit = 200, all = false): Promise<number> {
    const now = this.o.clock.now();
    const room = Math.min(limit, this.cap - this.inMemory);
    if (room <= 0) return 0;
    const pending = await this.o.inbox.pending(room, all ? now + 1 : now - RESUME_AFTER_MS, now);
    this.inMemory += pending.length;
    await Promise.all(pending.map((e) => this.process(e).finally(() => this.release())));
    // What was left over the cap, or for later: the same way as a burst's overflow.
    if (all || pending.length === room) this.deferred = true;
    if (this.deferred) await this.drain();
    return pending.length;
  }

  /** Handles one stored event; `taken` when this process took it on receipt. */
  async process(e: InboxEvent, taken = false): Promise<void> {
    if (!taken && !(await this.o.inbox.begin(e.eventId, this.o.clock.now(), PROCESS_LEASE_MS))) return;
    try {
      const payload = e.payload as Record<string, unknown>;
      const outcome =
        e.type === MESSAGE_EVENT
          ? await this.onMessage(payload as ReceiveEvent, e.receivedAt)
          : await ((this.o.events && Object.hasOwn(this.o.events, e.type) ? this.o.events[e.type] : undefined)?.(payload, { send: (chat, cards, key, purpose) => this.sendCards(chat, null, cards, key, purpose), now: this.o.clock.now() }) ??
              Promise.resolve('ignored' as const));
      await this.o.inbox.finish(e.eventId, outcome === 'handled' ? 'handled' : 'ignored', outcome === 'handled' ? undefined : outcome);
    } catch (err) {
      const attempts = taken ? e.attempts : e.attempts + 1;
      const max = this.o.maxAttempts ?? 3;
      const age = this.o.clock.now() - e.receivedAt;
      if (err instanceof FeishuError && err.retryable && age < (this.o.maxAgeMs ?? 6 * 3600_000)) {
        // Feishu is down or hung: the lease runs out and the pump tries again, however many times it takes.
        this.o.log.warn('事件处理出错', { eventId: e.eventId, type: e.type, attempts, error: err.message, retryLater: '飞书暂不可用' });
        return;
      }
      this.o.log.error('事件处理出错', { eventId: e.eventId, type: e.type, attempts, error: String((err as Error)?.stack ?? err) });
      if (attempts >= max) {
        await this.o.inbox.finish(e.eventId, 'failed', String(err));
        const msg = readMessage(e.payload as ReceiveEvent, this.botOpenId);
        if (msg) {
          await this.sendCards(msg.chatId, msg.messageId, [noticeCard('处理出错', '抱歉，处理这条消息时出错了，已记录日志。请稍后再试，或联系管理员。', 'red')], `reply:${msg.messageId}:error`, 'error', e.receivedAt).catch(() => {});
        }
      }
    }
  }

  private async onMessage(event: ReceiveEvent, askedAt: number): Promise<'handled' | string> {
    // Without its own open_id the bot cannot tell whether a group message is for it: fail, retry later.
    const botOpenId = event.message?.chat_type === 'p2p' ? this.botOpenId : await this.identify();
    const msg = readMessage(event, botOpenId);
    if (!msg) return '消息缺少 message_id 或 chat_id';
    if (!msg.senderIsUser) return '机器人发送的消息';
    if (msg.chatType === 'group' && !msg.mentionsBot) return '群消息未@本机器人';
    const reply = (...cards: Card[]) => this.sendCards(msg.chatId, msg.messageId, cards, `reply:${msg.messageId}`, 'answer', askedAt);
    if (msg.text === null && msg.file) {
      await this.o.router.run({ ...this.chatContext(msg, reply), file: msg.file });
      return 'handled';
    }
    if (msg.text === null) {
      await reply(noticeCard('暂不支持这类消息', `我目前只读文字和富文本消息（收到的是 ${msg.msgType}）。请直接用文字提问，或发送“帮助”查看可以问什么。`));
      return 'handled';
    }
    await this.o.router.run(this.chatContext(msg, reply));
    return 'handled';
  }

  private chatContext(msg: IncomingMessage, reply: ChatContext['reply']): ChatContext {
    return {
      text: cleanText(msg.text ?? '').trim(),
      match: null,
      chat: { id: msg.chatId, type: msg.chatType },
      sender: { openId: msg.senderOpenId },
      mentions: msg.mentions,
      messageId: msg.messageId,
      eventKey: `msg:${msg.messageId}`,
      now: this.o.clock.now(),
      services: this.o.services,
      reply,
      replyStreaming: (cards, elementId, write, fallback) => this.streamReply(msg, cards, elementId, write, fallback, reply),
    };
  }

  // --- Streamed answers (CardKit card entity): one message, updated as the text is written.

  /**
   * Creates a card entity in streaming mode, sends it once through the outbox (same dedupe key as any
   * reply to this message, so a question is answered once however often it is handled), then fills the
   * element as text comes, throttled, and ends streaming. When the text is not used, the element says
   * `fallback` and the manual's rows below it stand as the answer.
   */
  private async streamReply(
    msg: IncomingMessage,
    cards: Card[],
    elementId: string,
    write: (show: (text: string) => Promise<void>) => Promise<string | null>,
    fallback: string,
    reply: (...cards: Card[]) => Promise<void>,
  ): Promise<void> {
    const { api, log, clock } = this.o;
    const [first, ...rest] = cards;
    const streamable = first && api.createCard && api.streamCardText && api.finishCard;
    let cardId: string | null = null;
    if (streamable) {
      try {
        const entity = { ...first, config: { ...first.config, streaming_mode: true, summary: { content: '[生成中...]' } } };
        cardId = (await api.createCard!(entity)).cardId;
      } catch (e) {
        log.warn('创建流式卡片失败，改为整卡回复', { error: String((e as Error)?.message ?? e) });
      }
    }
    if (!cardId || !first) {
      // No card entity: the text is written first and the card sent whole.
      const text = await write(async () => {});
      await reply(...setElement(cards, elementId, text ?? fallback));
      return;
    }
    const key = `reply:${msg.messageId}`;
    const ref: OutboxMessage = { chatId: msg.chatId, replyTo: msg.messageId, msgType: 'interactive', content: JSON.stringify({ type: 'card', data: { card_id: cardId } }), dedupeKey: `${key}:0`, purpose: 'answer', askedAt: null };
    const ids = await this.o.outbox.send([ref, ...cardsToMessages(msg.chatId, msg.messageId, rest, key, 'answer').map((m, i) => ({ ...m, dedupeKey: `${key}:${i + 1}` }))]);
    // Answered before (a redelivery, a retry after a crash): this entity is never shown, nothing more to do.
    if (ids[0] === null) return;
    let sequence = 0;
    let lastAt = Number.NEGATIVE_INFINITY;
    let pushed = '';
    const push = async (text: string) => {
      if (text === pushed) return;
      try {
        await api.streamCardText!(cardId!, elementId, text, ++sequence);
        pushed = text;
      } catch (e) {
        log.warn('流式卡片更新失败', { cardId, sequence, error: String((e as Error)?.message ?? e) });
      }
    };
    let text: string | null = null;
    try {
      text = await write(async (partial) => {
        const now = clock.now();
        if (now - lastAt < (this.o.streamEveryMs ?? 300)) return;
        lastAt = now;
        await push(partial);
      });
    } catch (e) {
      log.warn('流式回答出错，改用手册原文', { error: String((e as Error)?.message ?? e) });
    }
    await push(text ?? fallback);
    try {
      await api.finishCard!(cardId, text ? brief(text, 40) : (first.config.summary?.content ?? '岗责通回答'), ++sequence);
    } catch (e) {
      log.warn('结束流式卡片失败（飞书会在 10 分钟后自动结束）', { cardId, error: String((e as Error)?.message ?? e) });
    }
  }

  private async sendCards(chatId: string, replyTo: string | null, cards: Card[], key: string, purpose: string, askedAt?: number): Promise<void> {
    await this.o.outbox.send(cardsToMessages(chatId, replyTo, cards, key, purpose, askedAt));
  }

  /** A card button: answered within the callback; what it sends goes out after the answer. */
  async cardAction(data: Record<string, unknown>): Promise<CardReply> {
    const d = data as {
      operator?: { open_id?: string };
      action?: { value?: unknown };
      context?: { open_message_id?: string; open_chat_id?: string };
    };
    const value = (d.action?.value ?? {}) as Record<string, string>;
    const messageId = d.context?.open_message_id ?? '';
    const chatId = d.context?.open_chat_id ?? '';
    const operator = d.operator?.open_id ?? null;
    const key = `click:${messageId}:${operator ?? ''}:${JSON.stringify(value)}`;
    const queue = async (cards: Card[], purpose: string): Promise<boolean> => {
      const ids = await this.o.outbox.enqueue(cardsToMessages(chatId, messageId || null, cards, key, purpose));
      if (ids.every((id) => id === null)) return false;
      this.o.tasks.run(this.o.outbox.deliverNow(ids));
      return true;
    };
    const ctx: CardContext = {
      chatId,
      messageId,
      operatorOpenId: operator,
      eventKey: key,
      now: this.o.clock.now(),
      services: this.o.services,
      reply: (...cards) => queue(cards, `button:${value.action ?? ''}`),
      firstTime: () => this.o.inbox.claim({ eventId: key, messageId: null, type: 'card.click', payload: value, receivedAt: this.o.clock.now() }).then(async (fresh) => {
        if (fresh) await this.o.inbox.finish(key, 'handled');
        return fresh;
      }),
      ask: async (text) => {
        let cards: Card[] = [];
        const run = () => this.o.router.run({
          text: cleanText(text).trim(),
          match: null,
          chat: { id: chatId, type: 'group' },
          sender: { openId: operator },
          mentions: [],
          messageId: messageId || null,
          eventKey: key,
          now: this.o.clock.now(),
          services: this.o.services,
          reply: async (...c) => void cards.push(...c),
        });
        if (this.o.slowAnswers) {
          // A model may take seconds: the callback is answered now, the reply follows (queued once per click).
          this.o.tasks.run(run().then(() => queue(cards, 'button:ask')));
          return true;
        }
        await run();
        return queue(cards, 'button:ask');
      },
    };
    if (!chatId || !value.action) return { toast: { type: 'error', content: '按钮数据不完整' } };
    const actions = this.o.cardActions ?? {};
    const handler = typeof value.action === 'string' && Object.hasOwn(actions, value.action) ? actions[value.action] : undefined;
    if (!handler) return { toast: { type: 'warning', content: '这个按钮已失效，请重新提问' } };
    try {
      return await handler(value, ctx);
    } catch (err) {
      this.o.log.error('卡片按钮处理出错', { action: value.action, error: String(err) });
      return { toast: { type: 'error', content: '处理出错，请稍后再试' } };
    }
  }
}

const brief = (text: string, max: number) => ([...text].length > max ? `${[...text].slice(0, max).join('')}…` : text);

/** The cards with one element's content replaced (by element_id). */
function setElement(cards: Card[], elementId: string, content: string): Card[] {
  return cards.map((c) => ({ ...c, body: { elements: c.body.elements.map((e) => (e.element_id === elementId ? { ...e, content } : e)) } }));
}

