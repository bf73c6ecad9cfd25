import { join } from 'node:path';
import { loadConfig } from './bot/config.js';
import { openEngine } from './bot/runtime/nodeEngine.js';
import { districtManual } from './bot/cli/scaleBench.js';
import { synthBureaus } from './bot/cli/synthBureaus.js';
const config = loadConfig({ ...process.env, DATA_DIR: '/tmp/s320/dm', MANUALS_DIR: '/tmp/s320/manuals', EMBEDDINGS_PROVIDER: 'local' });
const { engine } = await openEngine(config);
const bureaus = synthBureaus(319, districtManual('/tmp/s320/manuals'), { first: 2 });
const qs = bureaus.map((b) => b.questions.find((q) => q.units)!);
const rounds = Number(process.argv[2] ?? 1000);
const times: number[] = [];
const c0 = process.cpuUsage();
for (let i = 0; i < rounds; i++) { const q = qs[i % qs.length]!; const s = performance.now(); engine.ask(q.question, { units: q.units }); times.push(performance.now() - s); }
const cpu = process.cpuUsage(c0);
times.sort((a, b) => a - b);
console.log('p50', times[Math.floor(rounds * 0.5)]!.toFixed(2), 'p95', times[Math.floor(rounds * 0.95)]!.toFixed(2), 'cpu/q ms', ((cpu.user + cpu.system) / 1000 / rounds).toFixed(2), 'rss', (process.memoryUsage().rss / 1e6).toFixed(0), 'heap', (process.memoryUsage().heapUsed / 1e6).toFixed(0));
