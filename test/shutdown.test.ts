import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openSqliteState } from '../bot/node/sqliteState.js';
import { newOwner } from '../bot/leaseOwner.js';
import { atBot, deliver } from './support/feishuEvents.js';
import { FeishuStub } from './support/feishuStub.js';
import { scratch } from './helpers.js';

const root = join(import.meta.dirname, '..');
const tsx = join(root, 'node_modules', '.bin', 'tsx');
const dirs = scratch();
afterAll(() => dirs.cleanup());

/** Resolves with the first stdout line matching `re`, or rejects when the process ends first. */
function lineOf(child: ChildProcess, re: RegExp): Promise<RegExpMatchArray> {
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString('utf8');
      const m = out.match(re);
      if (m) resolve(m);
    });
    child.on('exit', (code) => reject(new Error(`exited ${code} before ${re}: ${out}`)));
  });
}

describe('npm start', () => {
  it('exits within seconds on SIGTERM while a Feishu send hangs, leaving the event to the next start', async () => {
    const stub = await new FeishuStub().start();
    stub.hangSends(10);
    const env = {
      ...process.env,
      SEEDS_DIR: dirs.seedsDir,
      DATA_DIR: dirs.dataDir,
      PORT: '0',
      HOST: '127.0.0.1',
      FEISHU_APP_ID: 'cli_shutdown_test',
      FEISHU_APP_SECRET: 'secret',
      FEISHU_DOMAIN: stub.url,
      FEISHU_ENCRYPT_KEY: 'k',
      FEISHU_VERIFICATION_TOKEN: 'vtoken',
      FEISHU_TIMEOUT_MS: '120000',
    };
    const child = spawn(tsx, [join(root, 'bot', 'cli', 'serve.ts')], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      const [, base] = await lineOf(child, /网页版\s+(http:\/\/\S+)\//);
      const req = deliver(atBot('谁负责测绘作业证初审?', stub.botOpenId, { eventId: 'ev_term', messageId: 'om_term' }), { encryptKey: 'k' });
      expect((await fetch(`${base}/webhook/feishu`, { method: 'POST', body: req.body, headers: req.headers })).status).toBe(200);
      while (stub.hungCount() === 0) await new Promise((r) => setTimeout(r, 20));
      const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
      const t = performance.now();
      child.kill('SIGTERM');
      const code = await exited;
      const took = performance.now() - t;
      expect(code).toBe(0);
      expect(took).toBeLessThan(6_000);
      const state = await openSqliteState(join(dirs.dataDir, 'state.db'), newOwner('elsewhere', 1));
      expect(await state.db.get(`select status, lease_owner from inbox where event_id = 'ev_term'`)).toEqual({ status: 'received', lease_owner: null });
      await state.close();
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
      await stub.stop();
    }
  }, 120_000);
});
