import { describe, expect, it } from 'vitest';
import { decryptEvent, encryptEvent } from '../bot/feishu/crypto.js';
import { type FeishuApi, FeishuError, type SendRequest } from '../bot/feishu/api.js';
import { memoryLogger } from '../bot/log.js';
import { openSqliteState } from '../bot/node/sqliteState.js';
import { Outbox } from '../bot/outbox.js';
import { ManualClock } from './support/clock.js';
import { scratch } from './helpers.js';

class RecordingApi implements FeishuApi {
  readonly sends: { at: number; req: SendRequest }[] = [];
  failures: FeishuError[] = [];
  constructor(private readonly clock: ManualClock) {}
  async botInfo() {
    return { openId: 'ou_bot', name: 'bot' };
  }
  async send(req: SendRequest) {
    const f = this.failures.shift();
    if (f) throw f;
    this.sends.push({ at: this.clock.now(), req });
    return { messageId: `om_${this.sends.length}` };
  }
  async userIds() {
    return [];
  }
  async downloadResource() {
    return new Uint8Array(0);
  }
}

const msg = (chatId: string, i: number) => ({ chatId, replyTo: null, msgType: 'text' as const, content: `{"text":"${i}"}`, purpose: 'test' });

describe('outbox', () => {
  it('sends at most 5 messages a second to one chat, other chats unaffected', async () => {
    const dirs = scratch();
    const state = await openSqliteState(`${dirs.dataDir}/state.db`);
    const clock = new ManualClock(Date.parse('2026-11-23T01:00:00Z'));
    const api = new RecordingApi(clock);
    const outbox = new Outbox({ store: state.outbox, api, clock, log: memoryLogger() });
    await outbox.send([...Array.from({ length: 12 }, (_, i) => msg('oc_a', i)), msg('oc_b', 99)]);
    const times = api.sends.filter((s) => s.req.chatId === 'oc_a').map((s) => s.at);
    expect(times).toHaveLength(12);
    for (let i = 5; i < times.length; i++) expect(times[i]! - times[i - 5]!).toBeGreaterThanOrEqual(1000);
    expect(api.sends.find((s) => s.req.chatId === 'oc_b')!.at).toBe(Date.parse('2026-11-23T01:00:00Z'));
    await state.close();
    dirs.cleanup();
  });

  it('keeps one uuid per row across retries and never queues a dedupe key twice', async () => {
    const dirs = scratch();
    const state = await openSqliteState(`${dirs.dataDir}/state.db`);
    const clock = new ManualClock(0);
    const api = new RecordingApi(clock);
    const outbox = new Outbox({ store: state.outbox, api, clock, log: memoryLogger() });
    api.failures = [new FeishuError('boom', null, 502, true, null)];
    const [id] = await outbox.send([{ ...msg('oc_a', 1), dedupeKey: 'digest:oc_a:2026-11-23' }]);
    expect(await outbox.send([{ ...msg('oc_a', 2), dedupeKey: 'digest:oc_a:2026-11-23' }])).toEqual([null]);
    const row = await state.outbox.get(id!);
    expect(row).toMatchObject({ status: 'sent', attempts: 2 });
    expect(api.sends.map((s) => s.req.uuid)).toEqual([row!.uuid]);
    await state.close();
    dirs.cleanup();
  });

  it('lets only one of two processes take a due row', async () => {
    const dirs = scratch();
    const a = await openSqliteState(`${dirs.dataDir}/state.db`);
    const b = await openSqliteState(`${dirs.dataDir}/state.db`);
    await a.outbox.add([msg('oc_a', 1), msg('oc_a', 2)], 0);
    const [x, y] = await Promise.all([a.outbox.lease(10, 'A', 60_000, 10), b.outbox.lease(10, 'B', 60_000, 10)]);
    expect(x.length + y.length).toBe(2);
    expect(new Set([...x, ...y].map((r) => r.id)).size).toBe(2);
    await a.close();
    await b.close();
    dirs.cleanup();
  });
});

describe('event crypto', () => {
  it('decrypts the official test vector and round-trips', () => {
    expect(decryptEvent('test key', 'P37w+VZImNgPEO1RBhJ6RtKl7n6zymIbEG1pReEzghk=')).toBe('hello world');
    expect(decryptEvent('k', encryptEvent('k', '{"a":"中文"}'))).toBe('{"a":"中文"}');
    expect(() => decryptEvent('other', encryptEvent('k', '{"a":1}', Buffer.alloc(16, 7)))).toThrow();
  });
});
