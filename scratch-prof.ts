import { loadConfig } from './bot/config.js';
import { openEngine } from './bot/runtime/nodeEngine.js';
import { districtManual } from './bot/cli/scaleBench.js';
import { synthBureaus, bureauQuestions } from './bot/cli/synthBureaus.js';
import { percentile } from './bot/cli/percentile.js';
const dir = process.env.DATA_DIR!;
const config = loadConfig({ ...process.env, DATA_DIR: dir, MANUALS_DIR: '/tmp/s320/manuals', EMBEDDINGS_PROVIDER: 'local' });
const t0 = performance.now();
const m0 = process.memoryUsage();
const { engine, index } = await openEngine(config);
const openMs = performance.now() - t0;
const manual = districtManual('/tmp/s320/manuals');
const bureaus = synthBureaus(319, manual, { first: 2 });
const inUnit = bureaus.map((b) => b.questions.find((q) => q.units)!);
const cross = [...new Set(inUnit.map((q) => q.question))];
const time = (qs: { question: string; units?: string[] }[], rounds: number) => {
  const out: number[] = [];
  for (let i = 0; i < rounds; i++) { const q = qs[i % qs.length]!; const s = performance.now(); engine.ask(q.question, q.units ? { units: q.units } : {}); out.push(performance.now() - s); }
  return out;
};
const crossCold = time(cross.map((question) => ({ question })), Math.min(100, cross.length));
const rot = time(inUnit, 1000);
const crossWarm = time(cross.map((question) => ({ question })), 200);
let correct = 0, asked = 0;
if (process.env.CHECK) for (const b of bureaus) for (const q of b.questions) { asked++; const a = engine.ask(q.question, q.units ? { units: q.units } : {}); const f = a.answers[0]; if (f && f.unit === q.expect.unit && q.expect.lead.some((p) => f.lead.includes(p))) correct++; }
global.gc?.();
const mu = process.memoryUsage();
console.log(JSON.stringify({ openMs: Math.round(openMs), crossCold: [percentile(crossCold, 50), percentile(crossCold, 95), crossCold[0]], rot: [percentile(rot, 50), percentile(rot, 95)], crossWarm: [percentile(crossWarm,50), percentile(crossWarm,95)], heapMB: Math.round(mu.heapUsed / 1e6), rssMB: Math.round(mu.rss / 1e6), maxRSS: Math.round(process.resourceUsage().maxRSS / 1024), correct, asked }));
index.close();
