import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as lark from '@larksuiteoapi/node-sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FeishuError, type SendRequest } from '../bot/feishu/api.js';
import { memoryLogger } from '../bot/log.js';
import { BetterSqliteDb } from '../bot/node/betterSqliteDb.js';
import { LarkApi, viaProxy } from '../bot/node/larkApi.js';
import { HttpStatusError, HttpTimeoutError, LeanHttp } from '../bot/node/leanHttp.js';
import { FeishuStub } from './support/feishuStub.js';

let appSeq = 0;
const sdkApi = (stub: FeishuStub, timeoutMs = 2_000) =>
  new LarkApi({ appId: `cli_lean_${process.pid}_${++appSeq}`, appSecret: 's', domain: stub.url, logger: memoryLogger(), timeoutMs });
const req = (uuid: string, replyTo: string | null = 'om_q'): SendRequest => ({ chatId: 'oc_lean', replyTo, msgType: 'text', content: '{"text":"好"}', uuid });

describe('the SDK over the lean http instance, against the local Feishu stub', () => {
  let stub: FeishuStub;
  beforeAll(async () => {
    stub = await new FeishuStub().start();
  });
  afterAll(() => stub.stop());

  it('replies and creates through the real SDK: token fetched once, bearer sent, body and query as Feishu expects', async () => {
    const api = sdkApi(stub);
    const calls = stub.calls.length;
    expect(await api.send(req('u-lean-1'))).toEqual({ messageId: expect.stringMatching(/^om_stub_/) });
    await api.send(req('u-lean-2', null));
    const made = stub.calls.slice(calls);
    expect(made.map((c) => c.path)).toEqual(['/open-apis/auth/v3/tenant_access_token/internal', '/open-apis/im/v1/messages/om_q/reply', '/open-apis/im/v1/messages']);
    expect(made.slice(1).every((c) => c.auth === 'Bearer t-stub-token')).toBe(true);
    const [reply, create] = stub.messages.slice(-2);
    expect(reply).toMatchObject({ kind: 'reply', target: 'om_q', uuid: 'u-lean-1', content: { text: '好' } });
    // receive_id_type=chat_id travels in the query: the stub takes receive_id as the chat.
    expect(create).toMatchObject({ kind: 'create', target: 'oc_lean', uuid: 'u-lean-2' });
    expect((await api.userIds('email', ['nobody@x'])).map((u) => u.openId)).toEqual([null]);
    expect((await api.botInfo()).openId).toBe(stub.botOpenId);
  });

  it('turns 429 (with its reset), 230020, 5xx and 200-with-code into FeishuErrors a retry policy reads', async () => {
    const api = sdkApi(stub);
    stub.failSends(
      { status: 429, body: { code: 99991400, msg: 'request trigger frequency limit' }, headers: { 'x-ogw-ratelimit-reset': '3' } },
      { status: 400, body: { code: 230020, msg: 'This operation triggers the frequency limit.' } },
      { status: 502, body: 'Bad Gateway' },
      { status: 400, body: { code: 230002, msg: 'Bot/User can NOT be out of the chat.' } },
      { status: 200, body: { code: 230013, msg: 'user out of range' } },
    );
    const errors: FeishuError[] = [];
    for (let i = 0; i < 5; i++) errors.push((await api.send(req(`u-err-${i}`)).catch((e: unknown) => e)) as FeishuError);
    expect(errors.every((e) => e instanceof FeishuError)).toBe(true);
    expect(errors.map((e) => [e.status, e.code, e.retryable])).toEqual([
      [429, 99991400, true],
      [400, 230020, true],
      [502, null, true],
      [400, 230002, false],
      [200, 230013, false],
    ]);
    expect(errors[0]!.retryAfterMs).toBe(3000);
    expect(stub.messages.some((m) => m.uuid?.startsWith('u-err-'))).toBe(false);
  });

  it('times out a hung call as a retryable timeout, and the socket is not reused for the next call', async () => {
    const api = sdkApi(stub, 200);
    await api.send(req('u-warm'));
    stub.hangSends(1);
    const t = performance.now();
    const err = (await api.send(req('u-hung')).catch((e: unknown) => e)) as FeishuError;
    expect(err).toBeInstanceOf(FeishuError);
    expect(err.timedOut).toBe(true);
    expect(err.retryable).toBe(true);
    expect(performance.now() - t).toBeLessThan(2_000);
    expect((await api.send(req('u-after'))).messageId).toMatch(/^om_stub_/);
    stub.releaseHung();
  });

  it('downloads a message file as a stream, and reads a download error body', async () => {
    const api = sdkApi(stub);
    stub.files.set('file_lean', new TextEncoder().encode('手册内容'));
    expect(new TextDecoder().decode(await api.downloadResource('om_f', 'file_lean'))).toBe('手册内容');
    const err = (await api.downloadResource('om_f', 'file_missing').catch((e: unknown) => e)) as FeishuError;
    expect(err).toMatchObject({ status: 400, code: 234003 });
  });
});

describe('LeanHttp', () => {
  let server: Server;
  let base = '';
  const seen: { method: string; url: string; body: string; headers: IncomingMessage['headers']; socket: number }[] = [];
  const sockets = new Map<unknown, number>();
  let handler: (req: IncomingMessage, body: string, res: ServerResponse) => void = (_req, _body, res) => res.end('{"code":0}');
  beforeAll(async () => {
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        if (!sockets.has(req.socket)) sockets.set(req.socket, sockets.size + 1);
        const body = Buffer.concat(chunks).toString('utf8');
        seen.push({ method: req.method ?? '', url: req.url ?? '', body, headers: req.headers, socket: sockets.get(req.socket)! });
        handler(req, body, res);
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  const fallback = { request: async () => 'fallback' } as unknown as ConstructorParameters<typeof LeanHttp>[1];

  it('keeps one socket alive across sequential calls; sends JSON bodies, no body on GET, query from params', async () => {
    const http = new LeanHttp({ timeoutMs: 1000 }, fallback);
    seen.length = 0;
    handler = (_req, _body, res) => res.writeHead(200, { 'content-type': 'application/json', 'x-n': '1' }).end('{"code":0,"data":{"ok":true}}');
    expect(await http.post(`${base}/a`, { text: '中文' }, { headers: { Authorization: 'Bearer t', skip: undefined } })).toEqual({ code: 0, data: { ok: true } });
    expect(await http.request({ url: `${base}/b?x=1`, method: 'GET', data: {}, params: { page_size: 20, page_token: undefined, ids: ['a', 'b'] } })).toEqual({ code: 0, data: { ok: true } });
    expect(await http.request({ url: `${base}/c`, method: 'GET', params: { q: 'a b' }, paramsSerializer: () => 'custom=1', $return_headers: true })).toMatchObject({ data: { code: 0 }, headers: { 'x-n': '1' } });
    expect(seen.map((s) => [s.method, s.url, s.body])).toEqual([
      ['POST', '/a', '{"text":"中文"}'],
      ['GET', '/b?x=1&page_size=20&ids=a&ids=b', ''],
      ['GET', '/c?custom=1', ''],
    ]);
    expect(seen[0]!.headers['content-type']).toBe('application/json');
    expect(seen[0]!.headers.authorization).toBe('Bearer t');
    expect(new Set(seen.map((s) => s.socket)).size).toBe(1);
    http.close();
  });

  it('rejects non-2xx with the response (status, parsed body or text, headers); refused connections and timeouts as axios codes them', async () => {
    const http = new LeanHttp({ timeoutMs: 150 }, fallback);
    handler = (_req, _body, res) => res.writeHead(429, { 'x-ogw-ratelimit-reset': '1' }).end('{"code":99991400}');
    const e1 = (await http.get(`${base}/x`).catch((e: unknown) => e)) as HttpStatusError;
    expect(e1).toBeInstanceOf(HttpStatusError);
    expect(e1.response).toMatchObject({ status: 429, data: { code: 99991400 }, headers: { 'x-ogw-ratelimit-reset': '1' } });
    handler = (_req, _body, res) => res.writeHead(503).end('upstream down');
    expect(((await http.get(`${base}/x`).catch((e: unknown) => e)) as HttpStatusError).response).toMatchObject({ status: 503, data: 'upstream down' });
    handler = () => {};
    const e3 = (await http.get(`${base}/hang`).catch((e: unknown) => e)) as HttpTimeoutError;
    expect(e3).toBeInstanceOf(HttpTimeoutError);
    expect(FeishuError.from(e3)).toMatchObject({ timedOut: true, retryable: true });
    const e4 = await http.get('http://127.0.0.1:9/refused').catch((e: unknown) => e);
    expect(FeishuError.from(e4)).toMatchObject({ status: null, retryable: true });
    http.close();
  });

  it('hands what it does not handle (form uploads, other response types) to the SDK instance', async () => {
    const http = new LeanHttp({ timeoutMs: 1000 }, fallback);
    expect(await http.request({ url: `${base}/f`, method: 'POST', data: new FormData() })).toBe('fallback');
    expect(await http.request({ url: `${base}/f`, method: 'GET', responseType: 'arraybuffer' })).toBe('fallback');
    http.close();
  });

  it('is accepted by the real SDK Client as its httpInstance', async () => {
    const http = new LeanHttp({ timeoutMs: 1000 }, fallback);
    seen.length = 0;
    handler = (req, _body, res) =>
      res.end(req.url?.includes('tenant_access_token') ? '{"code":0,"tenant_access_token":"t-x","expire":7200}' : '{"code":0,"data":{"message_id":"om_1"}}');
    const quiet = { error() {}, warn() {}, info() {}, debug() {}, trace() {} };
    const client = new lark.Client({ appId: `cli_lean_direct_${process.pid}`, appSecret: 's', domain: base, httpInstance: http, cache: new lark.DefaultCache(), logger: quiet });
    const res = await client.im.message.create({ params: { receive_id_type: 'chat_id' }, data: { receive_id: 'oc_1', msg_type: 'text', content: '{"text":"x"}' } });
    expect(res.data?.message_id).toBe('om_1');
    expect(seen.map((s) => s.url)).toEqual(['/open-apis/auth/v3/tenant_access_token/internal', '/open-apis/im/v1/messages?receive_id_type=chat_id']);
    expect(seen[1]!.headers.authorization).toBe('Bearer t-x');
    http.close();
  });
});

describe('group commit (BetterSqliteDb)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gzt-group-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('commits the writes of one turn together; each resolves only once it is on disk, visible to another connection', async () => {
    const path = join(dir, 'a.db');
    const a = new BetterSqliteDb(path);
    const b = new BetterSqliteDb(path);
    await a.run('create table t (k text primary key, v integer)');
    const writes = [a.run('insert into t values (?, ?)', 'x', 1), a.batch([{ sql: 'insert into t values (?, ?)', params: ['y', 2] }, { sql: 'update t set v = v + 10 where k = ?', params: ['x'] }])];
    // Issued, not yet committed: another connection does not see them yet; this one does.
    expect(await b.get('select count(*) as n from t')).toEqual({ n: 0 });
    expect(await a.get('select v from t where k = ?', 'x')).toEqual({ v: 11 });
    let settled = false;
    void writes[0]!.then(() => (settled = true));
    await Promise.resolve();
    expect(settled).toBe(false);
    await Promise.all(writes);
    expect(await b.all('select k, v from t order by k')).toEqual([{ k: 'x', v: 11 }, { k: 'y', v: 2 }]);
    await a.close();
    await b.close();
  });

  it('undoes a failed write alone: a batch is all or nothing, the rest of the group commits', async () => {
    const path = join(dir, 'b.db');
    const a = new BetterSqliteDb(path);
    await a.run('create table t (k text primary key)');
    const ok1 = a.run('insert into t values (?)', 'p');
    const bad = a.batch([{ sql: 'insert into t values (?)', params: ['q'] }, { sql: 'insert into t values (?)', params: ['p'] }]);
    const ok2 = a.run('insert into t values (?)', 'r');
    await expect(bad).rejects.toThrow(/UNIQUE/);
    await Promise.all([ok1, ok2]);
    await a.close();
    const again = new BetterSqliteDb(path);
    expect(await again.all('select k from t order by k')).toEqual([{ k: 'p' }, { k: 'r' }]);
    await again.close();
  });

  it('lets two connections of one process write in the same turn (no wait on its own lock)', async () => {
    const path = join(dir, 'c.db');
    const a = new BetterSqliteDb(path);
    const b = new BetterSqliteDb(path);
    await a.run('create table t (k text primary key)');
    const t = performance.now();
    await Promise.all([a.run('insert into t values (?)', 'a'), b.run('insert into t values (?)', 'b'), a.run('insert into t values (?)', 'c')]);
    expect(performance.now() - t).toBeLessThan(1000);
    expect(await b.all('select k from t order by k')).toEqual([{ k: 'a' }, { k: 'b' }, { k: 'c' }]);
    await a.close();
    await b.close();
  });
});

describe('proxies', () => {
  it('keeps the SDK’s own axios (which reads the proxy variables) where the environment names a proxy', () => {
    expect(viaProxy({})).toBe(false);
    expect(viaProxy({ NO_PROXY: 'localhost' })).toBe(false);
    expect(viaProxy({ HTTPS_PROXY: 'http://10.0.0.1:3128' })).toBe(true);
    expect(viaProxy({ http_proxy: 'http://10.0.0.1:3128' })).toBe(true);
    expect(viaProxy({ ALL_PROXY: '' })).toBe(false);
  });
});
