import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, webhookWarnings } from '../bot/config.js';
import { encryptEvent, signEvent } from '../bot/feishu/crypto.js';
import { MAX_EVENT_AGE_MS, openWebhook } from '../bot/feishu/webhook.js';
import { scratch } from './helpers.js';
import { BotHarness } from './support/botHarness.js';
import { atBot, createdAt, deliver } from './support/feishuEvents.js';
import { FeishuStub } from './support/feishuStub.js';

const KEY = 'replay-key';
const NOW = Date.parse('2026-11-23T01:00:00Z');
const MIN = 60_000;
const HOUR = 3600_000;

/** Opens a delivery signed at `sentAt` for an event created at `createdAtMs`, as the server would at `now`. */
function open(o: { sentAt: number; created: number; now: number; windowMs?: number; encryptKey?: string | null }) {
  const key = o.encryptKey === undefined ? KEY : o.encryptKey;
  const req = deliver(createdAt(atBot('谁分管测绘室', 'ou_bot'), o.created), { encryptKey: key }, { now: o.sentAt });
  const headers = new Map(Object.entries(req.headers));
  // The attacker of the token-only case may put any timestamp on the request: it is not signed.
  if (!key) headers.set('x-lark-request-timestamp', String(Math.floor(o.now / 1000)));
  return openWebhook(new TextEncoder().encode(req.body), (n) => headers.get(n), { encryptKey: key, verificationToken: 'vtoken', replayWindowMs: o.windowMs }, o.now);
}

describe('replay window on signed webhook requests', () => {
  it('accepts a request signed within ±5 minutes and refuses one signed outside, either way, with a clear 401', () => {
    expect(open({ sentAt: NOW - 4 * MIN, created: NOW - 4 * MIN, now: NOW }).kind).toBe('event');
    expect(open({ sentAt: NOW + 4 * MIN, created: NOW, now: NOW }).kind).toBe('event');
    for (const sentAt of [NOW - 6 * MIN, NOW + 6 * MIN, NOW - HOUR, NOW - 7 * 24 * HOUR, Date.parse('1970-01-02T00:00:00Z')]) {
      const r = open({ sentAt, created: NOW, now: NOW });
      expect(r).toMatchObject({ kind: 'rejected', status: 401 });
      expect(r.kind === 'rejected' && r.error).toContain('请求时间戳');
    }
  });

  it('takes the window from the configuration', () => {
    expect(open({ sentAt: NOW - 6 * MIN, created: NOW, now: NOW, windowMs: 10 * MIN }).kind).toBe('event');
    expect(open({ sentAt: NOW - 11 * MIN, created: NOW, now: NOW, windowMs: 10 * MIN }).kind).toBe('rejected');
  });

  it('accepts a freshly signed re-push of an event created hours ago (Feishu retries for 7.1 h), refuses one past the retry period', () => {
    expect(open({ sentAt: NOW, created: NOW - 6 * HOUR - 5 * MIN, now: NOW }).kind).toBe('event');
    const old = open({ sentAt: NOW, created: NOW - MAX_EVENT_AGE_MS - MIN, now: NOW });
    expect(old).toMatchObject({ kind: 'rejected', status: 401 });
    expect(old.kind === 'rejected' && old.error).toContain('超过飞书重推期限');
  });

  it('without an encrypt key (timestamp unsigned) still refuses events older than the retry period', () => {
    expect(open({ sentAt: NOW, created: NOW - 2 * HOUR, now: NOW, encryptKey: null }).kind).toBe('event');
    expect(open({ sentAt: NOW, created: NOW - 7 * 24 * HOUR, now: NOW, encryptKey: null })).toMatchObject({ kind: 'rejected', status: 401 });
  });
});

describe('deeply nested event bodies', () => {
  const deep = (n: number) => `${'{"a":'.repeat(n)}1${'}'.repeat(n)}`;
  it('refuses them with 400, in the clear and inside a correctly signed encrypted body', () => {
    const inner = JSON.stringify(createdAt(atBot('谁分管测绘室', 'ou_bot'), NOW)).replace(/}$/, `,"deep":${deep(5000)}}`);
    const wire = JSON.stringify({ encrypt: encryptEvent(KEY, inner) });
    const ts = String(Math.floor(NOW / 1000));
    const signed = new Map([
      ['x-lark-request-timestamp', ts],
      ['x-lark-request-nonce', 'n1'],
      ['x-lark-signature', signEvent(ts, 'n1', KEY, wire)],
    ]);
    const cases: [string, string | null, (n: string) => string | undefined][] = [
      [deep(5000), null, () => undefined],
      [inner, null, () => undefined],
      [wire, KEY, (n) => signed.get(n)],
    ];
    for (const [body, key, header] of cases) {
      const r = openWebhook(new TextEncoder().encode(body), header, { encryptKey: key, verificationToken: 'vtoken' }, NOW);
      expect(r).toMatchObject({ kind: 'rejected', status: 400 });
      expect(r.kind === 'rejected' && r.error).toContain('嵌套过深');
    }
    // The same event without the nesting is accepted: the refusal is about depth, not the signature.
    const plain = JSON.stringify(createdAt(atBot('谁分管测绘室', 'ou_bot'), NOW));
    const okWire = JSON.stringify({ encrypt: encryptEvent(KEY, plain) });
    const okHeaders = new Map([...signed, ['x-lark-signature', signEvent(ts, 'n1', KEY, okWire)]]);
    expect(openWebhook(new TextEncoder().encode(okWire), (n) => okHeaders.get(n), { encryptKey: KEY, verificationToken: 'vtoken' }, NOW).kind).toBe('event');
  });
});

describe('replayed and re-pushed deliveries against the running bot', () => {
  const ADMIN = 'ou_admin';
  const bind = (h: BotHarness, openId: string) =>
    atBot('绑定 王金峰 @_user_2', h.stub.botOpenId, { sender: ADMIN, chatType: 'group', mentions: [{ key: '@_user_2', openId, name: '王金峰' }] });
  const post = (h: BotHarness, req: { body: string; headers: Record<string, string> }) => fetch(`${h.url}/webhook/feishu`, { method: 'POST', ...req });

  it('a captured 绑定 replayed later never reverts a newer binding, not even after its id is forgotten', () =>
    BotHarness.run({ env: { ADMIN_OPEN_IDS: ADMIN } }, async (h) => {
      const captured = deliver(createdAt(bind(h, 'ou_old'), h.clock.now()), { encryptKey: h.encryptKey }, { now: h.clock.now() });
      expect((await post(h, captured)).status).toBe(200);
      await h.idle();
      expect(h.bot.services.roster.openIdOf('王金峰')).toBe('ou_old');

      // Replayed within the window: the same event id, so nothing happens again.
      h.clock.advance(2 * MIN);
      expect((await post(h, captured)).status).toBe(200);
      await h.idle();
      expect(h.stub.messages.filter((m) => BotHarness.cardTitle(m) === '已绑定')).toHaveLength(1);

      h.clock.advance(HOUR);
      await h.event(bind(h, 'ou_new'));
      await h.idle();
      expect(h.bot.services.roster.openIdOf('王金峰')).toBe('ou_new');

      const late = await post(h, captured);
      expect(late.status).toBe(401);
      expect((await late.json()).error).toContain('请求时间戳');

      // Two days on the de-dup entry is pruned; the replay is still refused by its age.
      h.clock.advance(50 * HOUR);
      await h.bot.pump();
      expect((await post(h, captured)).status).toBe(401);
      await h.idle();
      expect(h.bot.services.roster.openIdOf('王金峰')).toBe('ou_new');
      expect(h.stub.messages.filter((m) => BotHarness.cardTitle(m) === '已绑定')).toHaveLength(2);
    }));

  it('answers a message once across all of Feishu’s re-pushes (15 s, 5 min, 1 h, 6 h), each freshly signed, and a restart', () =>
    BotHarness.run({}, async (h) => {
      const created = h.clock.now();
      const ev = createdAt(atBot('谁负责测绘作业证初审?', h.stub.botOpenId, { messageId: 'om_retry' }), created);
      let prev = 0;
      for (const at of [0, 15_000, 5 * MIN, HOUR, 6 * HOUR]) {
        h.clock.advance(at - prev);
        prev = at;
        if (at === HOUR) await h.restart();
        const res = await post(h, deliver(ev, { encryptKey: h.encryptKey }, { now: h.clock.now() }));
        expect(res.status).toBe(200);
        await h.idle();
      }
      expect(h.stub.messages.filter((m) => m.target === 'om_retry')).toHaveLength(1);
    }));

  it('answers an event whose first delivery arrives only at the last re-push, hours after it was created', () =>
    BotHarness.run({}, async (h) => {
      const created = h.clock.now();
      h.clock.advance(6 * HOUR + 5 * MIN);
      const ev = createdAt(atBot('谁负责测绘作业证初审?', h.stub.botOpenId, { messageId: 'om_late' }), created);
      expect((await post(h, deliver(ev, { encryptKey: h.encryptKey }, { now: h.clock.now() }))).status).toBe(200);
      await h.idle();
      expect(h.stub.messages.filter((m) => m.target === 'om_late')).toHaveLength(1);
    }));

  it('refuses forged unsigned and stale events and acts on none', () =>
    BotHarness.run({ env: { ADMIN_OPEN_IDS: ADMIN } }, async (h) => {
      const forged = createdAt(bind(h, 'ou_attacker'), h.clock.now());
      const unsigned = await fetch(`${h.url}/webhook/feishu`, { method: 'POST', body: JSON.stringify(forged), headers: { 'content-type': 'application/json' } });
      expect(unsigned.status).toBe(401);
      const stale = deliver(forged, { encryptKey: h.encryptKey }, { now: h.clock.now() - HOUR });
      expect((await post(h, stale)).status).toBe(401);
      await h.idle();
      expect(h.bot.services.roster.openIdOf('王金峰')).not.toBe('ou_attacker');
      expect(h.stub.messages).toHaveLength(0);
    }));
});

describe('fail-closed webhook configuration', () => {
  const base = { FEISHU_APP_ID: 'cli_x', FEISHU_APP_SECRET: 's', SEEDS_DIR: 'seeds', DATA_DIR: 'data' };

  it('refuses HTTP webhook mode without a verification token, naming the variables', () => {
    for (const env of [base, { ...base, FEISHU_ENCRYPT_KEY: 'k' }, { ...base, FEISHU_INSECURE_DEV: '0' }]) {
      expect(() => loadConfig(env)).toThrow(ConfigError);
      expect(() => loadConfig(env)).toThrow(/FEISHU_VERIFICATION_TOKEN.*FEISHU_ENCRYPT_KEY.*FEISHU_INSECURE_DEV=1/s);
    }
    expect(() => loadConfig({ ...base, FEISHU_INSECURE_DEV: 'yes' })).toThrow(/FEISHU_INSECURE_DEV/);
  });

  it('is silent when both are set, warns with only the token, shouts under FEISHU_INSECURE_DEV=1; long connection needs neither', () => {
    expect(webhookWarnings(loadConfig({ ...base, FEISHU_VERIFICATION_TOKEN: 't', FEISHU_ENCRYPT_KEY: 'k' }).feishu)).toEqual([]);
    const tokenOnly = webhookWarnings(loadConfig({ ...base, FEISHU_VERIFICATION_TOKEN: 't' }).feishu);
    expect(tokenOnly).toHaveLength(1);
    expect(tokenOnly[0]).toContain('未设置 FEISHU_ENCRYPT_KEY');
    const insecure = webhookWarnings(loadConfig({ ...base, FEISHU_INSECURE_DEV: '1' }).feishu);
    expect(insecure.join('\n')).toMatch(/!!! 危险：FEISHU_INSECURE_DEV=1.*伪造事件/);
    const ws = loadConfig({ ...base, FEISHU_MODE: 'ws' }).feishu;
    expect(ws?.mode).toBe('ws');
    expect(webhookWarnings(ws)).toEqual([]);
    expect(webhookWarnings(loadConfig({ SEEDS_DIR: 'seeds' }).feishu)).toEqual([]);
  });

  it('reads the replay window and bounds it well below the de-dup retention', () => {
    const keys = { ...base, FEISHU_VERIFICATION_TOKEN: 't', FEISHU_ENCRYPT_KEY: 'k' };
    expect(loadConfig(keys).feishu?.replayWindowMs).toBe(5 * MIN);
    expect(loadConfig({ ...keys, FEISHU_REPLAY_WINDOW_SECONDS: '120' }).feishu?.replayWindowMs).toBe(2 * MIN);
    expect(() => loadConfig({ ...keys, FEISHU_REPLAY_WINDOW_SECONDS: '86400' })).toThrow(/不能超过 3600/);
    expect(() => loadConfig({ ...keys, FEISHU_REPLAY_WINDOW_SECONDS: '-1' })).toThrow(/正整数/);
  });
});

describe('npm start with an open webhook', () => {
  const root = join(import.meta.dirname, '..');
  const dirs = scratch();
  const stub = new FeishuStub();
  afterAll(async () => {
    await stub.stop();
    dirs.cleanup();
  });
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('FEISHU_')));

  /** Runs bot/cli/serve.ts until `until` appears in its output or it exits; returns output and exit code. */
  const serve = (env: Record<string, string>, until: RegExp) =>
    new Promise<{ out: string; code: number | null }>((resolve) => {
      const child = spawn(join(root, 'node_modules', '.bin', 'tsx'), [join(root, 'bot', 'cli', 'serve.ts')], {
        cwd: root,
        env: { ...clean, SEEDS_DIR: dirs.seedsDir, DATA_DIR: dirs.dataDir, PORT: '0', HOST: '127.0.0.1', FEISHU_APP_ID: 'cli_x', FEISHU_APP_SECRET: 's', FEISHU_DOMAIN: stub.url, ...env },
      });
      let out = '';
      const seen = (b: Buffer) => {
        out += b.toString();
        if (until.test(out)) child.kill('SIGTERM');
      };
      child.stdout.on('data', seen);
      child.stderr.on('data', seen);
      child.on('exit', (code) => resolve({ out, code }));
    });

  it('refuses to start without the token, and starts shouting under FEISHU_INSECURE_DEV=1', async () => {
    await stub.start();
    const refused = await serve({}, /(?!)/);
    expect(refused.code).toBe(2);
    expect(refused.out).toContain('配置错误');
    expect(refused.out).toContain('FEISHU_VERIFICATION_TOKEN');
    const insecure = await serve({ FEISHU_INSECURE_DEV: '1' }, /岗责通已启动[\s\S]*!!! 危险/);
    expect(insecure.out).toMatch(/岗责通已启动[\s\S]*!!! 危险：FEISHU_INSECURE_DEV=1/);
  }, 60_000);
});
