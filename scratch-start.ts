import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { serverUrl } from './bot/cli/benchWebhook.js';
import { districtManual } from './bot/cli/scaleBench.js';
import { synthBureaus } from './bot/cli/synthBureaus.js';
const t0 = performance.now();
const child = spawn(process.execPath, ['--max-old-space-size=256', '--max-semi-space-size=8', 'dist/serve.mjs'], { env: { ...process.env, DATA_DIR: process.env.DATA_DIR, MANUALS_DIR: '/tmp/s320/manuals', EMBEDDINGS_PROVIDER: 'local', PORT: '0', HOST: '127.0.0.1', RATE_LIMIT_PER_SECOND: '100000', RATE_LIMIT_BURST: '100000' }, stdio: ['ignore', 'pipe', 'pipe'] });
let err = ''; child.stderr.on('data', (d: Buffer) => (err += d.toString()));
const url = await serverUrl(child, () => err);
const readyMs = performance.now() - t0;
const hwm0 = Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))?.[1] ?? 0);
const bureaus = synthBureaus(319, districtManual('/tmp/s320/manuals'), { first: 2 });
const questions = bureaus.flatMap((b) => b.questions.filter((q) => !q.units).map((q) => q.question)).slice(0, 300);
questions.push('谁负责预算管理和绩效评价管理', '谁分管执法大队');
let ok = 0;
for (const question of questions) { const res = await fetch(`${url}/api/ask`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ question }) }); if (res.ok) ok++; await res.arrayBuffer(); }
const hwm = Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))?.[1] ?? 0);
console.log({ readyMs: Math.round(readyMs), rssAtReady: hwm0 / 1024, rssPeak: hwm / 1024, ok });
child.kill('SIGTERM');
