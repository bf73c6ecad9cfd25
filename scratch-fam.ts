import { loadConfig } from './bot/config.js';
import { openEngine } from './bot/runtime/nodeEngine.js';
import { districtManual } from './bot/cli/scaleBench.js';
import { synthBureaus } from './bot/cli/synthBureaus.js';
const config = loadConfig({ ...process.env, MANUALS_DIR: '/tmp/s320/manuals', EMBEDDINGS_PROVIDER: 'local' });
const { engine } = await openEngine(config);
const bureaus = synthBureaus(319, districtManual('/tmp/s320/manuals'), { first: 2 });
const inUnit = bureaus.map((b) => b.questions.find((q) => q.units)!);
const mem = () => { global.gc!(); return process.memoryUsage(); };
const m0 = mem();
const c0 = process.cpuUsage();
const N = Number(process.env.N ?? 50);
for (let i = 0; i < N; i++) { const q = inUnit[i]!; engine.ask(q.question, { units: q.units }); }
const c = process.cpuUsage(c0);
const m1 = mem();
console.log({ N, cpuPerQ: ((c.user + c.system) / 1000 / N).toFixed(2), heapPerFamKB: ((m1.heapUsed - m0.heapUsed) / N / 1024).toFixed(0), extPerFamKB: ((m1.arrayBuffers - m0.arrayBuffers) / N / 1024).toFixed(0), rss: (m1.rss / 1e6).toFixed(0) });
