import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FeishuStub } from '../../test/support/feishuStub.js';
import type { SendJob, SendResult } from './webhookSender.js';
import { percentile } from './percentile.js';

/** Replies must come back within this (p95) for an offered rate to count as kept up. */
export const KEEP_UP_P95_MS = 1000;
/** After the last event of a step, replies still missing after this long count as not drained. */
const DRAIN_MS = 15_000;

export interface LatencySummary {
  replies: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

export interface WebhookStep {
  /** Events per second the sender was asked to send. */
  offered: number;
  /** Events per second it actually got out (POSTs started over the sending window). */
  sent: number;
  events: number;
  /** Replies per second, from the first event sent to the last reply received. */
  replyRate: number;
  reply: LatencySummary;
  ackP50: number;
  ackP99: number;
  /** Requests the webhook did not answer 2xx. */
  failures: number;
  /** Every event replied to, and /healthz shows no event or message left pending. */
  drained: boolean;
  keptUp: boolean;
  /** Share of one core the bot used while the step ran. */
  serverCpu: number;
  /** CPU ms per event, from the first event sent until the step drained: the bot, the sender, the stub (this process). */
  cpuMsPerEvent: { bot: number; botSystem: number; botMainThread: number; sender: number; stub: number };
}

export interface WebhookBench {
  /** The first events after start-up, before anything is warm. */
  cold: LatencySummary & { first: number };
  steps: WebhookStep[];
  /** The highest offered rate whose replies kept up (p95 under KEEP_UP_P95_MS, queue drained); null if none. */
  sustained: number | null;
  rssMb: number;
  startMs: number;
}

export interface WebhookBenchOptions {
  /** Questions with the chats they are asked in. */
  events: { q: string; chatId: string }[];
  /** Offered rates, ascending; the sweep stops after the first rate that does not keep up. */
  rates: number[];
  seconds: number;
  coldEvents?: number;
  /**
   * Events sent after the cold ones and before the sweep, not measured: a bot runs for days, so the steps
   * measure it with its code compiled (V8 is still optimising the hot paths for the first thousands of events).
   */
  warmupEvents?: number;
  /** Extra environment for the server (MANUALS_DIR …); DATA_DIR is a fresh temp dir unless given. */
  env?: Record<string, string>;
  log?: (line: string) => void;
}

const epoch = () => performance.timeOrigin + performance.now();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** CPU seconds of a process (all its threads), or of its main thread, where the event loop runs. */
function cpuSeconds(pid: number, only?: 'system' | 'main'): number {
  const fields = readFileSync(only === 'main' ? `/proc/${pid}/task/${pid}/stat` : `/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  if (only === 'main') return (Number(fields[11]) + Number(fields[12])) / 100;
  return ((only ? 0 : Number(fields[11])) + Number(fields[12])) / 100;
}

function summary(list: number[]): LatencySummary {
  return { replies: list.length, p50: percentile(list, 50), p95: percentile(list, 95), p99: percentile(list, 99), max: list.length ? Math.max(...list) : NaN };
}

/** The console address `npm start` prints once it listens; rejects if the server exits first. */
export function serverUrl(child: ChildProcess, stderr: () => string = () => ''): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = out.match(/网页版\s+(http:\/\/\S+?)\//);
      if (m) resolve(m[1]!);
    });
    child.on('exit', (code) => reject(new Error(`npm start exited ${code}: ${out}\n${stderr().slice(-2000)}`)));
  });
}

/** The sender in its own process: the stub's timing is not disturbed by signing and posting. */
function runSender(job: SendJob): Promise<SendResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'bot/cli/webhookSender.ts'], { stdio: ['pipe', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`sender exited ${code}`));
      try {
        resolve(JSON.parse(out) as SendResult);
      } catch (e) {
        reject(e);
      }
    });
    child.stdin.end(JSON.stringify(job));
  });
}

/**
 * The webhook path end to end, honestly: `npm start`'s bundle in one process, a sender in another, the
 * Feishu stub timing replies in this one. A sweep of offered rates, each reported with the rates achieved
 * (sent, replied) and reply latency; warm-up (the cold events) excluded from every step.
 */
export async function benchWebhook(o: WebhookBenchOptions): Promise<WebhookBench> {
  const log = o.log ?? (() => {});
  const stub = await new FeishuStub().start();
  // The stub keeps every message; the bench only needs the reply times.
  const replyAt = new Map<string, number>();
  stub.onMessage = (m) => {
    if (!replyAt.has(m.target)) replyAt.set(m.target, performance.timeOrigin + m.receivedAt);
    stub.messages.length = 0;
  };
  const dataDir = o.env?.DATA_DIR ?? mkdtempSync(join(tmpdir(), 'gzt-bench-hook-'));
  const key = 'bench-key';
  execFileSync('npm', ['run', 'build', '--silent'], { stdio: 'inherit' });
  const start = (JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: { start: string } }).scripts.start;
  const nodeArgs = (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean).concat(start.match(/node ((?:--\S+ )*)dist\/serve\.mjs/)?.[1]?.trim().split(' ').filter(Boolean) ?? []);
  const t0 = performance.now();
  const child = spawn(process.execPath, [...nodeArgs, 'dist/serve.mjs'], {
    env: { ...process.env, DATA_DIR: dataDir, PORT: '0', FEISHU_APP_ID: 'cli_bench', FEISHU_APP_SECRET: 's', FEISHU_DOMAIN: stub.url, FEISHU_ENCRYPT_KEY: key, FEISHU_VERIFICATION_TOKEN: 'vtoken', ...o.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (process.env.BENCH_STDERR) child.stderr.on('data', (d: Buffer) => process.stderr.write(d));
  else child.stderr.resume();
  try {
    const url = await serverUrl(child);
    // Ready means /healthz answers 200 (the index is loaded), not just that the port is open.
    while ((await fetch(`${url}/healthz`).catch(() => null))?.status !== 200) await sleep(50);
    const startMs = performance.now() - t0;

    const pending = async () => {
      const h = (await (await fetch(`${url}/healthz`)).json()) as { outbox?: { pending?: number }; events?: { pending?: number } };
      return (h.outbox?.pending ?? 0) + (h.events?.pending ?? 0);
    };
    const drain = async (sent: SendResult, waitMs = DRAIN_MS) => {
      const ids = Object.keys(sent.sentAt);
      const until = sent.lastSentAt + waitMs;
      while (epoch() < until && ids.some((id) => !replyAt.has(id))) await sleep(20);
      while (epoch() < until && (await pending()) > 0) await sleep(50);
      const latencies = ids.filter((id) => replyAt.has(id)).map((id) => replyAt.get(id)! - sent.sentAt[id]!);
      const replied = ids.filter((id) => replyAt.has(id)).map((id) => replyAt.get(id)!);
      return { latencies, all: latencies.length === ids.length && (await pending()) === 0, lastReply: replied.length ? Math.max(...replied) : NaN };
    };
    const job = (prefix: string, count: number, rate: number): SendJob => ({ url, encryptKey: key, botOpenId: stub.botOpenId, events: o.events, prefix, count, rate });

    const coldCount = o.coldEvents ?? 100;
    const coldSent = await runSender(job('om_cold_', coldCount, 50));
    const cold = await drain(coldSent);
    const first = replyAt.get('om_cold_0');
    log(`冷启动 ${coldCount} 个事件：回复 ${cold.latencies.length} 个`);
    const warmCount = o.warmupEvents ?? 3000;
    if (warmCount > 0) {
      // Waits for the backlog to clear (a slow bot may take a while), so that it does not spill into the first step.
      const warm = await drain(await runSender(job('om_warm_', warmCount, 150)), 180_000);
      log(`预热 ${warmCount} 个事件（150/s，不计入各档）：回复 ${warm.latencies.length} 个`);
    }

    const steps: WebhookStep[] = [];
    for (const rate of o.rates) {
      const count = Math.round(rate * o.seconds);
      const cpu0 = cpuSeconds(child.pid!);
      const sys0 = cpuSeconds(child.pid!, 'system');
      const main0 = cpuSeconds(child.pid!, 'main');
      const stub0 = process.cpuUsage();
      const sent = await runSender(job(`om_r${rate}_`, count, rate));
      const cpu1 = cpuSeconds(child.pid!);
      const done = await drain(sent);
      const cpu2 = cpuSeconds(child.pid!);
      const sys2 = cpuSeconds(child.pid!, 'system');
      const main2 = cpuSeconds(child.pid!, 'main');
      const stubCpu = process.cpuUsage(stub0);
      const reply = summary(done.latencies);
      const sendSeconds = Math.max(0.001, (sent.lastSentAt - sent.firstSentAt) / 1000);
      const step: WebhookStep = {
        offered: rate,
        sent: count > 1 ? (count - 1) / sendSeconds : count,
        events: count,
        replyRate: reply.replies / Math.max(0.001, (done.lastReply - sent.firstSentAt) / 1000),
        reply,
        ackP50: percentile(sent.ackMs, 50),
        ackP99: percentile(sent.ackMs, 99),
        failures: sent.failures,
        drained: done.all,
        keptUp: done.all && sent.failures === 0 && reply.p95 < KEEP_UP_P95_MS,
        serverCpu: (cpu1 - cpu0) / sendSeconds,
        cpuMsPerEvent: { bot: ((cpu2 - cpu0) * 1000) / count, botSystem: ((sys2 - sys0) * 1000) / count, botMainThread: ((main2 - main0) * 1000) / count, sender: sent.cpuMs / count, stub: (stubCpu.user + stubCpu.system) / 1000 / count },
      };
      steps.push(step);
      const per = step.cpuMsPerEvent;
      log(`offered ${rate}/s：sent ${step.sent.toFixed(0)}/s，replied ${step.replyRate.toFixed(0)}/s，p95 ${reply.p95.toFixed(0)} ms${step.keptUp ? '' : '（跟不上）'}；CPU/事件 bot ${per.bot.toFixed(2)} ms（主线程 ${per.botMainThread.toFixed(2)}，内核 ${per.botSystem.toFixed(2)}），发送端 ${per.sender.toFixed(2)} ms，桩 ${per.stub.toFixed(2)} ms`);
      if (!step.keptUp) break;
    }
    const kept = steps.filter((s) => s.keptUp).map((s) => s.offered);
    const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
    return {
      cold: { ...summary(cold.latencies), first: first === undefined ? NaN : first - coldSent.sentAt['om_cold_0']! },
      steps,
      sustained: kept.length ? Math.max(...kept) : null,
      rssMb: Number(status.match(/VmHWM:\s+(\d+)/)?.[1] ?? 0) / 1024,
      startMs,
    };
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => (child.exitCode === null ? child.once('exit', r) : r(null)));
    await stub.stop();
    if (!o.env?.DATA_DIR) rmSync(dataDir, { recursive: true, force: true });
  }
}

/** The bench's table: one line per offered rate, then the sustained figure. */
export function printWebhookBench(w: WebhookBench, target: number): void {
  const ms = (n: number) => (Number.isFinite(n) ? `${n.toFixed(n < 10 ? 1 : 0)}` : '—');
  console.log(`服务启动到 /healthz 就绪 ${ms(w.startMs)} ms；冷启动首条回复 ${ms(w.cold.first)} ms，前 ${w.cold.replies} 条 p50/p95 ${ms(w.cold.p50)} / ${ms(w.cold.p95)} ms`);
  console.log('offered/s  sent/s  replied/s  events  replies  reply p50/p95/p99/max ms   ack p50/p99 ms  bot CPU  CPU ms/event bot/sender/stub  kept up');
  for (const s of w.steps) {
    console.log(
      [
        String(s.offered).padStart(9),
        s.sent.toFixed(0).padStart(7),
        s.replyRate.toFixed(0).padStart(10),
        String(s.events).padStart(7),
        String(s.reply.replies).padStart(8),
        `${ms(s.reply.p50)}/${ms(s.reply.p95)}/${ms(s.reply.p99)}/${ms(s.reply.max)}`.padStart(25),
        `${ms(s.ackP50)}/${ms(s.ackP99)}`.padStart(15),
        `${(s.serverCpu * 100).toFixed(0)}%`.padStart(8),
        `${s.cpuMsPerEvent.bot.toFixed(2)}/${s.cpuMsPerEvent.sender.toFixed(2)}/${s.cpuMsPerEvent.stub.toFixed(2)}`.padStart(32),
        `  ${s.keptUp ? '✓' : `✗${s.drained ? '' : ' 未清空'}${s.failures ? ` ${s.failures} 个请求失败` : ''}`}`,
      ].join(' '),
    );
  }
  const ok = w.sustained !== null && w.sustained >= target;
  console.log(`${ok ? '✓' : '✗'} sustained（回复 p95 < ${KEEP_UP_P95_MS} ms 且队列清空的最高发送速率） ${w.sustained ?? 0}/s   目标 ≥ ${target}/s`);
  console.log(`${w.rssMb < 250 ? '✓' : '✗'} server peak RSS ${w.rssMb.toFixed(0)} MB   目标 < 250 MB`);
}
