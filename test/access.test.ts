import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../bot/config.js';
import { RateLimiter } from '../bot/console/access.js';
import { BotHarness } from './support/botHarness.js';

const TOKEN = 'a-long-enough-access-token-123';

describe('console exposure', () => {
  it('refuses to listen beyond loopback without ACCESS_TOKEN unless CONSOLE_PUBLIC=1', () => {
    expect(() => loadConfig({ HOST: '0.0.0.0' })).toThrow(ConfigError);
    expect(() => loadConfig({ HOST: '0.0.0.0' })).toThrow(/ACCESS_TOKEN.*CONSOLE_PUBLIC=1/);
    expect(() => loadConfig({ HOST: '192.168.1.5' })).toThrow(/人员名单/);
    expect(loadConfig({ HOST: '0.0.0.0', CONSOLE_PUBLIC: '1' }).access.token).toBeNull();
    expect(loadConfig({ HOST: '0.0.0.0', ACCESS_TOKEN: TOKEN }).access.token).toBe(TOKEN);
    expect(() => loadConfig({ HOST: '0.0.0.0', ACCESS_TOKEN: 'short' })).toThrow(/太短/);
    for (const host of ['127.0.0.1', '::1', 'localhost']) expect(loadConfig({ HOST: host }).access.token).toBeNull();
    expect(loadConfig({}).access.rate).toEqual({ perSecond: 5, burst: 20 });
    expect(loadConfig({ RATE_LIMIT_PER_SECOND: '0.5', RATE_LIMIT_BURST: '3' }).access.rate).toEqual({ perSecond: 0.5, burst: 3 });
    expect(() => loadConfig({ RATE_LIMIT_PER_SECOND: '-1' })).toThrow(ConfigError);
  });

  it('asks for the token on every console page and the API, takes a bearer or a signed session cookie', () =>
    BotHarness.run({ noFeishu: true, env: { ACCESS_TOKEN: TOKEN, RATE_LIMIT_BURST: '1000' } }, async (h) => {
      const ask = (headers: Record<string, string> = {}) =>
        fetch(`${h.url}/api/ask`, { method: 'POST', body: JSON.stringify({ question: '谁负责测绘作业证初审?' }), headers: { 'content-type': 'application/json', ...headers } });
      const pages = ['/', '/units', `/person/${encodeURIComponent('王金峰')}`, `/post/${encodeURIComponent(h.bot.engine.allRecords()[0]!.id)}`];
      for (const p of pages) {
        const res = await fetch(`${h.url}${p}`, { redirect: 'manual' });
        expect(res.status, p).toBe(401);
        expect(await res.text(), p).not.toContain('王金峰负责');
      }
      expect((await ask()).status).toBe(401);
      expect((await ask({ authorization: 'Bearer wrong-token-wrong-token' })).status).toBe(401);
      expect((await ask({ authorization: `Bearer ${TOKEN}` })).status).toBe(200);
      expect((await fetch(`${h.url}/healthz`)).status).toBe(200);

      expect((await fetch(`${h.url}/?token=nope`, { redirect: 'manual' })).status).toBe(401);
      const signIn = await fetch(`${h.url}/units?token=${TOKEN}`, { redirect: 'manual' });
      expect(signIn.status).toBe(303);
      expect(signIn.headers.get('location')).toBe('/units');
      const set = signIn.headers.get('set-cookie')!;
      expect(set).toMatch(/HttpOnly/i);
      expect(set).toMatch(/SameSite=Lax/i);
      expect(set).not.toContain(TOKEN);
      const cookie = set.split(';')[0]!;
      for (const p of pages) expect((await fetch(`${h.url}${p}`, { headers: { cookie } })).status, p).toBe(200);
      expect((await ask({ cookie })).status).toBe(200);

      // A cookie cannot be forged or stretched: the MAC covers the expiry.
      const [expiry, mac] = cookie.split('=')[1]!.split('.');
      const forged = `gzt_session=${Number(expiry) + 1e10}.${mac}`;
      expect((await fetch(`${h.url}/`, { headers: { cookie: forged } })).status).toBe(401);
      expect((await fetch(`${h.url}/`, { headers: { cookie: `gzt_session=${expiry}.${'0'.repeat(64)}` } })).status).toBe(401);
      h.clock.advance(31 * 86_400_000);
      expect((await fetch(`${h.url}/`, { headers: { cookie } })).status).toBe(401);
    }));

  it('answers a burst beyond the bucket with 429 and Retry-After, per client, refilled by the clock', () =>
    BotHarness.run({ noFeishu: true, env: { RATE_LIMIT_PER_SECOND: '5', RATE_LIMIT_BURST: '20', TRUST_PROXY: '1' } }, async (h) => {
      const ask = (ip: string) =>
        fetch(`${h.url}/api/ask`, { method: 'POST', body: JSON.stringify({ question: '谁分管测绘室' }), headers: { 'content-type': 'application/json', 'x-forwarded-for': ip } });
      const statuses: number[] = [];
      for (let i = 0; i < 30; i++) statuses.push((await ask('10.0.0.1')).status);
      expect(statuses.filter((s) => s === 200)).toHaveLength(20);
      expect(statuses.slice(20).every((s) => s === 429)).toBe(true);
      const limited = await ask('10.0.0.1');
      expect(limited.status).toBe(429);
      expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect((await limited.json()).error).toContain('请求过于频繁');
      // Another client is not held up by the first; the console pages share the bucket.
      expect((await ask('10.0.0.2')).status).toBe(200);
      expect((await fetch(`${h.url}/`, { headers: { 'x-forwarded-for': '10.0.0.1' } })).status).toBe(429);
      expect((await fetch(`${h.url}/healthz`, { headers: { 'x-forwarded-for': '10.0.0.1' } })).status).toBe(200);
      h.clock.advance(1000);
      const after: number[] = [];
      for (let i = 0; i < 6; i++) after.push((await ask('10.0.0.1')).status);
      expect(after).toEqual([200, 200, 200, 200, 200, 429]);
    }));

  it('keeps its client table bounded', () => {
    let t = 0;
    const rl = new RateLimiter({ perSecond: 1, burst: 2 }, () => t);
    for (let i = 0; i < 25_000; i++) rl.take(`c${i}`);
    expect((rl as unknown as { buckets: Map<string, unknown> }).buckets.size).toBeLessThanOrEqual(10_000);
    t += 10_000;
    expect(rl.take('c24999')).toBe(0);
    expect(rl.take('c24999')).toBe(0);
    expect(rl.take('c24999')).toBe(1);
  });
});
