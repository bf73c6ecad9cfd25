import { spawnSync } from 'node:child_process';
import { hostname } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FetchFeishuApi } from '../bot/feishu/fetchApi.js';
import { FeishuError, type FeishuApi, type SendRequest } from '../bot/feishu/api.js';
import { newOwner, pidAlive } from '../bot/leaseOwner.js';
import { memoryLogger } from '../bot/log.js';
import { openSqliteState } from '../bot/node/sqliteState.js';
import { LarkApi } from '../bot/node/larkApi.js';
import { lateNote, Outbox } from '../bot/outbox.js';
import { BotHarness } from './support/botHarness.js';
import { ManualClock } from './support/clock.js';
import { atBot, cardEvent } from './support/feishuEvents.js';
import { FeishuStub } from './support/feishuStub.js';
import { scratch } from './helpers.js';

const title = BotHarness.cardTitle;
const text = BotHarness.cardText;
const ADMIN = 'ou_admin';

/**
 * The first run of `eventId` is deemed to have lost its lease mid-way (a crash, or a Feishu call longer
 * than the lease): the event is unhandled again, and the upkeep pump of a later moment takes it over.
 */
async function rerunAfterTakeOver(h: BotHarness, eventId: string): Promise<void> {
  const r = await h.bot.state.db.run(
    `update inbox set status = 'received', lease_until = ?, lease_owner = 'elsewhere/1/gone' where event_id = ?`,
    h.clock.now(),
    eventId,
  );
  expect(r.changes).toBe(1);
  h.clock.advance(61_000);
  expect(await h.bot.feishu!.bot.resume()).toBe(1);
  await h.idle();
  expect((await h.bot.state.db.get<{ status: string }>('select status from inbox where event_id = ?', eventId))!.status).toBe('handled');
}

describe('commands take effect once per event', () => {
  let h: BotHarness;
  beforeAll(async () => {
    h = await new BotHarness({ env: { ADMIN_OPEN_IDS: ADMIN } }).start();
  });
  afterAll(() => h.close());

  const send = async (text: string, o: Parameters<typeof atBot>[2]) => {
    const before = h.stub.messages.length;
    await h.event(atBot(text, h.stub.botOpenId, { chatId: 'oc_once', ...o }));
    await h.idle();
    return h.stub.messages.slice(before);
  };

  it('creates one reminder when the same message is handled again after its lease was taken over', async () => {
    const [m] = await send('提醒 11月30日前 报送自查报告', { eventId: 'ev_rem', messageId: 'om_rem' });
    expect(title(m!)).toMatch(/^已设提醒 #\d+$/);
    await rerunAfterTakeOver(h, 'ev_rem');
    const open = await h.bot.state.reminders.open({ chatId: 'oc_once' });
    expect(open.map((r) => r.title)).toEqual(['报送自查报告']);
    expect(await h.bot.state.reminders.history(open[0]!.id)).toHaveLength(1);
    // The confirmation went out once too.
    expect(h.stub.messages.filter((x) => x.target === 'om_rem')).toHaveLength(1);
  });

  it('does not let a re-run binding revert a later one', async () => {
    await send('绑定 王金峰 @_user_2', { eventId: 'ev_bind1', messageId: 'om_bind1', sender: ADMIN, mentions: [{ key: '@_user_2', openId: 'ou_first', name: '王金峰' }] });
    await send('绑定 王金峰 @_user_3', { eventId: 'ev_bind2', messageId: 'om_bind2', sender: ADMIN, mentions: [{ key: '@_user_3', openId: 'ou_second', name: '王金峰' }] });
    await rerunAfterTakeOver(h, 'ev_bind1');
    expect(h.bot.services.roster.openIdOf('王金峰')).toBe('ou_second');
    expect((await h.bot.state.roster.all()).find((b) => b.name === '王金峰')!.openId).toBe('ou_second');
    // Unbinding, re-run after a new binding, leaves the new binding alone.
    await send('解绑 王金峰', { eventId: 'ev_unbind', messageId: 'om_unbind', sender: ADMIN });
    await send('绑定 王金峰 @_user_4', { eventId: 'ev_bind3', messageId: 'om_bind3', sender: ADMIN, mentions: [{ key: '@_user_4', openId: 'ou_third', name: '王金峰' }] });
    await rerunAfterTakeOver(h, 'ev_unbind');
    expect(h.bot.services.roster.openIdOf('王金峰')).toBe('ou_third');
  });

  it('does not let a re-run 取消订阅 undo a later 订阅提醒', async () => {
    await send('订阅提醒', { eventId: 'ev_sub1', messageId: 'om_sub1' });
    await send('取消订阅', { eventId: 'ev_unsub', messageId: 'om_unsub' });
    await send('订阅提醒', { eventId: 'ev_sub2', messageId: 'om_sub2' });
    await rerunAfterTakeOver(h, 'ev_unsub');
    expect(await h.bot.state.reminders.subscriptions('oc_once')).toHaveLength(1);
  });

  it('does not apply a re-delivered card click again after the reminder changed', async () => {
    const [m] = await send('提醒 12月10日 上报年度计划', { eventId: 'ev_rem2', messageId: 'om_rem2' });
    const id = Number(title(m!).match(/#(\d+)/)![1]);
    const click = () => cardEvent({ action: 'remind.done', id: String(id) }, { chatId: 'oc_once', messageId: 'om_card_once' });
    expect(await (await h.event(click())).json()).toMatchObject({ toast: { type: 'success' } });
    expect((await h.bot.state.reminders.get(id))!.status).toBe('done');
    await send(`改期 ${id} 12月15日`, { eventId: 'ev_move', messageId: 'om_move' });
    expect((await h.bot.state.reminders.get(id))!.status).toBe('open');
    await h.event(click());
    expect((await h.bot.state.reminders.get(id))!).toMatchObject({ status: 'open', dueDate: '2026-12-15' });
    await rerunAfterTakeOver(h, 'ev_move');
    expect((await h.bot.state.reminders.history(id)).map((c) => c.action)).toEqual(['created', 'done', 'rescheduled']);
  });

  it('queues a digest once per chat and day, even when a re-run has more pages', async () => {
    const msg = (i: number) => ({ chatId: 'oc_once', replyTo: null, msgType: 'text' as const, content: `{"text":"${i}"}`, dedupeKey: `digest:oc_once:d:${i}`, purpose: 'digest' });
    const first = await h.bot.state.outbox.add([msg(0)], h.clock.now(), 'digest:oc_once:d');
    expect(first[0]).not.toBeNull();
    expect(await h.bot.state.outbox.add([msg(0), msg(1)], h.clock.now(), 'digest:oc_once:d')).toEqual([null, null]);
  });
});

describe('leases of a crashed process', () => {
  it('are taken over at start-up when their holder is gone, and only then', async () => {
    const dirs = scratch();
    const path = `${dirs.dataDir}/state.db`;
    const dead = { host: hostname(), pid: 999_999, boot: 'dead-boot' };
    const live = { host: hostname(), pid: 888_888, boot: 'live-boot' };
    const a = await openSqliteState(path, dead);
    const b = await openSqliteState(path, live);
    const me = await openSqliteState(path, newOwner(hostname(), process.pid));
    const ev = (id: string) => ({ eventId: id, messageId: null, type: 'x', payload: {}, receivedAt: 1_000 });
    expect(await a.inbox.claim(ev('ev_dead'), 61_000)).toBe(true);
    expect(await b.inbox.claim(ev('ev_live'), 61_000)).toBe(true);
    await a.outbox.lease(1_000, a.owner, 60_000, 10, (await a.outbox.add([{ chatId: 'c', replyTo: null, msgType: 'text', content: '{}', purpose: 't' }], 1_000)) as number[]);
    const alive = (pid: number) => pid === live.pid;
    expect(await me.inbox.pending(10, 2_000, 2_000)).toHaveLength(0);
    expect(await me.takeOverAbandoned(2_000, alive)).toEqual({ events: 1, messages: 1 });
    expect((await me.inbox.pending(10, 2_001, 2_000)).map((e) => e.eventId)).toEqual(['ev_dead']);
    expect(await me.outbox.lease(2_000, me.owner, 60_000, 10)).toHaveLength(1);
    // A holder elsewhere cannot be checked, and this process's own pid with another boot id is a predecessor.
    const remote = await openSqliteState(path, { host: 'other-host', pid: 999_998, boot: 'r' });
    const previous = await openSqliteState(path, { host: hostname(), pid: process.pid, boot: 'before-restart' });
    await remote.inbox.claim(ev('ev_remote'), 61_000);
    await previous.inbox.claim(ev('ev_previous'), 61_000);
    expect(await me.takeOverAbandoned(2_000, alive)).toEqual({ events: 1, messages: 0 });
    expect((await me.inbox.pending(10, 2_001, 2_000)).map((e) => e.eventId).sort()).toEqual(['ev_dead', 'ev_previous']);
    // Released at shutdown: free for anyone at once.
    await b.releaseLeases();
    expect((await me.inbox.pending(10, 2_001, 2_000)).map((e) => e.eventId).sort()).toEqual(['ev_dead', 'ev_live', 'ev_previous']);
    for (const s of [a, b, me, remote, previous]) await s.close();
    dirs.cleanup();
  });

  it('tells a running pid from a finished one', () => {
    expect(pidAlive(process.pid)).toBe(true);
    const child = spawnSync(process.execPath, ['-e', '']);
    expect(child.pid).toBeGreaterThan(0);
    expect(pidAlive(child.pid!)).toBe(false);
  });

  it('answers an event left in flight by a killed process at start-up, without waiting for the lease', () =>
    BotHarness.run({}, async (h) => {
      const crashed = await openSqliteState(`${h.dirs.dataDir}/state.db`, { host: hostname(), pid: 999_997, boot: 'killed' });
      const ev = atBot('谁负责测绘作业证初审?', h.stub.botOpenId, { chatId: 'oc_crash', messageId: 'om_crash', eventId: 'ev_crash' });
      const { header, event } = ev as { header: Record<string, unknown>; event: Record<string, unknown> };
      await crashed.inbox.claim({ eventId: 'ev_crash', messageId: 'om_crash', type: 'im.message.receive_v1', payload: { ...header, ...event }, receivedAt: h.clock.now() }, h.clock.now() + 60_000);
      await crashed.close();
      h.clock.advance(2_000);
      await h.bot.feishu!.bot.resume();
      await h.idle();
      expect(h.stub.messages).toHaveLength(0);
      expect(await h.bot.recover((pid) => pid !== 999_997)).toEqual({ events: 1, messages: 0 });
      await h.idle();
      expect(h.stub.messages.map((m) => m.target)).toEqual(['om_crash']);
      expect(text(h.stub.messages[0]!.content)).toContain('王金峰');
    }));
});

describe('a Feishu that hangs', () => {
  it('times out a hung send and answers other chats meanwhile; the hung reply goes out once later', () =>
    BotHarness.run({ env: { FEISHU_TIMEOUT_MS: '300' } }, async (h) => {
      h.stub.hangSends(1);
      const started = performance.now();
      await h.event(atBot('谁负责测绘作业证初审?', h.stub.botOpenId, { chatId: 'oc_hung', messageId: 'om_hung' }));
      await h.event(atBot('谁负责测绘作业证初审?', h.stub.botOpenId, { chatId: 'oc_fine', messageId: 'om_fine' }));
      await h.idle();
      const waited = performance.now() - started;
      expect(waited).toBeLessThan(5_000);
      expect(h.stub.hungCount()).toBe(1);
      expect(h.stub.messages.map((m) => m.target)).toEqual(['om_fine']);
      const row = await h.bot.state.db.get<{ status: string; last_error: string }>(`select status, last_error from outbox where reply_to = 'om_hung'`);
      expect(row).toMatchObject({ status: 'pending' });
      expect(row!.last_error).toMatch(/timeout|无响应/);
      h.stub.releaseHung();
      h.clock.advance(31_000);
      await h.bot.pump();
      expect(h.stub.messages.map((m) => m.target)).toEqual(['om_fine', 'om_hung']);
    }));

  it('bounds both API clients with their timeout', async () => {
    const stub = await new FeishuStub().start();
    try {
      stub.hangSends(2);
      const clock = new ManualClock(0);
      const req: SendRequest = { chatId: 'oc_x', replyTo: null, msgType: 'text', content: '{"text":"x"}', uuid: 'u-1' };
      const viaFetch = new FetchFeishuApi({ appId: 'a', appSecret: 's', domain: stub.url, clock, timeoutMs: 200 });
      const viaSdk = new LarkApi({ appId: 'cli_timeout_test', appSecret: 's', domain: stub.url, logger: memoryLogger(), timeoutMs: 200 });
      for (const api of [viaFetch, viaSdk]) {
        const t = performance.now();
        const err = await api.send(req).then(
          () => null,
          (e: unknown) => e,
        );
        expect(err).toBeInstanceOf(FeishuError);
        expect((err as FeishuError).timedOut).toBe(true);
        expect((err as FeishuError).retryable).toBe(true);
        expect(performance.now() - t).toBeLessThan(2_000);
      }
    } finally {
      await stub.stop();
    }
  });

  it('shuts down within its grace period while a send hangs, releasing its leases', () =>
    BotHarness.run({ env: { FEISHU_TIMEOUT_MS: '60000' } }, async (h) => {
      h.stub.hangSends(1);
      await h.event(atBot('谁负责测绘作业证初审?', h.stub.botOpenId, { chatId: 'oc_stop', messageId: 'om_stop', eventId: 'ev_stop' }));
      for (let i = 0; i < 100 && h.stub.hungCount() === 0; i++) await new Promise((r) => setTimeout(r, 10));
      expect(h.stub.hungCount()).toBe(1);
      const statePath = `${h.dirs.dataDir}/state.db`;
      const t = performance.now();
      expect(await h.bot.shutdown(200)).toEqual({ finished: false });
      expect(performance.now() - t).toBeLessThan(2_000);
      const after = await openSqliteState(statePath, newOwner('elsewhere', 1));
      expect(await after.db.get(`select lease_owner, lease_until from inbox where event_id = 'ev_stop'`)).toEqual({ lease_owner: null, lease_until: null });
      expect(await after.db.get(`select lease_owner from outbox where reply_to = 'om_stop'`)).toEqual({ lease_owner: null });
      await after.close();
      h.stub.releaseHung();
      await h.idle();
      // The next start takes over at once.
      await h.restart();
      await h.bot.recover();
      await h.idle();
      expect(h.stub.messages.map((m) => m.target)).toEqual(['om_stop']);
    }));
});

describe('a long Feishu outage', () => {
  it('keeps the reply through an hour of errors and sends it once, saying it is late', () =>
    BotHarness.run({ start: '2026-11-23T01:12:00Z' }, async (h) => {
      h.stub.sendsDown = true;
      h.stub.botInfoDown = true;
      await h.event(atBot('谁负责测绘作业证初审?', h.stub.botOpenId, { chatId: 'oc_out', messageId: 'om_out' }));
      await h.idle();
      type Health = { outbox: Record<string, number | null>; events: Record<string, number | null> };
      const healthz = async () => (await (await fetch(`${h.url}/healthz`)).json()) as Health;
      const health = async () => (await healthz()).outbox;
      for (let t = 0; t < 60; t += 5) {
        h.clock.advance(5 * 60_000);
        await h.bot.pump();
      }
      expect(h.stub.messages).toHaveLength(0);
      expect(await health()).toMatchObject({ pending: 0, failed: 0 });
      const waiting = (await healthz()).events;
      expect(waiting).toMatchObject({ pending: 1, failed: 0 });
      expect(waiting.oldestPendingAgeS).toBeGreaterThanOrEqual(3600);
      // The bot learns its identity again, answers, and the answer itself waits out the rest of the outage.
      h.stub.botInfoDown = false;
      for (let t = 0; t < 30; t += 5) {
        h.clock.advance(5 * 60_000);
        await h.bot.pump();
      }
      expect(h.stub.messages).toHaveLength(0);
      const during = await health();
      expect(during).toMatchObject({ pending: 1, failed: 0 });
      expect(during.oldestPendingAgeS).toBeGreaterThanOrEqual(25 * 60);
      h.stub.sendsDown = false;
      for (let t = 0; t < 15; t += 5) {
        h.clock.advance(5 * 60_000);
        await h.bot.pump();
      }
      expect(h.stub.messages).toHaveLength(1);
      const body = text(h.stub.messages[0]!.content);
      expect(body).toContain('（问题发出于 09:12，飞书服务恢复后补发）');
      expect(body).toContain('王金峰');
      expect(await health()).toMatchObject({ pending: 0, failed: 0, sent: 1, oldestPendingAgeS: null });
    }));

  it('gives a message up only once it is older than its useful age', async () => {
    const dirs = scratch();
    const state = await openSqliteState(`${dirs.dataDir}/state.db`);
    const clock = new ManualClock(Date.parse('2026-11-23T01:00:00Z'));
    const api: FeishuApi = {
      botInfo: async () => ({ openId: 'b', name: 'b' }),
      userIds: async () => [],
      downloadResource: async () => new Uint8Array(0),
      send: async () => {
        throw new FeishuError('down', null, 503, true, null);
      },
    };
    const outbox = new Outbox({ store: state.outbox, api, clock, log: memoryLogger(), maxAgeMs: 2 * 3600_000 });
    const [id] = await outbox.send([{ chatId: 'c', replyTo: 'om_q', msgType: 'text', content: '{"text":"a"}', purpose: 'answer' }]);
    for (let i = 0; i < 23; i++) {
      clock.advance(5 * 60_000);
      await outbox.flush();
    }
    expect((await state.outbox.get(id!))!.status).toBe('pending');
    for (let i = 0; i < 4; i++) {
      clock.advance(5 * 60_000);
      await outbox.flush();
    }
    expect((await state.outbox.get(id!))!).toMatchObject({ status: 'failed' });
    expect((await state.outbox.get(id!))!.lastError).toContain('过期');
    expect(lateNote(Date.parse('2026-11-23T01:12:00Z'), Date.parse('2026-11-24T02:00:00Z'))).toBe('（问题发出于 11月23日 09:12，飞书服务恢复后补发）');
    await state.close();
    dirs.cleanup();
  });
});
