import { loadConfig } from './bot/config.js';
import { openEngine } from './bot/runtime/nodeEngine.js';
import { districtManual } from './bot/cli/scaleBench.js';
import { synthBureaus } from './bot/cli/synthBureaus.js';
const config = loadConfig({ ...process.env, MANUALS_DIR: '/tmp/s320/manuals', EMBEDDINGS_PROVIDER: 'local' });
const { engine } = await openEngine(config);
const bureaus = synthBureaus(319, districtManual('/tmp/s320/manuals'), { first: 2 });
const inUnit = bureaus.map((b) => b.questions.find((q) => q.units)!);
engine.ask('谁负责测绘作业证初审', {});
const { Session } = await import('node:inspector/promises');
const s = new Session(); s.connect(); await s.post('Profiler.enable'); await s.post('Profiler.start');
const t = performance.now();
for (let i = 0; i < 640; i++) { const q = inUnit[i % inUnit.length]!; engine.ask(q.question, { units: q.units }); }
console.log('per q', (performance.now() - t) / 640);
const { profile } = await s.post('Profiler.stop');
const fs = await import('node:fs'); fs.mkdirSync('/tmp/memory/rot', { recursive: true }); fs.writeFileSync('/tmp/memory/rot/r.cpuprofile', JSON.stringify(profile));
