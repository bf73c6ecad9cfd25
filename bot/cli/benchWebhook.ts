import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { atBot, deliver, messageEvent } from '../../test/support/feishuEvents.js';
import { FeishuStub } from '../../test/support/feishuStub.js';

export interface WebhookBench {
  offered: number;
  eventsPerSecond: number;
  ackP50: number;
  ackP99: number;
  replyP50: number;
  replyP95: number;
  replyP99: number;
  replyMax: number;
  replies: number;
  rssMb: number;
  /** Share of one core used during the timed run, by the bot and by this process (sender + stub). */
  serverCpu: number;
  clientCpu: number;
}

/** CPU seconds (user + system) a process has used so far, from /proc. */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

const pct = (list: number[], p: number) => {
  const s = [...list].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? NaN;
};

/**
 * The webhook path end to end: `npm start` in a child process with Feishu pointed at a stub, encrypted
 * and signed events sent at a fixed rate over many chats, acks timed at the sender, replies at the stub.
 */
export async function benchWebhook(questions: string[], o: { rate: number; seconds: number }): Promise<WebhookBench> {
  const stub = await new FeishuStub().start();
  const dataDir = mkdtempSync(join(tmpdir(), 'gzt-bench-hook-'));
  const key = 'bench-key';
  // The server as `npm start` runs it: the esbuild bundle on plain node.
  execFileSync('npm', ['run', 'build', '--silent'], { stdio: 'inherit' });
  // The node flags `npm start` uses (the heap cap keeps RSS in bounds under load).
  const start = (JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: { start: string } }).scripts.start;
  const nodeArgs = (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean).concat(start.match(/node ((?:--\S+ )*)dist\/serve\.mjs/)?.[1]?.trim().split(' ').filter(Boolean) ?? []);
  const child = spawn(process.execPath, [...nodeArgs, 'dist/serve.mjs'], {
    env: { ...process.env, DATA_DIR: dataDir, PORT: '0', FEISHU_APP_ID: 'cli_bench', FEISHU_APP_SECRET: 's', FEISHU_DOMAIN: stub.url, FEISHU_ENCRYPT_KEY: key, FEISHU_VERIFICATION_TOKEN: 'vtoken' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (process.env.BENCH_STDERR) child.stderr.on('data', (d: Buffer) => process.stderr.write(d)); else child.stderr.resume();
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const m = out.match(/网页版\s+(http:\/\/\S+?)\//);
      if (m) resolve(m[1]!);
    });
    child.on('exit', (code) => reject(new Error(`serve exited ${code}: ${out}`)));
  });

  const sentAt = new Map<string, number>();
  const replyMs: number[] = [];
  stub.onMessage = (m) => {
    const t = sentAt.get(m.target);
    if (t !== undefined) replyMs.push(m.receivedAt - t);
  };
  const acks: number[] = [];
  // Requests are encrypted and signed before the clock starts, so the sender's own work does not delay the stub.
  const build = (i: number) => {
    const q = questions[i % questions.length]!;
    const messageId = `om_bench_${i}`;
    const chatId = `oc_bench_${i % 200}`;
    const ev = i % 2 === 0 ? messageEvent({ chatType: 'p2p', chatId, text: q, messageId }) : atBot(q, stub.botOpenId, { chatId, messageId });
    return { messageId, req: deliver(ev, { encryptKey: key }) };
  };
  const prepared = new Map<number, ReturnType<typeof build>>();
  const post = async (i: number) => {
    const { messageId, req } = prepared.get(i) ?? build(i);
    prepared.delete(i);
    const t = performance.now();
    sentAt.set(messageId, t);
    const res = await fetch(`${url}/webhook/feishu`, { method: 'POST', body: req.body, headers: req.headers });
    await res.arrayBuffer();
    acks.push(performance.now() - t);
  };

  // Warm up the token, the bot identity and the JIT.
  await Promise.all(Array.from({ length: 50 }, (_, i) => post(-1 - i)));
  await new Promise((r) => setTimeout(r, 500));
  acks.length = 0;
  replyMs.length = 0;

  const total = o.rate * o.seconds;
  for (let i = 0; i < total; i++) prepared.set(i, build(i));
  const serverCpu0 = cpuSeconds(child.pid!);
  const clientCpu0 = process.cpuUsage();
  const started = performance.now();
  const inflight: Promise<void>[] = [];
  for (let i = 0; i < total; i++) {
    const due = started + (i * 1000) / o.rate;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    inflight.push(post(i));
  }
  await Promise.all(inflight);
  const elapsed = (performance.now() - started) / 1000;
  const serverCpu = (cpuSeconds(child.pid!) - serverCpu0) / elapsed;
  const used = process.cpuUsage(clientCpu0);
  const clientCpu = (used.user + used.system) / 1e6 / elapsed;
  const deadline = performance.now() + 10_000;
  while (replyMs.length < total && performance.now() < deadline) await new Promise((r) => setTimeout(r, 50));

  const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
  const rssMb = Number(status.match(/VmHWM:\s+(\d+)/)?.[1] ?? 0) / 1024;
  child.kill('SIGTERM');
  await new Promise((r) => child.once('exit', r));
  await stub.stop();
  rmSync(dataDir, { recursive: true, force: true });
  return {
    offered: o.rate,
    eventsPerSecond: total / elapsed,
    ackP50: pct(acks, 50),
    ackP99: pct(acks, 99),
    replyP50: pct(replyMs, 50),
    replyP95: pct(replyMs, 95),
    replyP99: pct(replyMs, 99),
    replyMax: Math.max(...replyMs),
    replies: replyMs.length,
    rssMb,
    serverCpu,
    clientCpu,
  };
}
