import Database from 'better-sqlite3';
import { Lexicon } from './retrieval/lexicon.js';
import { loadSynonyms } from './bot/runtime/nodeEngine.js';
const db = new Database('/tmp/memory/new/gangzetong.db', { readonly: true });
const fams = db.prepare("select family from partitions where family like '第%区自然资源局'").pluck().all() as string[];
const stmt = db.prepare('select fields, texts, vectors, dims from partitions where family = ?');
const t: Record<string, number> = {};
const tick = (k: string, s: number) => { t[k] = (t[k] ?? 0) + performance.now() - s; };
const syn = loadSynonyms('seeds');
const recs = db.prepare('select json from records where rid between ? and ?').pluck();
for (let round = 0; round < 2; round++) for (const k in t) t[k] = 0;
let n = 0;
for (let round = 0; round < 3; round++) {
  for (const k in t) if (round === 1) t[k] = 0;
  if (round === 1) n = 0;
  for (const f of fams.slice(0, 150)) {
    n++;
    let s = performance.now();
    const row = stmt.get(f) as any; tick('get', s);
    s = performance.now();
    const headLen = row.fields.readUInt32LE(0); const headStr = row.fields.toString('utf8', 4, 4 + headLen); tick('headStr', s);
    s = performance.now(); const head = JSON.parse(headStr); tick('headParse', s);
    s = performance.now(); const toks = head.tokens.split('\u0000'); tick('split', s);
    s = performance.now(); const copy = new Uint8Array(row.fields.byteLength); copy.set(row.fields); tick('copy', s);
    s = performance.now(); const texts = new Map(JSON.parse(row.texts)); tick('texts', s);
    s = performance.now(); const v = new Float32Array(new Uint8Array(row.vectors).buffer); tick('vec', s);
    s = performance.now(); const rows = recs.all(1000, 1093) as string[]; tick('recGet', s);
    s = performance.now(); const records = rows.map((j) => JSON.parse(j)); tick('recParse', s);
    s = performance.now(); new Lexicon(records, syn, texts as any); tick('lexicon', s);
  }
}
console.log(n, Object.fromEntries(Object.entries(t).map(([k, v]) => [k, (v / n).toFixed(3)])), 'tokens', (JSON.parse((db.prepare('select fields from partitions where family = ?').get(fams[0]) as any).fields.toString('utf8', 4, 4 + (db.prepare('select fields from partitions where family = ?').get(fams[0]) as any).fields.readUInt32LE(0))).tokens.length));
