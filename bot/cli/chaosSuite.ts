import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { request as httpRequest } from 'node:http';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { atBot, createdAt, deliver, messageEvent } from '../../test/support/feishuEvents.js';
import { FeishuStub, type StubMessage } from '../../test/support/feishuStub.js';

/** One line of the chaos table. */
export interface ChaosRow {
  scenario: string;
  sent: number;
  acked: number;
  replied: number;
  duplicated: number;
  lost: number;
  refused: number;
  /** Responses with status >= 500 (never expected). */
  errors500: number;
  peakRssMb: number;
  /** What the scenario expected beyond the counts, when it did not hold. */
  problems: string[];
  /** What else the scenario observed (for the table). */
  notes: string[];
}

export interface ChaosOptions {
  short: boolean;
  /** Run only these scenarios (by name). */
  only?: string[];
  log?: (line: string) => void;
}

const KEY = 'chaos-encrypt-key';
const TOKEN = 'vtoken';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitFor(check: () => boolean | Promise<boolean>, ms: number): Promise<boolean> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (await check()) return true;
    await sleep(50);
  }
  return check();
}

/** Current RSS in MB (VmRSS), 0 when the process is gone. */
function rssMb(pid: number): number {
  try {
    return Number(readFileSync(`/proc/${pid}/status`, 'utf8').match(/VmRSS:\s+(\d+)/)?.[1] ?? 0) / 1024;
  } catch {
    return 0;
  }
}

/** Samples the server's RSS every 20 ms (whichever process is current) and keeps the highest. */
function rssSampler(pid: () => number | undefined): { stop: () => number } {
  let peak = 0;
  const take = () => {
    const p = pid();
    if (p) peak = Math.max(peak, rssMb(p));
  };
  take();
  const timer = setInterval(take, 20);
  return {
    stop() {
      clearInterval(timer);
      take();
      return Math.round(peak * 10) / 10;
    },
  };
}

let notes: string[] = [];
const note = (s: string) => void notes.push(s);

/** The server bundle as `npm start` builds it, in a directory of its own (tests may run beside `npm run build`). */
function buildBundle(): string {
  const outdir = resolve('node_modules/.cache', `gzt-chaos-${process.pid}`);
  const script = (JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: { build: string } }).scripts.build;
  const args = script.replace(/^esbuild\s+/, '').split(/\s+/).map((a) => (a.startsWith('--outdir=') ? `--outdir=${outdir}` : a));
  execFileSync(resolve('node_modules/.bin/esbuild'), args, { stdio: 'inherit' });
  return outdir;
}

class StartFailed extends Error {
  constructor(
    readonly code: number | null,
    readonly output: string,
  ) {
    super(`server did not start (exit ${code}):\n${output.slice(-2000)}`);
  }
}

interface Server {
  url: string;
  child: ChildProcess;
  pid: number;
  exit: Promise<number | null>;
  output: () => string;
}

class Harness {
  readonly stub = new FeishuStub();
  readonly dataDir = mkdtempSync(join(tmpdir(), 'gzt-chaos-'));
  server: Server | null = null;
  private bundle = '';
  private seq = 0;

  constructor(readonly short: boolean) {}

  async start(): Promise<void> {
    await this.stub.start();
    this.bundle = buildBundle();
    this.server = await this.spawn();
  }

  env(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      HOST: '127.0.0.1',
      PORT: '0',
      DATA_DIR: this.dataDir,
      FEISHU_APP_ID: 'cli_chaos',
      FEISHU_APP_SECRET: 's',
      FEISHU_DOMAIN: this.stub.url,
      FEISHU_ENCRYPT_KEY: KEY,
      FEISHU_VERIFICATION_TOKEN: TOKEN,
      FEISHU_TIMEOUT_MS: '2000',
      MAX_INFLIGHT_EVENTS: '32',
      EMBEDDINGS_PROVIDER: 'local',
      ACCESS_TOKEN: undefined,
      CONSOLE_PUBLIC: undefined,
      FEISHU_INSECURE_DEV: undefined,
      FEISHU_MODE: 'http',
      FEISHU_REPLAY_WINDOW_SECONDS: undefined,
      RATE_LIMIT_PER_SECOND: '5',
      RATE_LIMIT_BURST: '20',
      TRUST_PROXY: undefined,
      SEEDS_DIR: undefined,
      MANUALS_DIR: undefined,
      ...extra,
    };
    for (const k of Object.keys(env)) if (env[k] === undefined) delete env[k];
    return env;
  }

  /** Starts `node dist/serve.mjs` (with npm start's flags); resolves once it listens. */
  async spawn(extra: Record<string, string | undefined> = {}): Promise<Server> {
    const start = (JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: { start: string } }).scripts.start;
    const nodeArgs = start.match(/node ((?:--\S+ )*)dist\/serve\.mjs/)?.[1]?.trim().split(' ').filter(Boolean) ?? [];
    const child = spawn(process.execPath, [...nodeArgs, join(this.bundle, 'serve.mjs')], { env: this.env(extra), stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout!.on('data', (d: Buffer) => void (out += d.toString()));
    child.stderr!.on('data', (d: Buffer) => void (out.length < 200_000 && (out += d.toString())));
    const exit = new Promise<number | null>((r) => child.once('exit', (code, signal) => r(code ?? (signal ? 128 : null))));
    const url = await Promise.race([
      waitFor(() => /网页版\s+http:\/\/\S+?\//.test(out), 120_000).then(() => out.match(/网页版\s+(http:\/\/\S+?)\//)?.[1] ?? ''),
      exit.then(() => ''),
    ]);
    if (!url) {
      child.kill('SIGKILL');
      throw new StartFailed(await exit, out);
    }
    return { url, child, pid: child.pid!, exit, output: () => out };
  }

  async stop(): Promise<void> {
    if (this.server) {
      this.server.child.kill('SIGTERM');
      await Promise.race([this.server.exit, sleep(8000)]);
      this.server.child.kill('SIGKILL');
    }
    await this.stub.stop();
    rmSync(this.dataDir, { recursive: true, force: true });
    rmSync(this.bundle, { recursive: true, force: true });
  }

  id(prefix: string): string {
    return `${prefix}_${process.pid}_${++this.seq}`;
  }

  /** A p2p message event, as Feishu would send it. */
  message(text: string, o: { chatId?: string; messageId?: string; eventId?: string } = {}): Record<string, unknown> {
    const messageId = o.messageId ?? this.id('om_chaos');
    return messageEvent({ chatType: 'p2p', chatId: o.chatId ?? `oc_${messageId}`, text, messageId, eventId: o.eventId, token: TOKEN });
  }

  /** Posts an encrypted, signed event; the status, or 0 when the connection failed. */
  async post(body: unknown, o: { now?: number; raw?: { body: string; headers: Record<string, string> } } = {}): Promise<number> {
    const req = o.raw ?? deliver(body, { encryptKey: KEY }, { now: o.now });
    try {
      const res = await fetch(`${this.server!.url}/webhook/feishu`, { method: 'POST', body: req.body, headers: req.headers });
      await res.arrayBuffer();
      return res.status;
    } catch {
      return 0;
    }
  }

  repliesTo(messageId: string): StubMessage[] {
    return this.stub.messages.filter((m) => m.target === messageId);
  }

  /** Replies that repeat one already sent to the same message (same card, a different uuid). */
  duplicates(messageIds: string[]): number {
    let dup = 0;
    for (const id of messageIds) {
      const seen = new Set<string>();
      for (const m of this.repliesTo(id)) {
        const k = JSON.stringify(m.content);
        if (seen.has(k)) dup++;
        seen.add(k);
      }
    }
    return dup;
  }

  /** Open reminders by title, read from the state database the server writes. */
  reminderCounts(): Map<string, number> {
    const db = new Database(join(this.dataDir, 'state.db'), { readonly: true, fileMustExist: true });
    try {
      const rows = db.prepare('select title, count(*) as n from reminders group by title').all() as { title: string; n: number }[];
      return new Map(rows.map((r) => [r.title, r.n]));
    } finally {
      db.close();
    }
  }

  async healthz(): Promise<Record<string, unknown> | null> {
    try {
      const res = await fetch(`${this.server!.url}/healthz`);
      return res.ok ? ((await res.json()) as Record<string, unknown>) : null;
    } catch {
      return null;
    }
  }
}

class Tally {
  sent = 0;
  acked = 0;
  refused = 0;
  errors500 = 0;
  count(status: number): number {
    this.sent++;
    if (status >= 200 && status < 300) this.acked++;
    else if (status >= 500) this.errors500++;
    else if (status >= 400) this.refused++;
    return status;
  }
}

type Scenario = (h: Harness, t: Tally, problems: string[]) => Promise<{ replied: number; duplicated: number; lost: number }>;

/** Waits until every message has at least one reply; the ones still without one are lost. */
async function answered(h: Harness, ids: string[], ms: number) {
  await waitFor(() => ids.every((id) => h.repliesTo(id).length > 0), ms);
  // A little longer, so a late duplicate would show.
  await sleep(300);
  return {
    replied: ids.filter((id) => h.repliesTo(id).length > 0).length,
    duplicated: h.duplicates(ids),
    lost: ids.filter((id) => h.repliesTo(id).length === 0).length,
  };
}

const QUESTIONS = ['不动产登记由谁负责', '执法监察的流程', '测绘成果管理的职责', '用地审批谁来办', '矿产资源的岗位职责'];

/** The same events delivered again, concurrently, and with a new event_id for the same message. */
const duplicates: Scenario = async (h, t, problems) => {
  const n = h.short ? 8 : 60;
  const ids: string[] = [];
  const titles: string[] = [];
  await Promise.all(
    Array.from({ length: n }, async (_, i) => {
      const messageId = h.id('om_dup');
      ids.push(messageId);
      const reminder = i % 2 === 0;
      const title = `报送第${messageId.replace(/\D/g, '')}号材料`;
      if (reminder) titles.push(title);
      const ev = h.message(reminder ? `提醒 12月30日前 ${title}` : QUESTIONS[i % QUESTIONS.length]!, { messageId });
      // Three at once, then a re-push, then the same message under a fresh event_id.
      await Promise.all([0, 1, 2].map(() => h.post(ev).then((s) => t.count(s))));
      t.count(await h.post(ev));
      t.count(await h.post({ ...ev, header: { ...(ev.header as object), event_id: h.id('ev_again') } }));
    }),
  );
  const r = await answered(h, ids, 30_000);
  const counts = h.reminderCounts();
  const extra = titles.reduce((s, x) => s + Math.max(0, (counts.get(x) ?? 0) - 1), 0);
  const missing = titles.filter((x) => !counts.get(x)).length;
  if (extra) problems.push(`${extra} 条提醒重复`);
  return { ...r, duplicated: r.duplicated + extra, lost: r.lost + missing };
};

/** `kill -9` while reminder commands are being handled; Feishu re-pushes what was not answered. */
const kill9: Scenario = async (h, t, problems) => {
  const n = h.short ? 24 : 300;
  const events = Array.from({ length: n }, () => {
    const messageId = h.id('om_kill');
    const title = `报送第${messageId.replace(/\D/g, '')}号材料`;
    return { messageId, title, ev: h.message(`提醒 12月30日前 ${title}`, { messageId }) };
  });
  const old = h.server!;
  let acked = 0;
  const sending = events.map(async (e, i) => {
    await sleep(i * 5);
    const s = await h.post(e.ev);
    if (s === 200) acked++;
    return s;
  });
  await waitFor(() => acked >= n / 3, 20_000);
  old.child.kill('SIGKILL');
  const answeredBefore = events.filter((e) => h.repliesTo(e.messageId).length > 0).length;
  const first = await Promise.all(sending);
  await old.exit;
  h.server = await h.spawn();
  // Feishu re-pushes every event it saw no 200 for; re-push the acknowledged ones too (a lost ack).
  const again = await Promise.all(events.map((e) => h.post(e.ev)));
  for (const s of first) if (s !== 0) t.count(s);
  for (const s of again) t.count(s);
  t.sent += first.filter((s) => s === 0).length;
  const ids = events.map((e) => e.messageId);
  const r = await answered(h, ids, h.short ? 30_000 : 120_000);
  const counts = h.reminderCounts();
  const extra = events.reduce((s, e) => s + Math.max(0, (counts.get(e.title) ?? 0) - 1), 0);
  const missing = events.filter((e) => !counts.get(e.title)).length;
  if (extra) problems.push(`${extra} 条提醒重复`);
  if (missing) problems.push(`${missing} 条提醒丢失`);
  if (answeredBefore === n) problems.push('kill -9 时已全部回复（未模拟到进行中的事件）');
  problems.length || note(`kill 时已确认 ${first.filter((s) => s === 200).length}/${n}，已回复 ${answeredBefore}`);
  return { ...r, duplicated: r.duplicated + extra, lost: r.lost + missing };
};

/** Feishu answers 500, then 429 with a reset, then hangs, then (full mode) is down for a while; replies arrive once. */
const feishuFaults: Scenario = async (h, t, problems) => {
  const ids: string[] = [];
  const ask = async (q: string) => {
    const messageId = h.id('om_fault');
    ids.push(messageId);
    t.count(await h.post(h.message(q, { messageId })));
  };
  h.stub.failSends({ status: 500, body: { code: 500, msg: 'internal' } }, { status: 429, body: { code: 99991400, msg: 'rate limited' }, headers: { 'x-ogw-ratelimit-reset': '1' } });
  await ask(QUESTIONS[0]!);
  await ask(QUESTIONS[1]!);
  // A hang shorter than the call timeout (short) or longer than it (full: retried on a later round).
  h.stub.hangSends(1);
  await ask(QUESTIONS[2]!);
  await waitFor(() => h.stub.hungCount() > 0, 5_000);
  if (h.short) {
    await sleep(500);
    h.stub.releaseHung();
  }
  await ask(QUESTIONS[3]!);
  if (!h.short) {
    h.stub.sendsDown = true;
    for (let i = 0; i < 5; i++) await ask(QUESTIONS[(i + 4) % QUESTIONS.length]!);
    await sleep(5_000);
    h.stub.sendsDown = false;
  }
  const r = await answered(h, ids, h.short ? 20_000 : 150_000);
  h.stub.releaseHung();
  if (!h.short && r.lost) problems.push('飞书恢复后仍有回复未补发');
  return r;
};

/** A captured request sent again, requests signed long ago, events created long ago, a forged signature. */
const replay: Scenario = async (h, t, problems) => {
  const n = h.short ? 4 : 20;
  const ids: string[] = [];
  let refusedExpected = 0;
  let acceptedWrongly = 0;
  for (let i = 0; i < n; i++) {
    const messageId = h.id('om_replay');
    ids.push(messageId);
    const ev = h.message(QUESTIONS[i % QUESTIONS.length]!, { messageId });
    const req = deliver(ev, { encryptKey: KEY });
    t.count(await h.post(ev, { raw: req }));
    // The same bytes again inside the window: acknowledged, ignored as a duplicate (no second reply).
    t.count(await h.post(ev, { raw: req }));
    const refused = [
      await h.post(h.message('重放', { eventId: h.id('ev_old') }), { now: Date.now() - 3600_000 }),
      await h.post(h.message('重放', { eventId: h.id('ev_future') }), { now: Date.now() + 3600_000 }),
      await h.post(createdAt(h.message('重放'), Date.now() - 13 * 3600_000)),
      await h.post(h.message('伪造'), { raw: { body: req.body, headers: { ...req.headers, 'x-lark-signature': '0'.repeat(64) } } }),
      await h.post(h.message('伪造'), { raw: { body: JSON.stringify(h.message('伪造')), headers: { 'content-type': 'application/json' } } }),
    ];
    for (const s of refused) {
      t.count(s);
      refusedExpected++;
      if (s >= 200 && s < 300) acceptedWrongly++;
    }
  }
  if (acceptedWrongly) problems.push(`${acceptedWrongly} 个重放/过期/伪造事件被接受`);
  if (t.refused < refusedExpected) problems.push(`应拒绝 ${refusedExpected}，实际拒绝 ${t.refused}`);
  return answered(h, ids, 20_000);
};

/** HTTP webhook mode without a verification token must not start. */
const noToken: Scenario = async (h, t, problems) => {
  for (const extra of [{ FEISHU_VERIFICATION_TOKEN: undefined }, { FEISHU_VERIFICATION_TOKEN: undefined, FEISHU_ENCRYPT_KEY: undefined }]) {
    t.sent++;
    let code: number | null = null;
    try {
      const s = await h.spawn(extra);
      problems.push('没有 FEISHU_VERIFICATION_TOKEN 也启动了');
      t.acked++;
      s.child.kill('SIGKILL');
      code = await s.exit;
    } catch (e) {
      if (!(e instanceof StartFailed)) throw e;
      code = e.code;
      if (!/FEISHU_VERIFICATION_TOKEN/.test(e.output)) problems.push(`启动失败但没有说明缺少 Token：${e.output.slice(0, 200)}`);
      if (code === 0 || code === null) problems.push(`拒绝启动但退出码为 ${code}`);
    }
    if (code !== 0 && code !== null) {
      t.refused++;
      note(`退出码 ${code}`);
    }
  }
  return { replied: 0, duplicated: 0, lost: 0 };
};

const INJECTIONS = [
  '受理 <at id=all></at>',
  '受理 <at user_id="all">所有人</at>',
  '提醒 12月30日前 <at id=ou_attacker></at> 交材料',
  '提醒 <at id=all></at>',
  '提醒 12月30日前 <at id=all></at> [点我](https://evil.example/x)',
  '入职 <at id=all></at>',
  '入职 [链接](https://evil.example)',
  '不动产登记 [链接](https://evil.example) <at id=all></at>',
  '完成 #1 <at id=all></at>',
  '绑定 <at id=all></at> [x](http://evil.example)',
  '[恶意](javascript:alert(1)) 谁负责测绘',
  '`代码` **粗体** <font color=red>红</font> ![图](img_v2_x)',
];

/** Injection strings in commands: no live @all or link from the user's text in any card the bot sends. */
const injection: Scenario = async (h, t, problems) => {
  const list = h.short ? INJECTIONS.slice(0, 7) : INJECTIONS;
  const ids: string[] = [];
  await Promise.all(
    list.map(async (text) => {
      const messageId = h.id('om_inj');
      ids.push(messageId);
      t.count(await h.post(h.message(text, { messageId })));
    }),
  );
  const r = await answered(h, ids, 20_000);
  for (const id of ids) {
    for (const m of h.repliesTo(id)) {
      // The summary is the plain-text preview in the chat list (not markdown): it cannot mention or link.
      const { summary: _preview, ...config } = ((m.content as { config?: Record<string, unknown> }).config ?? {}) as Record<string, unknown>;
      const s = JSON.stringify({ ...m.content, config });
      // The bot mentions the sender itself (ou_user_1); any other <at> came from the user's text.
      const at = (s.match(/<at\b[^>]*>/gi) ?? []).filter((x) => !/id=ou_user_1\b/.test(x));
      if (at.length) problems.push(`${id}：卡片含 ${at[0]}`);
      const link = s.match(/.{0,60}\]\((?:https?|javascript):.{0,30}/i);
      if (link) problems.push(`${id}：卡片含可点击链接：${link[0]}`);
    }
  }
  return r;
};

/**
 * A POST on a connection of its own, closed afterwards: a 413 is answered before an oversized body is
 * read and the connection dropped, which must not reset the next request on a shared keep-alive socket.
 */
function oneShot(url: string, body: string, headers: Record<string, string>): Promise<number> {
  return new Promise((done) => {
    const req = httpRequest(url, { method: 'POST', agent: false, headers: { ...headers, connection: 'close', 'content-length': Buffer.byteLength(body) } }, (res) => {
      res.resume();
      res.on('end', () => done(res.statusCode ?? 0));
      res.on('error', () => done(res.statusCode ?? 0));
    });
    // The server may answer (413) and close before the whole body is written.
    req.on('error', () => done(0));
    req.end(body);
  });
}

function nested(depth: number): string {
  return `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
}

/** NUL characters and deeply nested JSON: 400 (or a normal answer), never 500, and the server stays up. */
const badBodies: Scenario = async (h, t, problems) => {
  const ask = (body: string) => oneShot(`${h.server!.url}/api/ask`, body, { 'content-type': 'application/json' });
  const hook = (body: string, headers: Record<string, string> = { 'content-type': 'application/json' }) => oneShot(`${h.server!.url}/webhook/feishu`, body, headers);
  const statuses = [
    await ask(JSON.stringify({ question: '不动产\u0000登记谁负责' })),
    await ask(JSON.stringify({ question: '\u0000\u0000\u0000' })),
    await ask(`{"question": "a\\u0000b", "x": ${nested(h.short ? 5000 : 50_000)}}`),
    await ask(nested(h.short ? 5000 : 50_000)),
    await ask('{"question": "\u0000'),
    await hook(nested(h.short ? 5000 : 50_000)),
    await h.post(JSON.parse(nested(500))),
  ];
  // Signed events carrying a NUL and a deeply nested payload (encrypted, so they pass the signature check).
  const ids: string[] = [];
  const nulId = h.id('om_nul');
  ids.push(nulId);
  statuses.push(await h.post(h.message('不动产\u0000登记由谁负责', { messageId: nulId })));
  const deep = h.message('测绘成果管理的职责', { messageId: h.id('om_deep') });
  const wire = JSON.stringify(deep).replace(/}$/, `,"deep":${nested(h.short ? 5000 : 50_000)}}`);
  const { encryptEvent, signEvent } = await import('../feishu/crypto.js');
  const body = JSON.stringify({ encrypt: encryptEvent(KEY, wire) });
  const ts = String(Math.floor(Date.now() / 1000));
  statuses.push(await hook(body, { 'content-type': 'application/json', 'x-lark-request-timestamp': ts, 'x-lark-request-nonce': 'n1', 'x-lark-signature': signEvent(ts, 'n1', KEY, body) }));
  for (const [i, s] of statuses.entries()) {
    t.count(s);
    if (s >= 500) problems.push(`第 ${i + 1} 个请求 ${s}`);
    if (s === 0) problems.push(`第 ${i + 1} 个请求连接失败`);
  }
  const r = await answered(h, ids, 20_000);
  if (!(await h.healthz())) problems.push('之后 /healthz 不可用');
  return r;
};

/** A burst on /api/ask from one client: 429 with Retry-After, the server stays up and answers later. */
const burst: Scenario = async (h, t, problems) => {
  const n = h.short ? 60 : 400;
  let withoutRetryAfter = 0;
  let limited = 0;
  await Promise.all(
    Array.from({ length: n }, async (_, i) => {
      try {
        const res = await fetch(`${h.server!.url}/api/ask`, { method: 'POST', body: JSON.stringify({ question: QUESTIONS[i % QUESTIONS.length] }), headers: { 'content-type': 'application/json' } });
        await res.arrayBuffer();
        t.count(res.status);
        if (res.status === 429) {
          limited++;
          if (!res.headers.get('retry-after')) withoutRetryAfter++;
        }
      } catch {
        t.count(0);
        problems.push('连接失败');
      }
    }),
  );
  if (!limited) problems.push('没有 429');
  if (withoutRetryAfter) problems.push(`${withoutRetryAfter} 个 429 没有 Retry-After`);
  if (!(await h.healthz())) problems.push('之后 /healthz 不可用');
  return { replied: t.acked, duplicated: 0, lost: 0 };
};

/** More events at once than the server holds in memory: the rest wait in the inbox, all answered once. */
const backlog: Scenario = async (h, t, problems) => {
  const n = h.short ? 120 : 1000;
  const ids = Array.from({ length: n }, () => h.id('om_burst'));
  let peak = 0;
  let cap = 0;
  let sawHealth = false;
  const watch = (async () => {
    for (let i = 0; i < 200 && ids.some((id) => h.repliesTo(id).length === 0); i++) {
      const hz = await h.healthz();
      const events = hz?.events as { backlog?: number; inMemory?: number; maxInMemory?: number } | undefined;
      if (events && typeof events.inMemory === 'number') {
        sawHealth = true;
        peak = Math.max(peak, events.inMemory);
        cap = events.maxInMemory ?? 0;
      }
      await sleep(100);
    }
  })();
  await Promise.all(ids.map(async (messageId, i) => t.count(await h.post(h.message(QUESTIONS[i % QUESTIONS.length]!, { messageId, chatId: `oc_burst_${i % 50}` })))));
  const r = await answered(h, ids, h.short ? 40_000 : 120_000);
  await watch;
  if (!sawHealth) problems.push('/healthz 没有 events.inMemory');
  else if (peak > cap) problems.push(`内存中事件 ${peak} 超过上限 ${cap}`);
  else note(`内存中最多 ${peak} 个事件（上限 ${cap}），其余在收件箱中等候`);
  return r;
};

export const SCENARIOS: Record<string, Scenario> = {
  重复与并发推送: duplicates,
  'kill -9 后重启': kill9,
  '飞书 500/429/卡住': feishuFaults,
  重放与过期事件: replay,
  '无 Token 启动': noToken,
  注入字符串: injection,
  NUL与深层嵌套: badBodies,
  'api/ask 突发': burst,
  事件积压: backlog,
};

/** Runs the scenarios against one real server (restarted where a scenario kills it) and returns the table. */
export async function runChaos(o: ChaosOptions): Promise<ChaosRow[]> {
  const h = new Harness(o.short);
  const rows: ChaosRow[] = [];
  try {
    await h.start();
    for (const [name, run] of Object.entries(SCENARIOS)) {
      if (o.only && !o.only.includes(name)) continue;
      const t = new Tally();
      const problems: string[] = [];
      notes = [];
      const sampler = rssSampler(() => h.server?.pid);
      const started = Date.now();
      let r = { replied: 0, duplicated: 0, lost: 0 };
      try {
        r = await run(h, t, problems);
      } catch (e) {
        problems.push(`场景出错：${String((e as Error)?.message ?? e).slice(0, 300)}`);
      }
      if (h.server && h.server.child.exitCode !== null) {
        problems.push(`服务进程退出（${h.server.child.exitCode}）`);
        h.server = await h.spawn();
      }
      const row: ChaosRow = { scenario: name, sent: t.sent, acked: t.acked, ...r, refused: t.refused, errors500: t.errors500, peakRssMb: Math.max(sampler.stop(), 0), problems, notes };
      rows.push(row);
      o.log?.(`${formatRow(row)}  (${((Date.now() - started) / 1000).toFixed(1)} s)`);
    }
  } finally {
    await h.stop();
  }
  return rows;
}

export const HEADER = ['场景', 'sent', 'acked', 'replied', 'dup', 'lost', 'refused', '5xx', 'RSS MB', '结果'];

export function formatRow(r: ChaosRow): string {
  const cells = [r.scenario, r.sent, r.acked, r.replied, r.duplicated, r.lost, r.refused, r.errors500, r.peakRssMb, failed(r) ? `失败：${r.problems.join('；') || '有重复/丢失/5xx'}` : ['通过', ...r.notes].join('；')];
  return `| ${cells.join(' | ')} |`;
}

export const failed = (r: ChaosRow): boolean => r.duplicated > 0 || r.lost > 0 || r.errors500 > 0 || r.problems.length > 0;
