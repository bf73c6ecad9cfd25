import Database from 'better-sqlite3';
import * as sqliteVec from 'sqlite-vec';
import { JiebaSegmenter } from './retrieval/node/jiebaSegmenter.js';
const show = (l: string) => { global.gc?.(); const m = process.memoryUsage(); console.log(l, Object.fromEntries(Object.entries(m).map(([k, v]) => [k, Math.round(v / 1e6)]))); };
show('start');
if (process.argv[2] === 'jieba') { const s = new JiebaSegmenter([]); s.index?.('测试一下分词'); (s as any).tokens?.('测试一下分词'); show('jieba'); }
const db = new Database('/tmp/memory/base/gangzetong.db'); sqliteVec.load(db);
show('db');
let n = 0;
for (const r of db.prepare('select rid, json from records').iterate() as any) n += r.json.length;
show('iter');
const all = (db.prepare('select json from records').all() as any[]).map((r) => JSON.parse(r.json));
show('parsed');
console.log(all.length);
