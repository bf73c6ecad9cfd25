import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { checkAnswer, parseEvalFile } from '../../retrieval/evaluate.js';
import type { Answer } from '../../retrieval/answer.js';
import type { DutyEngine } from '../../retrieval/engine.js';
import { loadConfig } from '../config.js';
import { openEngine } from '../runtime/nodeEngine.js';

// `npm run eval -- [FILE.jsonl …]`: scores the engine on question files; with none, on every project file.
const DEFAULT_FILES = [
  'test/questions.jsonl',
  'test/questions-colloquial-dev.jsonl',
  'test/questions-colloquial-test.jsonl',
  'test/questions-foreign.jsonl',
];

const named = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const files = named.length > 0 ? named : DEFAULT_FILES.filter((f) => existsSync(f));
for (const f of named) if (!existsSync(f)) throw new Error(`找不到评测文件：${f}`);

type Opened = { engine: DutyEngine; ask: (q: string) => Promise<Answer> };
let shipped: Opened | undefined;
const opened: { close: () => void }[] = [];
const scratchDirs: string[] = [];
/** The shipped seeds' engine, or one over a file's own manuals folder with a throwaway index. */
async function engineFor(manuals: string | null): Promise<Opened> {
  if (manuals === null && shipped) return shipped;
  let config = loadConfig();
  if (manuals !== null) {
    const dir = mkdtempSync(join(tmpdir(), 'gzt-eval-'));
    scratchDirs.push(dir);
    config = loadConfig({ ...process.env, MANUALS_DIR: resolve(manuals), DATA_DIR: dir });
  }
  const { engine, index, answerer } = await openEngine(config, {
    force: manuals !== null,
    log: (event, detail) => console.error(`${event === 'down' ? '⚠ 向量服务不可用' : '向量服务已恢复'}：${detail}`),
  });
  opened.push(index);
  const out = { engine, ask: (q: string) => answerer.ask(q) };
  if (manuals === null) shipped = out;
  return out;
}

let passed = 0;
let failed = 0;
const perFile: string[] = [];
try {
  for (const file of files) {
    const { manuals, cases } = parseEvalFile(readFileSync(file, 'utf8'));
    const { engine, ask } = await engineFor(manuals);
    let ok = 0;
    let bad = 0;
    for (const c of cases) {
      const fails = checkAnswer(c, await ask(c.q), engine.persons);
      if (fails.length === 0) ok++;
      else {
        bad++;
        console.log(`✗ ${file} ${c.id} ${c.q}\n    ${fails.join('\n    ')}`);
      }
    }
    perFile.push(`${file}${manuals ? `（手册：${manuals}）` : ''}: ${ok} passed, ${bad} failed`);
    passed += ok;
    failed += bad;
  }
} finally {
  for (const i of opened) i.close();
  for (const d of scratchDirs) rmSync(d, { recursive: true, force: true });
}
for (const line of perFile) console.log(line);
console.log(`eval: ${passed} passed, ${failed} failed`);
process.exitCode = failed > 0 ? 1 : 0;
