import { execFileSync, spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../config.js';
import { openEngine } from '../runtime/nodeEngine.js';
import { type BureauQuestion, bureauQuestions, type SynthBureau, synthBureaus } from './synthBureaus.js';
import { serverUrl } from './benchWebhook.js';
import { percentile } from './percentile.js';

/**
 * `npm run bench -- --bureaus 1,10,100,320`: the shipped manuals plus (n − 1) synthetic copies of the
 * district manual under new unit and person names. Per size, in child processes so sizes do not share a
 * heap: ingest (time, index size), then a fresh open as `npm start` does (open time, answer latency for
 * a question inside the asker's unit and one across all units, cold and warm, peak RSS, and per-bureau
 * correctness of the fixed question list).
 */

export interface IngestFigures {
  records: number;
  ingestMs: number;
  /** CPU seconds (user + system) the ingest took: less sensitive than wall time to other load on the machine. */
  ingestCpuS: number;
  indexMb: number;
}

export interface StartFigures {
  /** From spawning `npm start`'s bundle on the built index to its listening. */
  readyMs: number;
  /** Peak RSS of that process after answering questions over HTTP. */
  rssMb: number;
  answered: number;
}

export interface ServeFigures {
  openMs: number;
  inUnit: { coldP50: number; coldP95: number; p50: number; p95: number; rotateP50: number; rotateP95: number };
  crossUnit: { coldP50: number; coldP95: number; p50: number; p95: number };
  correct: number;
  asked: number;
  failures: string[];
  rssMb: number;
}


/** The shipped district manual: the grouped-post table layout with a unit hierarchy (centres under a bureau). */
export function districtManual(manualsDir: string): { file: string; text: string } {
  const files = readdirSync(manualsDir).filter((f) => /\.txt$/.test(f)).sort();
  const file = files.find((f) => f.startsWith('001_')) ?? files[0];
  if (!file) throw new Error(`${manualsDir}: 没有文本手册`);
  return { file, text: readFileSync(join(manualsDir, file), 'utf8') };
}

/** Writes the corpus of one size: the shipped manuals and n − 1 synthetic bureaus (returned, with their questions). */
export function writeCorpus(dir: string, seedsManuals: string, n: number): SynthBureau[] {
  mkdirSync(dir, { recursive: true });
  for (const f of readdirSync(seedsManuals)) copyFileSync(join(seedsManuals, f), join(dir, f));
  const bureaus = synthBureaus(Math.max(0, n - 1), districtManual(seedsManuals), { first: 2 });
  for (const b of bureaus) writeFileSync(join(dir, b.file), b.text);
  return bureaus;
}

function runChild(args: string[]): Promise<unknown> {
  const self = fileURLToPath(import.meta.url);
  const heap = (JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: { start: string } }).scripts.start.match(/--max-old-space-size=\d+/)?.[0];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...(heap && args[0] === 'serve' ? [heap] : []), '--import', 'tsx', self, '--child', ...args], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.on('exit', (code) => {
      const line = out.trim().split('\n').pop() ?? '';
      if (code !== 0) reject(new Error(`bench child ${args.join(' ')} exited ${code}: ${out}`));
      else resolve(JSON.parse(line));
    });
  });
}

async function childIngest(dir: string): Promise<IngestFigures> {
  const config = loadConfig({ ...process.env, DATA_DIR: join(dir, 'data'), MANUALS_DIR: join(dir, 'manuals'), EMBEDDINGS_PROVIDER: 'local' });
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const { index, report } = await openEngine(config, { force: true });
  const ingestMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  index.close();
  const data = join(dir, 'data');
  const bytes = readdirSync(data).filter((f) => f.startsWith('gangzetong.db')).reduce((s, f) => s + statSync(join(data, f)).size, 0);
  return { records: report.records, ingestMs, ingestCpuS: (cpu.user + cpu.system) / 1e6, indexMb: bytes / 1e6 };
}

async function childServe(dir: string, n: number): Promise<ServeFigures> {
  const config = loadConfig({ ...process.env, DATA_DIR: join(dir, 'data'), MANUALS_DIR: join(dir, 'manuals'), EMBEDDINGS_PROVIDER: 'local' });
  const t0 = performance.now();
  const { engine, index } = await openEngine(config);
  const openMs = performance.now() - t0;
  const manual = districtManual(join(dir, 'manuals'));
  // The same copies the corpus was written with, so the expected names are theirs; the shipped bureau asks its own list.
  const bureaus = synthBureaus(Math.max(0, n - 1), manual, { first: 2 });
  const shipped = engine.recordsOfFile(manual.file);
  const shippedTop = shipped.find((r) => r.parentUnit === null)?.unit ?? shipped[0]?.unit;
  const lists: BureauQuestion[][] = [shippedTop ? bureauQuestions(shipped, shippedTop) : [], ...bureaus.map((b) => b.questions)];
  const ask = (q: BureauQuestion) => engine.ask(q.question, q.units ? { units: q.units } : {});

  // Timed: one in-unit question per bureau in turn (cold: the first 100), and cross-unit questions (no unit).
  const inUnit = lists.map((l) => l.find((q) => q.units)).filter((q): q is BureauQuestion => !!q);
  const cross = [...new Set(inUnit.map((q) => q.question))];
  const time = (qs: { question: string; units?: string[] }[], rounds: number) => {
    const out: number[] = [];
    for (let i = 0; i < rounds; i++) {
      const q = qs[i % qs.length]!;
      const s = performance.now();
      engine.ask(q.question, q.units ? { units: q.units } : {});
      out.push(performance.now() - s);
    }
    return out;
  };
  const inCold = time(inUnit, Math.min(100, inUnit.length));
  const crossCold = time(cross.map((question) => ({ question })), Math.min(100, cross.length));
  // Correctness over every bureau's list (also warms every bureau).
  let correct = 0;
  let asked = 0;
  const failures: string[] = [];
  for (const list of lists) {
    for (const q of list) {
      asked++;
      const a = ask(q);
      const first = a.answers[0];
      if (first && first.unit === q.expect.unit && q.expect.lead.some((p) => first.lead.includes(p))) correct++;
      else if (failures.length < 10) failures.push(`${q.units ? `[${q.units.join(',')}] ` : ''}${q.question} → ${first ? `${first.unit} ${first.lead.join('、')}` : '无回答'}（应为 ${q.expect.unit} ${q.expect.lead.join('、')}）`);
    }
  }
  // Warm: the same 50 bureaus asking again and again (a working set the caches hold); rotating: every bureau in turn.
  const inWarm = time(inUnit.slice(0, 50), 2000);
  const inRotate = time(inUnit, Math.max(1000, inUnit.length));
  const crossWarm = time(cross.map((question) => ({ question })), 500);
  const rssMb = process.resourceUsage().maxRSS / 1024;
  index.close();
  return {
    openMs,
    inUnit: { coldP50: percentile(inCold, 50), coldP95: percentile(inCold, 95), p50: percentile(inWarm, 50), p95: percentile(inWarm, 95), rotateP50: percentile(inRotate, 50), rotateP95: percentile(inRotate, 95) },
    crossUnit: { coldP50: percentile(crossCold, 50), coldP95: percentile(crossCold, 95), p50: percentile(crossWarm, 50), p95: percentile(crossWarm, 95) },
    correct,
    asked,
    failures,
    rssMb,
  };
}

/**
 * `npm start` as shipped (the esbuild bundle on plain node with the heap cap of package.json) on the index
 * just built: time to listening, then questions over HTTP naming bureaus and naming none, then its peak RSS.
 */
async function startServer(dir: string, n: number): Promise<StartFigures> {
  const start = (JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: { start: string } }).scripts.start;
  const flags = start.match(/node ((?:--\S+ )*)dist\/serve\.mjs/)?.[1]?.trim().split(' ').filter(Boolean) ?? [];
  const t0 = performance.now();
  const child = spawn(process.execPath, [...flags, 'dist/serve.mjs'], {
    env: { ...process.env, DATA_DIR: join(dir, 'data'), MANUALS_DIR: join(dir, 'manuals'), EMBEDDINGS_PROVIDER: 'local', PORT: '0', HOST: '127.0.0.1', RATE_LIMIT_PER_SECOND: '100000', RATE_LIMIT_BURST: '100000' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let err = '';
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  try {
    const url = await serverUrl(child, () => err);
    const readyMs = performance.now() - t0;
    const manual = districtManual(join(dir, 'manuals'));
    const bureaus = synthBureaus(Math.max(0, n - 1), manual, { first: 2 });
    const questions = bureaus.flatMap((b) => b.questions.filter((q) => !q.units).map((q) => q.question)).slice(0, 300);
    questions.push('谁负责预算管理和绩效评价管理', '谁分管执法大队');
    let answered = 0;
    for (const question of questions) {
      const res = await fetch(`${url}/api/ask`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ question }) });
      if (res.ok) answered++;
      await res.arrayBuffer();
    }
    const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
    const hwm = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0);
    return { readyMs, rssMb: hwm / 1024, answered };
  } finally {
    child.kill('SIGTERM');
  }
}

export async function scaleBench(sizes: number[], seedsManuals: string): Promise<void> {
  execFileSync('npm', ['run', 'build', '--silent'], { stdio: 'inherit' });
  const head = ['bureaus', 'records', 'ingest (cpu)', 'index', 'open', 'in-unit cold p50/p95', 'in-unit warm p50/p95', 'in-unit all bureaus in turn p50/p95', 'cross cold p50/p95', 'cross p50/p95', 'RSS', 'correct', 'npm start: ready / RSS'];
  console.log(head.join(' | '));
  const ms = (x: number) => (x < 10 ? x.toFixed(2) : x.toFixed(0));
  for (const n of sizes) {
    const dir = mkdtempSync(join(tmpdir(), `gzt-scale-${n}-`));
    try {
      writeCorpus(join(dir, 'manuals'), seedsManuals, n);
      const ing = (await runChild(['ingest', dir])) as IngestFigures;
      const s = (await runChild(['serve', dir, String(n)])) as ServeFigures;
      const st = await startServer(dir, n);
      console.log(
        [
          n,
          ing.records,
          `${(ing.ingestMs / 1000).toFixed(2)} s (${ing.ingestCpuS.toFixed(1)} s)`,
          `${ing.indexMb.toFixed(1)} MB`,
          `${ms(s.openMs)} ms`,
          `${ms(s.inUnit.coldP50)} / ${ms(s.inUnit.coldP95)} ms`,
          `${ms(s.inUnit.p50)} / ${ms(s.inUnit.p95)} ms`,
          `${ms(s.inUnit.rotateP50)} / ${ms(s.inUnit.rotateP95)} ms`,
          `${ms(s.crossUnit.coldP50)} / ${ms(s.crossUnit.coldP95)} ms`,
          `${ms(s.crossUnit.p50)} / ${ms(s.crossUnit.p95)} ms`,
          `${s.rssMb.toFixed(0)} MB`,
          `${s.correct}/${s.asked}`,
          `${st.readyMs.toFixed(0)} ms / ${st.rssMb.toFixed(0)} MB${st.answered === 0 ? ' (无回答)' : ''}`,
        ].join(' | '),
      );
      for (const f of s.failures) console.log(`  ✗ ${f}`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
}

if (process.argv[2] === '--child') {
  const [, , , kind, dir, n] = process.argv;
  const out = kind === 'ingest' ? await childIngest(dir!) : await childServe(dir!, Number(n));
  console.log(JSON.stringify(out));
}
