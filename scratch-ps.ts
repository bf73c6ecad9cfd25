import Database from 'better-sqlite3';
for (const f of ['/tmp/memory/p4096.db', '/tmp/memory/p65536.db']) {
  const db = new Database(f, { readonly: true });
  const fams = db.prepare("select family from partitions where family like '第%区自然资源局'").pluck().all() as string[];
  const stmt = db.prepare('select fields, texts, vectors, dims from partitions where family = ?');
  for (let r = 0; r < 2; r++) { const s = performance.now(); for (const fam of fams) stmt.get(fam); console.log(f, ((performance.now() - s) / fams.length).toFixed(3)); }
}
