import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { Miniflare } from 'miniflare';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWorkerBot, type WorkerSeed } from '../bot/runtime/worker.js';
import { memoryLogger } from '../bot/log.js';
import { beijingDate, WorkCalendar } from '../bot/reminders/workCalendar.js';
import { scratch } from './helpers.js';
import { d1Shim } from './support/d1Shim.js';
import { atBot, deliver, messageEvent } from './support/feishuEvents.js';
import { FeishuStub, type StubMessage } from './support/feishuStub.js';

// The built Worker under workerd (Miniflare 4) with a local D1 on disk: the Worker's clock is the real
// one, so events are signed at Date.now() and the digest's expectation is computed for today.
const root = join(import.meta.dirname, '..');
const dirs = scratch();
const out = join(dirs.root, 'worker');
const stub = new FeishuStub();
const KEY = 'workerd-key';
let seed: WorkerSeed;
let mf: Miniflare;

const bindings = () => ({
  FEISHU_APP_ID: 'cli_workerd',
  FEISHU_APP_SECRET: 's',
  FEISHU_DOMAIN: stub.url,
  FEISHU_ENCRYPT_KEY: KEY,
  FEISHU_VERIFICATION_TOKEN: 'vtoken',
  ACCESS_TOKEN: 'workerd-test-token-0123456789',
  // Due from 00:00 Beijing, so whether today's digest goes out depends only on the work calendar.
  DIGEST_CRON: '0 0 * * *',
});

const start = () =>
  new Miniflare({
    modules: [{ type: 'ESModule', path: join(out, 'worker.mjs') }],
    modulesRoot: out,
    compatibilityDate: '2026-04-01',
    compatibilityFlags: ['nodejs_compat'],
    d1Databases: { DB: 'gangzetong-test' },
    d1Persist: join(dirs.root, 'd1'),
    bindings: bindings(),
    // No request.cf metadata: Miniflare would otherwise fetch it from workers.cloudflare.com.
    cf: false,
  });

/** Resolves with the first message the stub has received or receives that matches. */
function message(match: (m: StubMessage) => boolean, timeoutMs = 30_000): Promise<StubMessage> {
  const found = stub.messages.find(match);
  if (found) return Promise.resolve(found);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no such message reached the Feishu stub')), timeoutMs);
    const prev = stub.onMessage;
    stub.onMessage = (m) => {
      prev?.(m);
      if (!match(m)) return;
      clearTimeout(timer);
      stub.onMessage = prev;
      resolve(m);
    };
  });
}

const webhook = (body: unknown, o: { now?: number; headers?: Record<string, string> } = {}) => {
  const req = deliver(body, { encryptKey: KEY }, { now: o.now });
  return mf.dispatchFetch('http://bot/webhook/feishu', { method: 'POST', body: req.body, headers: { ...req.headers, ...o.headers } });
};

beforeAll(async () => {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('FEISHU_')));
  const built = spawnSync(join(root, 'node_modules', '.bin', 'tsx'), [join(root, 'bot', 'cli', 'buildWorker.ts'), out], {
    cwd: root,
    env: { ...env, SEEDS_DIR: join(root, 'seeds'), DATA_DIR: dirs.dataDir },
    encoding: 'utf8',
  });
  expect(built.status, built.stderr).toBe(0);
  // What wrangler does for nodejs_compat: one ES module, node:* left to the runtime.
  await build({
    entryPoints: [join(out, 'entry.ts')],
    bundle: true,
    format: 'esm',
    platform: 'neutral',
    target: 'es2022',
    conditions: ['workerd', 'worker', 'browser'],
    mainFields: ['browser', 'module', 'main'],
    external: ['node:*'],
    outfile: join(out, 'worker.mjs'),
    logLevel: 'error',
  });
  seed = JSON.parse(readFileSync(join(out, 'seed.json'), 'utf8')) as WorkerSeed;
  await stub.start();
  mf = start();
  await mf.ready;
}, 180_000);

afterAll(async () => {
  await mf?.dispose();
  await stub.stop();
  dirs.cleanup();
});

describe('the built Worker under workerd (Miniflare, local D1)', () => {
  it('is healthy and answers exactly as the same Worker code does on Node', async () => {
    const health = await (await mf.dispatchFetch('http://bot/healthz')).json();
    expect(health).toMatchObject({ ok: true, records: seed.records.length, feishu: 'on' });
    const node = await createWorkerBot(seed, { DB: d1Shim(), ...bindings() }, { log: memoryLogger() });
    for (const question of ['谁负责测绘作业证初审?', '征收征用工作的流程', '明天放假吗']) {
      const body = JSON.stringify({ question });
      const headers = { authorization: 'Bearer workerd-test-token-0123456789' };
      expect((await mf.dispatchFetch('http://bot/api/ask', { method: 'POST', body })).status).toBe(401);
      const inWorkerd = await mf.dispatchFetch('http://bot/api/ask', { method: 'POST', body, headers });
      const onNode = await node.app.fetch(new Request('http://bot/api/ask', { method: 'POST', body, headers }));
      expect(inWorkerd.status).toBe(200);
      expect(await inWorkerd.json()).toEqual(await onNode.json());
    }
  });

  it('answers a signed event once, across a duplicate delivery and a restart on the same D1, and refuses forged and stale ones', async () => {
    const ev = atBot('谁负责测绘作业证初审?', stub.botOpenId, { messageId: 'om_workerd' });
    expect((await webhook(ev)).status).toBe(200);
    const reply = await message((m) => m.target === 'om_workerd');
    expect(JSON.stringify(reply.content)).toContain('王金峰');

    expect((await webhook(ev)).status).toBe(200);
    await mf.dispose();
    mf = start();
    await mf.ready;
    expect((await webhook(ev)).status).toBe(200);
    expect((await webhook(atBot('谁负责测绘作业证初审?', stub.botOpenId, { messageId: 'om_forged' }), { headers: { 'x-lark-signature': 'ab'.repeat(32) } })).status).toBe(401);
    expect((await webhook(atBot('谁负责测绘作业证初审?', stub.botOpenId, { messageId: 'om_stale' }), { now: Date.now() - 3600_000 })).status).toBe(401);
    // A later event's reply marks the point by which any second reply would have been sent.
    expect((await webhook(atBot('谁分管测绘室', stub.botOpenId, { messageId: 'om_after' }))).status).toBe(200);
    await message((m) => m.target === 'om_after');
    // Two replies queued in D1 in all (a reply is queued before it is sent, and marked sent after the stub answers).
    const { outbox } = (await (await mf.dispatchFetch('http://bot/healthz')).json()) as { outbox: { pending: number; sent: number; failed: number } };
    expect(outbox.pending + outbox.sent + outbox.failed).toBe(2);
    expect(stub.messages.filter((m) => m.target === 'om_workerd')).toHaveLength(1);
    expect(stub.messages.some((m) => m.target === 'om_forged' || m.target === 'om_stale')).toBe(false);
  });

  it('sends today’s digest from the scheduled handler once, and only on a working day', async () => {
    expect((await webhook(messageEvent({ chatType: 'p2p', chatId: 'oc_workerd', text: '提醒 明天 报送自查报告', messageId: 'om_remind' }))).status).toBe(200);
    expect(JSON.stringify((await message((m) => m.target === 'om_remind')).content)).toContain('报送自查报告');
    const before = stub.messages.length;
    // Miniflare types the Fetcher through its own Request; scheduled() is the workerd test hook.
    const worker = (await mf.getWorker()) as unknown as { scheduled(o: { cron: string; scheduledTime: Date }): Promise<{ outcome: string }> };
    for (let i = 0; i < 2; i++) {
      const run = await worker.scheduled({ cron: '*/5 * * * *', scheduledTime: new Date() });
      expect(run.outcome).toBe('ok');
    }
    const workday = new WorkCalendar(seed.holidays).isWorkday(beijingDate(Date.now()));
    if (workday) {
      const digest = await message((m) => m.kind === 'create' && m.target === 'oc_workerd');
      expect(JSON.stringify(digest.content)).toContain('报送自查报告');
    }
    // The scheduled runs above have finished their waitUntil work: nothing more is on its way.
    expect(stub.messages.slice(before).filter((m) => m.kind === 'create' && m.target === 'oc_workerd')).toHaveLength(workday ? 1 : 0);
  });
});
