import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseCases } from '../../retrieval/evaluate.js';
import { loadConfig } from '../config.js';
import { openEngine } from '../runtime/nodeEngine.js';

// `npm run bench [-- questions.jsonl] [--engine-only] [--rates=100,200,300] [--seconds=10]`: answer latency, ingest + index build time, peak RSS. Goals from the engine issue.
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
/** Colloquial questions, where the engine is often unsure: what assist mode is for. */
const extraQuestions = () => (existsSync('test/questions-colloquial-dev.jsonl') ? parseCases(readFileSync('test/questions-colloquial-dev.jsonl', 'utf8')).map((c) => c.q) : []);
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
// Assist mode against a local stub model (no tokens, no network): what LangChain and the guard add.
const llm = process.argv.includes('--engine-only') ? null : await (await import('./benchLlm.js')).benchLlm(engine, [...new Set([...questions, ...extraQuestions()])]);
index.close();
rmSync(dataDir, { recursive: true, force: true });

const row = (name: string, value: string, goal: string, ok: boolean) =>
  console.log(`${ok ? '✓' : '✗'} ${name.padEnd(28)} ${value.padStart(10)}   目标 ${goal}`);
console.log(`问题 ${questions.length} 个 × ${rounds} 轮 = ${times.length} 次回答；${report.records} 条事项；向量：${report.embedder}`);
row('answer latency p50', `${pct(50).toFixed(2)} ms`, '—', true);
row('answer latency p95', `${pct(95).toFixed(2)} ms`, '< 5 ms', pct(95) < 5);
row('ingest + index build', `${buildMs.toFixed(0)} ms`, '< 3000 ms', buildMs < 3000);
row('peak RSS', `${rssMb.toFixed(0)} MB`, '< 200 MB', rssMb < 200);

if (llm) {
  console.log(`\n大模型辅助（LLM_MODE=assist，本地 OpenAI 兼容桩，立即作答）：${llm.unsure} 个引擎没把握的问题`);
  row('assist cold (first call)', `${llm.coldMs.toFixed(1)} ms`, '—', true);
  row('engine alone p50', `${llm.engineP50.toFixed(2)} ms`, '—', true);
  row('assist p50 / p95', `${llm.assistP50.toFixed(2)} / ${llm.assistP95.toFixed(2)} ms`, '—', true);
  row('assist overhead p50', `${llm.overheadP50.toFixed(2)} ms`, '< 20 ms', llm.overheadP50 < 20);
  row('sure answers via wrapper p50', `${llm.sureP50.toFixed(2)} ms`, '< 5 ms', llm.sureP50 < 5);
}

if (!process.argv.includes('--engine-only')) {
  const { benchWebhook, printWebhookBench } = await import('./benchWebhook.js');
  const rates = (process.argv.find((a) => a.startsWith('--rates='))?.slice(8) ?? '100,200,300,400,500').split(',').map(Number);
  const seconds = Number(process.argv.find((a) => a.startsWith('--seconds='))?.slice(10) ?? 10);
  const events = questions.map((q, i) => ({ q, chatId: `oc_bench_${i % 200}` }));
  console.log(`\nwebhook：加密签名事件，每档 ${seconds} s，200 个会话；发送端在独立进程，回复计时在本地飞书桩`);
  const w = await benchWebhook({ events, rates, seconds, log: (l) => console.log(`  ${l}`) });
  printWebhookBench(w, 300);
}
