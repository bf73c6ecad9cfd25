import { failed, formatRow, HEADER, runChaos } from './chaosSuite.js';

// `npm run chaos [-- --short] [-- --only 场景,…]`: faults and attacks against the real server, on 127.0.0.1 only.
const args = process.argv.slice(2);
const short = args.includes('--short');
const onlyAt = args.indexOf('--only');
const only = onlyAt >= 0 ? args[onlyAt + 1]?.split(',') : undefined;

const started = Date.now();
console.log(`故障与攻击测试（${short ? '快速' : '完整'}模式），服务与飞书桩都只在 127.0.0.1 上`);
console.log(`| ${HEADER.join(' | ')} |`);
console.log(`|${HEADER.map(() => '---').join('|')}|`);
const rows = await runChaos({ short, only, log: (line) => console.log(line) });
const bad = rows.filter(failed);
console.log(`\n${rows.length} 个场景，${bad.length} 个失败，用时 ${((Date.now() - started) / 1000).toFixed(1)} s`);
process.exit(bad.length > 0 || rows.length === 0 ? 1 : 0);
