import { loadConfig } from './bot/config.js';
import { openEngine } from './bot/runtime/nodeEngine.js';
const show = (l: string) => { global.gc?.(); const m = process.memoryUsage(); console.log(l, Object.fromEntries(Object.entries(m).map(([k, v]) => [k, Math.round(v / 1e6)]))); };
show('start');
const config = loadConfig({ ...process.env, MANUALS_DIR: '/tmp/s320/manuals', EMBEDDINGS_PROVIDER: 'local' });
const { engine, index } = await openEngine(config);
show('open');
engine.ask('谁负责测绘作业证初审', {});
show('cross');
