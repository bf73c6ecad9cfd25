import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readManuals } from '../ingest/node/readManuals.js';
import { parseCorpus } from '../ingest/parseManual.js';
import { loadSynonyms } from '../bot/runtime/nodeEngine.js';
import { createWorker, createWorkerBot, type WorkerSeed } from '../bot/runtime/worker.js';
import { memoryLogger } from '../bot/log.js';
import { ManualClock } from './support/clock.js';
import { d1Shim } from './support/d1Shim.js';
import { atBot, deliver, messageEvent } from './support/feishuEvents.js';
import { FeishuStub } from './support/feishuStub.js';

const seeds = join(import.meta.dirname, '..', 'seeds');
const corpus = parseCorpus(readManuals(join(seeds, 'manuals')));
const seed: WorkerSeed = {
  records: corpus.records,
  units: corpus.units,
  synonyms: loadSynonyms(seeds),
  deadlines: readFileSync(join(seeds, 'deadlines.json'), 'utf8'),
  holidays: {},
};

describe('the Worker runtime (D1-shaped state, fetch to Feishu, cron)', () => {
  const stub = new FeishuStub();
  const env = () => ({ DB: d1Shim(), FEISHU_APP_ID: 'cli_worker', FEISHU_APP_SECRET: 's', FEISHU_DOMAIN: stub.url, FEISHU_ENCRYPT_KEY: 'wk', FEISHU_VERIFICATION_TOKEN: 'vtoken', ACCESS_TOKEN: 'worker-test-token-0123456789' });
  beforeAll(() => stub.start());
  afterAll(() => stub.stop());

  it('answers a webhook event after acknowledging it, keeping the work alive with waitUntil', async () => {
    const worker = createWorker(seed);
    const pending: Promise<unknown>[] = [];
    const ctx = { waitUntil: (p: Promise<unknown>) => void pending.push(p) };
    const e = env();
    const health = await worker.fetch(new Request('http://bot/healthz'), e, ctx);
    expect(await health.json()).toMatchObject({ ok: true, records: corpus.records.length, feishu: 'on' });
    const req = deliver(atBot('谁负责测绘作业证初审?', stub.botOpenId, { messageId: 'om_worker' }), { encryptKey: 'wk' });
    const res = await worker.fetch(new Request('http://bot/webhook/feishu', { method: 'POST', body: req.body, headers: req.headers }), e, ctx);
    expect(res.status).toBe(200);
    await Promise.all(pending);
    const reply = stub.messages.find((m) => m.target === 'om_worker')!;
    expect(JSON.stringify(reply.content)).toContain('王金峰');
    const again = await worker.fetch(new Request('http://bot/webhook/feishu', { method: 'POST', body: req.body, headers: req.headers }), e, ctx);
    expect(again.status).toBe(200);
    await Promise.all(pending);
    expect(stub.messages.filter((m) => m.target === 'om_worker')).toHaveLength(1);
    await worker.scheduled({}, e, ctx);
    await Promise.all(pending);
  });

  it('refuses to serve the public console without ACCESS_TOKEN, saying what to set; with it, asks need the token', async () => {
    const ctx = { waitUntil: () => {} };
    const { ACCESS_TOKEN: _, ...open } = env();
    const refused = await createWorker(seed).fetch(new Request('http://bot/api/ask', { method: 'POST', body: JSON.stringify({ question: '谁负责测绘作业证初审' }) }), open, ctx);
    expect(refused.status).toBe(503);
    expect(((await refused.json()) as { error: string }).error).toContain('ACCESS_TOKEN');
    const worker = createWorker(seed);
    const ask = (auth?: string) =>
      worker.fetch(new Request('http://bot/api/ask', { method: 'POST', body: JSON.stringify({ question: '谁负责测绘作业证初审' }), headers: { 'content-type': 'application/json', ...(auth ? { authorization: auth } : {}) } }), env(), ctx);
    expect((await ask()).status).toBe(401);
    expect((await ask('Bearer worker-test-token-0123456789')).status).toBe(200);
    const published = await createWorker(seed).fetch(new Request('http://bot/api/ask', { method: 'POST', body: JSON.stringify({ question: '谁负责测绘作业证初审' }), headers: { 'content-type': 'application/json' } }), { ...open, CONSOLE_PUBLIC: '1' }, ctx);
    expect(published.status).toBe(200);
  });

  it('sends the daily digest from the cron path once, on working days', async () => {
    const clock = new ManualClock(Date.parse('2026-11-20T02:00:00Z'));
    const e = env();
    const bot = await createWorkerBot(seed, e, { clock, log: memoryLogger() });
    await bot.feishu!.bot.invoke(messageEvent({ chatType: 'p2p', chatId: 'oc_wk', text: '提醒 11月24日 报送自查报告' }));
    await bot.tasks.idle();
    const before = stub.messages.length;
    clock.set('2026-11-21T01:30:00Z'); // Saturday
    await bot.pump();
    clock.set('2026-11-23T01:05:00Z'); // Monday 09:05 Beijing
    await bot.pump();
    await bot.pump();
    await bot.tasks.idle();
    const digests = stub.messages.slice(before).filter((m) => m.kind === 'create' && m.target === 'oc_wk');
    expect(digests).toHaveLength(1);
    expect(JSON.stringify(digests[0]!.content)).toContain('报送自查报告');
  });

  it('says manual upload is not available on Workers, to an admin sending a file and on the admin page', async () => {
    const e = { ...env(), ADMIN_OPEN_IDS: 'ou_wk_admin', ADMIN_TOKEN: 'worker-admin-token-0123456789' };
    const bot = await createWorkerBot(seed, e, { clock: new ManualClock(Date.parse('2026-11-23T01:00:00Z')), log: memoryLogger() });
    stub.files.set('file_wk', new TextEncoder().encode('x'));
    const before = stub.messages.length;
    await bot.feishu!.bot.invoke(messageEvent({ chatType: 'p2p', chatId: 'oc_wk_admin', sender: 'ou_wk_admin', msgType: 'file', content: { file_key: 'file_wk', file_name: 'a.xlsx' } }));
    await bot.tasks.idle();
    expect(JSON.stringify(stub.messages.slice(before)[0]!.content)).toContain('不能在线更新手册');
    const page = await bot.app.request('/admin/manuals', { headers: { authorization: 'Bearer worker-admin-token-0123456789' } });
    expect(page.status).toBe(503);
    expect(await page.text()).toContain('不能在线更新手册');
  });
});
