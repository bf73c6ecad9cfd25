import { describe, expect, it } from 'vitest';
import { BotHarness } from './support/botHarness.js';
import { messageEvent } from './support/feishuEvents.js';

const QUESTIONS = ['不动产登记由谁负责', '执法监察的流程', '测绘成果管理的职责', '用地审批谁来办'];

describe('events over MAX_INFLIGHT_EVENTS wait in the inbox', () => {
  // 8: the inbox is drained in batches (a quarter of the cap), not at every freed slot.
  it.each([3, 8])('holds at most the cap (%i) in memory, shows it on /healthz, and answers every event once', async (cap) => {
    await BotHarness.run({ env: { MAX_INFLIGHT_EVENTS: String(cap) } }, async (h) => {
      const n = 20 + cap;
      const ids = Array.from({ length: n }, (_, i) => `om_backlog_${i}`);
      // The first replies hang: the events holding them stay in hand, so the rest must queue up.
      h.stub.hangSends(cap);
      const statuses = await Promise.all(
        ids.map((messageId, i) => h.event(messageEvent({ chatType: 'p2p', chatId: `oc_backlog_${i}`, messageId, text: QUESTIONS[i % QUESTIONS.length] })).then((r) => r.status)),
      );
      expect(statuses).toEqual(ids.map(() => 200));
      for (let i = 0; i < 400 && h.stub.hungCount() < cap; i++) await new Promise((r) => setTimeout(r, 10));
      expect(h.stub.hungCount()).toBe(cap);

      const load = h.bot.feishu!.bot.load();
      expect(load.maxInMemory).toBe(cap);
      expect(load.inMemory).toBeLessThanOrEqual(cap);
      const health = (await (await fetch(`${h.url}/healthz`)).json()) as { events: { pending: number; inMemory: number; maxInMemory: number } };
      expect(health.events).toMatchObject({ pending: n, maxInMemory: cap });
      expect(health.events.inMemory).toBeLessThanOrEqual(cap);
      // The overflow is stored, untaken, for the drain to pick up.
      const untaken = await h.bot.state.db.get<{ n: number }>(`select count(*) as n from inbox where status = 'received' and lease_owner is null`);
      expect(untaken!.n).toBeGreaterThanOrEqual(n - cap - 1);

      // A re-push of a waiting event is still a duplicate: stored once, answered once.
      expect((await h.event(messageEvent({ chatType: 'p2p', chatId: `oc_backlog_${n - 1}`, messageId: ids[n - 1], text: QUESTIONS[(n - 1) % QUESTIONS.length] }))).status).toBe(200);

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
