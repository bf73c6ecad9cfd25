import { loadConfig } from './bot/config.js';
import { openEngine } from './bot/runtime/nodeEngine.js';
const show = (l: string) => { global.gc?.(); const m = process.memoryUsage(); console.log(l, performance.now().toFixed(0), Object.fromEntries(Object.entries(m).map(([k, v]) => [k, Math.round(v / 1e6)]))); };
show('start');
const config = loadConfig({ ...process.env, MANUALS_DIR: '/tmp/s320/manuals', EMBEDDINGS_PROVIDER: 'local' });
const t = performance.now();
const { engine } = await openEngine(config);
console.log('open ms', performance.now() - t);
show('open');
