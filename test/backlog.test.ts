import { describe, expect, it } from 'vitest';
import { BotHarness } from './support/botHarness.js';
import { messageEvent } from './support/feishuEvents.js';

const QUESTIONS = ['不动产登记由谁负责', '执法监察的流程', '测绘成果管理的职责', '用地审批谁来办'];

describe('events over MAX_INFLIGHT_EVENTS wait in the inbox', () => {
  it('holds at most the cap in memory, shows it on /healthz, and answers every event once', async () => {
    await BotHarness.run({ env: { MAX_INFLIGHT_EVENTS: '3' } }, async (h) => {
      const n = 20;
      const ids = Array.from({ length: n }, (_, i) => `om_backlog_${i}`);
      // The first three replies hang: the events holding them stay in hand, so the rest must queue up.
      h.stub.hangSends(3);
      const statuses = await Promise.all(
        ids.map((messageId, i) => h.event(messageEvent({ chatType: 'p2p', chatId: `oc_backlog_${i}`, messageId, text: QUESTIONS[i % QUESTIONS.length] })).then((r) => r.status)),
      );
      expect(statuses).toEqual(ids.map(() => 200));
      for (let i = 0; i < 400 && h.stub.hungCount() < 3; i++) await new Promise((r) => setTimeout(r, 10));
      expect(h.stub.hungCount()).toBe(3);

      const load = h.bot.feishu!.bot.load();
      expect(load.maxInMemory).toBe(3);
      expect(load.inMemory).toBeLessThanOrEqual(3);
      const health = (await (await fetch(`${h.url}/healthz`)).json()) as { events: { pending: number; inMemory: number; maxInMemory: number } };
      expect(health.events).toMatchObject({ pending: n, maxInMemory: 3 });
      expect(health.events.inMemory).toBeLessThanOrEqual(3);
      // The overflow is stored, untaken, for the drain to pick up.
      const untaken = await h.bot.state.db.get<{ n: number }>(`select count(*) as n from inbox where status = 'received' and lease_owner is null`);
      expect(untaken!.n).toBeGreaterThanOrEqual(n - 3 - 1);

      // A re-push of a waiting event is still a duplicate: stored once, answered once.
      expect((await h.event(messageEvent({ chatType: 'p2p', chatId: 'oc_backlog_19', messageId: ids[19], text: QUESTIONS[3] }))).status).toBe(200);

      h.stub.releaseHung();
      for (let i = 0; i < 1000 && ids.some((id) => !h.stub.messages.some((m) => m.target === id)); i++) {
        await h.idle();
        await new Promise((r) => setTimeout(r, 10));
      }
      await h.idle();
      for (const id of ids) expect(h.stub.messages.filter((m) => m.target === id), id).toHaveLength(1);
      const after = (await (await fetch(`${h.url}/healthz`)).json()) as { events: { pending: number; inMemory: number } };
      expect(after.events).toMatchObject({ pending: 0, inMemory: 0 });
    });
  });

  it('rejects a cap that is not a positive integer', async () => {
    const { loadConfig } = await import('../bot/config.js');
    expect(() => loadConfig({ MAX_INFLIGHT_EVENTS: '0' })).toThrow(/MAX_INFLIGHT_EVENTS/);
    expect(loadConfig({}).maxInflightEvents).toBe(200);
  });
});
