import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseCases } from '../../retrieval/evaluate.js';
import { loadConfig } from '../config.js';
import { openEngine } from '../runtime/nodeEngine.js';
import { percentile } from './percentile.js';

// `npm run bench [-- questions.jsonl] [--engine-only | --webhook-only | --webhook-bureaus=320] [--rates=100,200,300] [--seconds=10] [--warmup=3000]`: answer latency, ingest + index build time, peak RSS. Goals from the engine issue.
// `npm run bench -- --bureaus 1,10,100,320`: the same figures as bureaus are added (see scaleBench.ts).
const bureausAt = process.argv.indexOf('--bureaus');
if (bureausAt >= 0) {
  const { scaleBench } = await import('./scaleBench.js');
  const sizes = (process.argv[bureausAt + 1] ?? '1,10,100,320').split(',').map(Number).filter((n) => n >= 1);
  await scaleBench(sizes, loadConfig(process.env).manualsDir);
  process.exit(0);
}
const file = process.argv.slice(2).find((a) => !a.startsWith('--') && !/^\d/.test(a)) ?? 'test/questions.jsonl';
const questions = parseCases(readFileSync(file, 'utf8')).map((c) => c.q);

/**
 * The webhook path (benchWebhook.ts). With `--webhook-bureaus N`: the shipped manuals plus N − 1 synthetic
 * bureaus, each bureau's questions asked in a group chat bound to it (DATA_DIR/chat-units.json).
 */
async function webhook(plain: string[]): Promise<void> {
  const { benchWebhook, printWebhookBench } = await import('./benchWebhook.js');
  const rates = (process.argv.find((a) => a.startsWith('--rates='))?.slice(8) ?? '100,200,300,400,500').split(',').map(Number);
  const seconds = Number(process.argv.find((a) => a.startsWith('--seconds='))?.slice(10) ?? 10);
  const bureaus = Number(process.argv.find((a) => a.startsWith('--webhook-bureaus='))?.slice(18) ?? 0);
  const warmupArg = process.argv.find((a) => a.startsWith('--warmup='));
  const warmupEvents = warmupArg ? Number(warmupArg.slice(9)) : undefined;
  // 200 chats, every question asked in each: Feishu lets a bot send 5 messages a second into one chat.
  let events = Array.from({ length: plain.length * 200 }, (_, i) => ({ q: plain[i % plain.length]!, chatId: `oc_bench_${i % 200}` }));
  const env: Record<string, string> = {};
  let tmp: string | null = null;
  if (bureaus > 1) {
    const { writeFileSync } = await import('node:fs');
    const { writeCorpus } = await import('./scaleBench.js');
    tmp = mkdtempSync(join(tmpdir(), 'gzt-bench-bureaus-'));
    const manuals = join(tmp, 'manuals');
    const seedsManuals = loadConfig(process.env).manualsDir;
    const shipped = writeCorpus(manuals, seedsManuals, bureaus);
    // Every synthetic bureau gets a group chat bound to it; its in-unit questions are asked there.
    const chats: Record<string, string> = {};
    events = [];
    for (const b of shipped) {
      chats[`oc_bureau_${b.n}`] = b.bureau;
      for (const q of b.questions.filter((x) => x.units)) events.push({ q: q.question, chatId: `oc_bureau_${b.n}` });
    }
    // Interleave bureaus so consecutive events come from different chats, as a province's traffic would.
    events.sort((a, b) => a.q.length - b.q.length || a.chatId.localeCompare(b.chatId));
    mkdirSync(join(tmp, 'data'), { recursive: true });
    writeFileSync(join(tmp, 'data', 'chat-units.json'), JSON.stringify(chats));
    Object.assign(env, { MANUALS_DIR: manuals, DATA_DIR: join(tmp, 'data') });
    // As a province would deploy: the index built by `npm run ingest`, which the server then takes as is.
    const { execFileSync } = await import('node:child_process');
    const t = performance.now();
    execFileSync('npm', ['run', 'ingest', '--silent'], { env: { ...process.env, ...env }, stdio: 'ignore' });
    console.log(`npm run ingest：${((performance.now() - t) / 1000).toFixed(1)} s`);
  }
  console.log(`\nwebhook：加密签名事件，每档 ${seconds} s，${new Set(events.map((e) => e.chatId)).size} 个会话${bureaus > 1 ? `，${bureaus} 个局（群绑定到各自的局）` : ''}；发送端在独立进程，回复计时在本地飞书桩`);
  try {
    const w = await benchWebhook({ events, rates, seconds, env, warmupEvents, log: (l) => console.log(`  ${l}`) });
    printWebhookBench(w, 300);
  } finally {
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  }
}

if (process.argv.includes('--webhook-only') || process.argv.some((a) => a.startsWith('--webhook-bureaus='))) {
  await webhook(questions);
  process.exit(0);
}
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
const pct = (p: number) => percentile(times, p);
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

if (!process.argv.includes('--engine-only')) await webhook(questions);
