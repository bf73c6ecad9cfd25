import { listManualFiles, readCorpus } from './ingest/node/readManuals.js';
const [dir, pick] = process.argv.slice(2);
const { files } = listManualFiles(dir!);
const c = await readCorpus(files.filter((f) => f.file.includes(pick!)), [], { threads: false });
for (const r of c.records) console.log(JSON.stringify({ u: r.unit, d: r.department, p: r.post, i: r.item, lead: r.lead, as: r.assistants, tl: r.timeLimit, kind: r.kind, duties: r.duties.join('|').slice(0, 80), det: (r.details ?? []).map((d) => d.label + ':' + d.text.slice(0, 20)) }));
for (const m of c.manuals) console.log('manual', m.file, m.records, m.warnings.slice(0, 5));
