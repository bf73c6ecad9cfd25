import { readFileSync } from 'node:fs';
import { checkAnswer, parseCases } from '../../retrieval/evaluate.js';
import { loadConfig } from '../config.js';
import { openEngineAsync } from '../runtime/nodeEngine.js';

const file = process.argv.slice(2).find((a) => !a.startsWith('--')) ?? 'test/questions.jsonl';
const cases = parseCases(readFileSync(file, 'utf8'));
const { engine, answerer } = await openEngineAsync(loadConfig(), { log: (event, detail) => console.error(`${event === 'down' ? '⚠ 向量服务不可用' : '向量服务已恢复'}：${detail}`) });
let passed = 0;
let failed = 0;
for (const c of cases) {
  const answer = await answerer.ask(c.q);
  const fails = checkAnswer(c, answer, engine.lexicon.persons);
  if (fails.length === 0) passed++;
  else {
    failed++;
    console.log(`✗ ${c.id} ${c.q}\n    ${fails.join('\n    ')}`);
  }
}
console.log(`eval: ${passed} passed, ${failed} failed`);
process.exitCode = failed > 0 ? 1 : 0;
