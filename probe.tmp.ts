import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeCorpus } from './bot/cli/scaleBench.js';
import { loadConfig } from './bot/config.js';
import { openEngine } from './bot/runtime/nodeEngine.js';
const dir = mkdtempSync(join(tmpdir(), 'probe-'));
writeCorpus(join(dir, 'manuals'), 'seeds/manuals', Number(process.argv[2] ?? 30));
const config = loadConfig({ ...process.env, DATA_DIR: join(dir, 'data'), MANUALS_DIR: join(dir, 'manuals'), EMBEDDINGS_PROVIDER: 'local' });
let t0 = performance.now();
const { index, report } = await openEngine(config, { force: true });
console.log('ingest', performance.now() - t0, report.records);
index.close();
t0 = performance.now();
const { engine } = await openEngine(config);
console.log('open', performance.now() - t0);
const fam = engine.directory.familyNames();
for (const f of fam.slice(0, 5)) { t0 = performance.now(); engine.ask('谁负责预算管理和绩效评价管理', { units: [f] }); console.log('cold', f, performance.now() - t0); }
