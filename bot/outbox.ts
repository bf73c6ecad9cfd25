import { markdown } from './cards.js';
import type { Clock } from './clock.js';
import { type FeishuApi, FeishuError } from './feishu/api.js';
import type { Logger } from './log.js';
import { beijingDate, beijingTime } from './reminders/workCalendar.js';
import type { OutboxMessage, OutboxRow, OutboxStore } from './state.js';

export interface OutboxOptions {
  store: OutboxStore;
  api: FeishuApi;
  clock: Clock;
  log: Logger;
  /** Feishu allows 5 messages a second to one chat, shared by all bots in it. */
  perChatPerSecond?: number;
  /** Tries within one delivery before the row waits for the next flush. */
  immediateTries?: number;
  /** Tries in all before a row is marked failed; unlimited by default (the age limit ends it). */
  maxAttempts?: number;
  /** A message not sent this long after it was queued is no longer useful and is marked failed. */
  maxAgeMs?: number;
  /** A reply sent this long after the question says so. */
  lateAfterMs?: number;
  /** Longest wait between tries during an outage. */
  maxBackoffMs?: number;
  /** Lease holder, `host/pid/boot`, so that a crashed process's rows can be taken over at start-up. */
  owner?: string;
}

const LEASE_MS = 60_000;
export const DEFAULT_MAX_AGE_MS = 6 * 3600_000;

/** The note on a reply that went out late, in front of the answer. */
export function lateNote(queuedAt: number, now: number): string {
  const day = beijingDate(queuedAt) === beijingDate(now) ? '' : `${Number(beijingDate(queuedAt).slice(5, 7))}月${Number(beijingDate(queuedAt).slice(8, 10))}日 `;
  return `（问题发出于 ${day}${beijingTime(queuedAt)}，飞书服务恢复后补发）`;
}

/** The message's content with the late note first: a card gets a leading grey line, text a first line. */
function withNote(row: OutboxRow, note: string): string {
  try {
    const content = JSON.parse(row.content) as Record<string, unknown>;
    if (row.msgType === 'text' && typeof content.text === 'string') return JSON.stringify({ ...content, text: `${note}\n${content.text}` });
    const body = content.body as { elements?: unknown[] } | undefined;
    if (Array.isArray(body?.elements)) return JSON.stringify({ ...content, body: { ...body, elements: [markdown(note, { grey: true }), ...body.elements] } });
  } catch {
    // Not JSON: sent as it is.
  }
  return row.content;
}

/**
 * Sends queued messages: per-chat rate limit, retries with backoff, a uuid per row so that a retry is
 * never delivered twice, and a row that cannot be sent stays in the table, marked, never dropped.
 */
export class Outbox {
  private readonly owner: string;
  private readonly chains = new Map<string, Promise<void>>();
  private readonly windows = new Map<string, number[]>();
  private readonly perSecond: number;
  private readonly immediateTries: number;
  private readonly maxAttempts: number;

  constructor(private readonly o: OutboxOptions) {
    this.perSecond = o.perChatPerSecond ?? 5;
    this.immediateTries = o.immediateTries ?? 3;
    this.maxAttempts = o.maxAttempts ?? Number.POSITIVE_INFINITY;
    this.owner = o.owner ?? globalThis.crypto.randomUUID();
  }

  /** Queues and delivers at once; resolves when the attempts are over (sent, failed or left for later). */
  async send(messages: OutboxMessage[]): Promise<(number | null)[]> {
    const now = this.o.clock.now();
    const rows = await this.o.store.addLeased(messages, now, this.owner, now + LEASE_MS);
    await this.deliver(rows.filter((r): r is OutboxRow => r !== null));
    return rows.map((r) => r?.id ?? null);
  }

  /** Stores messages without sending; null where the dedupe key (or the set's `key`) was queued before. */
  enqueue(messages: OutboxMessage[], key?: string): Promise<(number | null)[]> {
    return this.o.store.add(messages, this.o.clock.now(), key);
  }

  async deliverNow(ids: (number | null)[]): Promise<void> {
    const fresh = ids.filter((id): id is number => id !== null);
    if (fresh.length > 0) await this.deliver(await this.o.store.lease(this.o.clock.now(), this.owner, LEASE_MS, fresh.length, fresh));
  }

  /** Delivers every due row: rows left by a crash, a restart or an earlier failure. */
  async flush(limit = 500): Promise<number> {
    const rows = await this.o.store.lease(this.o.clock.now(), this.owner, LEASE_MS, limit);
    await this.deliver(rows);
    return rows.length;
  }

  private async deliver(rows: OutboxRow[]): Promise<void> {
    await Promise.all(rows.map((row) => this.inChatOrder(row.chatId, () => this.deliverOne(row))));
  }

  /** One chat's sends run one after another, so the rate limit holds. */
  private inChatOrder(chat: string, work: () => Promise<void>): Promise<void> {
    const prev = this.chains.get(chat) ?? Promise.resolve();
    const next = prev.then(work, work);
    this.chains.set(chat, next);
    const done = () => {
      if (this.chains.get(chat) === next) this.chains.delete(chat);
    };
    // The caller sees the failure through `next`; this branch must not raise an unhandled one.
    void next.then(done, done);
    return next;
  }

  private async slot(chat: string): Promise<void> {
    for (;;) {
      const now = this.o.clock.now();
      const window = (this.windows.get(chat) ?? []).filter((t) => t > now - 1000);
      if (window.length < this.perSecond) {
        window.push(now);
        this.windows.set(chat, window);
        return;
      }
      this.windows.set(chat, window);
      await this.o.clock.sleep(window[0]! + 1000 - now);
    }
  }

  private async deliverOne(row: OutboxRow): Promise<void> {
    const { store, api, clock, log } = this.o;
    const maxAge = this.o.maxAgeMs ?? DEFAULT_MAX_AGE_MS;
    let attempts = row.attempts;
    for (let tryNo = 0; ; tryNo++) {
      if (clock.now() - row.createdAt > maxAge) {
        log.error('飞书消息超过有效期仍未发出，已放弃', { outbox: row.id, purpose: row.purpose, chat: row.chatId, attempts, lastError: row.lastError });
        await store.failed(row.id, `过期未发出（${row.lastError ?? '无错误记录'}）`, attempts);
        return;
      }
      await this.slot(row.chatId);
      attempts++;
      const askedAt = row.askedAt ?? row.createdAt;
      const late = row.replyTo !== null && clock.now() - askedAt >= (this.o.lateAfterMs ?? 5 * 60_000);
      try {
        const { messageId } = await api.send({
          chatId: row.chatId,
          replyTo: row.replyTo,
          msgType: row.msgType,
          content: late ? withNote(row, lateNote(askedAt, clock.now())) : row.content,
          uuid: row.uuid,
        });
        await store.sent(row.id, messageId, clock.now(), attempts);
        if (late) log.info('飞书恢复后补发', { outbox: row.id, chat: row.chatId, askedAt });
        return;
      } catch (e) {
        const err = FeishuError.from(e);
        const detail = { outbox: row.id, purpose: row.purpose, chat: row.chatId, code: err.code, status: err.status, error: err.message };
        const label = `${err.code ?? err.status ?? (err.timedOut ? 'timeout' : 'network')}: ${err.message}`;
        if (!err.retryable || attempts >= this.maxAttempts) {
          log.error('飞书消息发送失败，已停止重试', { ...detail, attempts });
          await store.failed(row.id, label, attempts);
          return;
        }
        const wait = err.retryAfterMs ?? 500 * 2 ** tryNo;
        // A call that hung is not retried at once: the chat's later messages go first, this one on a later flush.
        if (err.timedOut || tryNo + 1 >= this.immediateTries) {
          const later = Math.min(this.o.maxBackoffMs ?? 5 * 60_000, 30_000 * 2 ** Math.floor(attempts / this.immediateTries));
          log.warn('飞书消息暂未发出，稍后重试', { ...detail, attempts, retryInMs: later });
          // The row keeps its uuid, so a retry inside Feishu's one-hour window cannot duplicate it.
          row.lastError = label;
          await store.retryLater(row.id, clock.now() + Math.max(later, wait), label, attempts);
          return;
        }
        log.warn('飞书消息发送失败，重试', { ...detail, attempts, retryInMs: wait });
        await clock.sleep(wait);
      }
    }
  }
}
