import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { askerUnits, checkAnswer, parseEvalFile, unknownAskers } from '../../retrieval/evaluate.js';
import type { AskContext } from '../../retrieval/askService.js';
import type { Answer } from '../../retrieval/answer.js';
import type { DutyEngine } from '../../retrieval/engine.js';
import { loadConfig } from '../config.js';
import { openEngine } from '../runtime/nodeEngine.js';
import type { LlmEvent } from '../../retrieval/llm/answerer.js';
import { percentile } from './percentile.js';

// `npm run eval -- [FILE.jsonl …]`: scores the engine on question files; with none, on every project file.
const DEFAULT_FILES = [
  'test/questions.jsonl',
  'test/questions-colloquial-dev.jsonl',
  'test/questions-colloquial-test.jsonl',
  'test/questions-foreign.jsonl',
  'test/questions-foreign2-dev.jsonl',
  'test/questions-foreign2-test.jsonl',
  'test/questions-province-dev.jsonl',
  'test/questions-province-test.jsonl',
  'test/questions-foreign3-dev.jsonl',
  'test/questions-foreign3-test.jsonl',
];

const named = process.argv.slice(2).filter((a) => !a.startsWith('--'));
// --llm: through the configured model (LLM_*), with accuracy, guard decisions and latency per stage.
const withLlm = process.argv.includes('--llm');
const baseConfig = loadConfig();
if (withLlm && !baseConfig.llm) {
  console.error('--llm 需要大模型：请设置 LLM_MODE=assist 或 compose，以及 LLM_BASE_URL、LLM_MODEL（见 README）');
  process.exit(2);
}
const events: LlmEvent[] = [];
const stageMs: Record<string, number[]> = { engine: [], assist: [], compose: [], total: [] };
const files = named.length > 0 ? named : DEFAULT_FILES.filter((f) => existsSync(f));
for (const f of named) if (!existsSync(f)) throw new Error(`找不到评测文件：${f}`);

type Opened = { engine: DutyEngine; ask: (q: string, ctx?: AskContext) => Promise<Answer> };
let shipped: Opened | undefined;
const opened: { close: () => void }[] = [];
const scratchDirs: string[] = [];

/** Every file of the folders in one scratch folder: one deployment holding them all (file names must not clash). */
function combine(folders: string[], dir: string): string {
  const out = join(dir, 'manuals');
  mkdirSync(out);
  const from = new Map<string, string>();
  for (const folder of folders) {
    if (!existsSync(folder)) throw new Error(`找不到手册目录：${folder}`);
    for (const f of readdirSync(folder)) {
      const path = join(folder, f);
      if (!statSync(path).isFile() || /^readme(\.md)?$/i.test(f)) continue;
      if (from.has(f)) throw new Error(`手册目录 ${from.get(f)} 和 ${folder} 都有文件 ${f}`);
      from.set(f, folder);
      copyFileSync(path, join(out, f));
    }
  }
  return out;
}

/** The shipped seeds' engine, or one over a file's own manuals folders with a throwaway index. */
async function engineFor(manuals: string[] | null): Promise<Opened> {
  if (manuals === null && shipped) return shipped;
  let config = baseConfig;
  if (manuals !== null) {
    const dir = mkdtempSync(join(tmpdir(), 'gzt-eval-'));
    scratchDirs.push(dir);
    config = loadConfig({ ...process.env, MANUALS_DIR: manuals.length === 1 ? resolve(manuals[0]!) : combine(manuals, dir), DATA_DIR: dir });
  }
  const { engine, index, answerer } = await openEngine(config, {
    force: manuals !== null,
    log: (event, detail) => console.error(`${event === 'down' ? '⚠ 向量服务不可用' : '向量服务已恢复'}：${detail}`),
  });
  opened.push(index);
  let ask = (q: string, ctx?: AskContext) => answerer.ask(q, ctx);
  if (withLlm && config.llm) {
    const s = config.llm;
    const { LlmAnswerer } = await import('../../retrieval/llm/answerer.js');
    const { chatModel } = await import('../../retrieval/llm/model.js');
    const timed = { ask: async (q: string, ctx?: AskContext) => { const t = performance.now(); const a = await answerer.ask(q, ctx); stageMs.engine!.push(performance.now() - t); return a; } };
    const llm = new LlmAnswerer(timed, { engine, model: chatModel(s), settings: s, onEvent: (e) => { events.push(e); if (e.outcome !== 'skipped') stageMs[e.stage]?.push(e.ms); } });
    ask = async (q: string, ctx?: AskContext) => {
      const t = performance.now();
      const a = await llm.ask(q, ctx);
      // Compose runs as in the chat (its text is not scored: the facts shown are the answer's rows).
      if (s.mode === 'compose' && a.found && a.intent !== 'person') await llm.compose(a);
      stageMs.total!.push(performance.now() - t);
      return a;
    };
  }
  const out = { engine, ask };
  if (manuals === null) shipped = out;
  return out;
}

let passed = 0;
let failed = 0;
let invalidFiles = 0;
const perFile: string[] = [];
try {
  for (const file of files) {
    const parsed = parseEvalFile(readFileSync(file, 'utf8'));
    const { manuals, cases } = parsed;
    const { engine, ask } = await engineFor(manuals);
    // An asker's unit the manuals do not hold is a mistake in the file, not a question asked by no one.
    const unknown = unknownAskers(parsed, (u) => engine.directory.has(u));
    if (unknown.length > 0) {
      console.error(`✗ ${file}：as 写的单位不在手册中（应为单位全称，见 /units），此文件未评测：\n  ${unknown.join('\n  ')}`);
      perFile.push(`${file}: 未评测（as 中的单位不在手册中）`);
      invalidFiles++;
      continue;
    }
    let ok = 0;
    let bad = 0;
    for (const c of cases) {
      const units = askerUnits(c);
      const fails = checkAnswer(c, await ask(c.q, units.length > 0 ? { units } : undefined), engine.persons);
      if (fails.length === 0) ok++;
      else {
        bad++;
        console.log(`✗ ${file} ${c.id} ${units.length > 0 ? `〔${units.join('、')}〕` : ''}${c.q}\n    ${fails.join('\n    ')}`);
      }
    }
    perFile.push(`${file}${manuals ? `（手册：${manuals.join(' + ')}）` : ''}: ${ok} passed, ${bad} failed`);
    passed += ok;
    failed += bad;
  }
} finally {
  for (const i of opened) i.close();
  for (const d of scratchDirs) rmSync(d, { recursive: true, force: true });
}
for (const line of perFile) console.log(line);
console.log(`eval: ${passed} passed, ${failed} failed`);
if (withLlm) {
  const total = passed + failed;
  console.log(`\n大模型（${baseConfig.llm!.mode}，${baseConfig.llm!.model}）：准确率 ${total ? ((passed / total) * 100).toFixed(1) : '0'}%（${passed}/${total}）`);
  for (const stage of ['assist', 'compose'] as const) {
    const list = events.filter((e) => e.stage === stage);
    if (list.length === 0) continue;
    const by = (o: LlmEvent['outcome']) => list.filter((e) => e.outcome === o).length;
    console.log(`  ${stage}：${list.length} 次；采用 ${by('accepted')}，无答案 ${by('none')}，核对未通过 ${by('rejected')}，超时 ${by('timeout')}，出错 ${by('error')}，熔断跳过 ${by('skipped')}`);
    const kinds = new Map<string, number>();
    for (const e of list) if (e.violation) kinds.set(e.violation.kind, (kinds.get(e.violation.kind) ?? 0) + 1);
    if (kinds.size > 0) console.log(`    未通过核对：${[...kinds].map(([k, n]) => `${k} ${n}`).join('，')}`);
    for (const e of list.filter((x) => x.violation).slice(0, 5)) console.log(`    · ${e.question}：${e.violation!.kind}「${e.violation!.span}」`);
  }
  for (const [stage, xs] of Object.entries(stageMs)) if (xs.length > 0) console.log(`  ${stage.padEnd(8)} p50 ${percentile(xs, 50).toFixed(1)} ms  p95 ${percentile(xs, 95).toFixed(1)} ms（${xs.length} 次）`);
}
process.exitCode = invalidFiles > 0 ? 2 : failed > 0 ? 1 : 0;
