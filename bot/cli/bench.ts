import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseCases } from '../../retrieval/evaluate.js';
import { loadConfig } from '../config.js';
import { openEngine } from '../runtime/nodeEngine.js';

// `npm run bench [-- questions.jsonl]`: answer latency, ingest + index build time, peak RSS. Goals from the engine issue.
// `npm run bench -- --bureaus 1,10,100,320`: the same figures as bureaus are added (see scaleBench.ts).
const bureausAt = process.argv.indexOf('--bureaus');
if (bureausAt >= 0) {
  const { scaleBench } = await import('./scaleBench.js');
  const sizes = (process.argv[bureausAt + 1] ?? '1,10,100,320').split(',').map(Number).filter((n) => n >= 1);
  await scaleBench(sizes, loadConfig(process.env).manualsDir);
  process.exit(0);
}
const file = process.argv.slice(2).find((a) => !a.startsWith('--')) ?? 'test/questions.jsonl';
const questions = parseCases(readFileSync(file, 'utf8')).map((c) => c.q);
const dataDir = mkdtempSync(join(tmpdir(), 'gzt-bench-'));
const config = loadConfig({ ...process.env, DATA_DIR: dataDir });

const t0 = performance.now();
const { engine, index, report, answerer } = await openEngine(config, { force: true });
const buildMs = performance.now() - t0;

// The default (local) embedder answers synchronously; a remote one is measured through the answerer.
const local = config.embeddings.provider === 'local';
for (const q of questions) if (local) engine.ask(q); else await answerer.ask(q); // warm-up
const rounds = Math.max(1, Math.ceil(2000 / questions.length));
const times: number[] = [];
for (let r = 0; r < rounds; r++) {
  for (const q of questions) {
    const s = performance.now();
    if (local) engine.ask(q);
    else await answerer.ask(q);
    times.push(performance.now() - s);
  }
}
times.sort((a, b) => a - b);
const pct = (p: number) => times[Math.min(times.length - 1, Math.floor((p / 100) * times.length))]!;
const rssMb = process.resourceUsage().maxRSS / 1024;
index.close();
rmSync(dataDir, { recursive: true, force: true });

const row = (name: string, value: string, goal: string, ok: boolean) =>
  console.log(`${ok ? '✓' : '✗'} ${name.padEnd(28)} ${value.padStart(10)}   目标 ${goal}`);
console.log(`问题 ${questions.length} 个 × ${rounds} 轮 = ${times.length} 次回答；${report.records} 条事项；向量：${report.embedder}`);
row('answer latency p50', `${pct(50).toFixed(2)} ms`, '—', true);
row('answer latency p95', `${pct(95).toFixed(2)} ms`, '< 5 ms', pct(95) < 5);
row('ingest + index build', `${buildMs.toFixed(0)} ms`, '< 3000 ms', buildMs < 3000);
row('peak RSS', `${rssMb.toFixed(0)} MB`, '< 200 MB', rssMb < 200);

if (!process.argv.includes('--engine-only')) {
  const { benchWebhook } = await import('./benchWebhook.js');
  const rate = 350;
  const w = await benchWebhook(questions, { rate, seconds: 10 });
  console.log(`\nwebhook：加密签名事件 ${rate}/s × 10 s，200 个会话，回复发到本地飞书桩`);
  row('sustained events/s', `${w.eventsPerSecond.toFixed(0)}`, '≥ 300', w.eventsPerSecond >= 300);
  row('ack p50', `${w.ackP50.toFixed(2)} ms`, '—', true);
  row('ack p99', `${w.ackP99.toFixed(2)} ms`, '< 20 ms', w.ackP99 < 20);
  row('event-to-reply p50', `${w.replyP50.toFixed(2)} ms`, '—', true);
  row('event-to-reply p95', `${w.replyP95.toFixed(2)} ms`, '< 100 ms', w.replyP95 < 100);
  row('event-to-reply p99 / max', `${w.replyP99.toFixed(0)} / ${w.replyMax.toFixed(0)} ms`, '—', true);
  row('replies received', `${w.replies}`, `${rate * 10}`, w.replies === rate * 10);
  row('CPU: bot / sender+stub', `${(w.serverCpu * 100).toFixed(0)}% / ${(w.clientCpu * 100).toFixed(0)}%`, '—', true);
  row('server peak RSS', `${w.rssMb.toFixed(0)} MB`, '< 250 MB', w.rssMb < 250);
}
