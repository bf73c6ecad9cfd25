import { createInterface } from 'node:readline';
import { corpusExamples } from '../../retrieval/examples.js';
import { loadConfig } from '../config.js';
import { openEngine } from '../runtime/nodeEngine.js';

const args = process.argv.slice(2);
const json = args.includes('--json');
const jsonl = args.includes('--jsonl');
const question = args.filter((a) => !a.startsWith('--')).join(' ');
const { answerer, engine } = await openEngine(loadConfig(), { log: (event, detail) => console.error(event === 'down' ? `⚠ 向量服务不可用，暂用全文检索：${detail}` : `向量服务已恢复：${detail}`) });

if (jsonl) {
  const rl = createInterface({ input: process.stdin });
  for await (const line of rl) {
    if (!line.trim()) continue;
    let q = line;
    try {
      const parsed = JSON.parse(line) as unknown;
      if (typeof parsed === 'string') q = parsed;
      else if (parsed && typeof parsed === 'object' && 'q' in parsed) q = String((parsed as { q: unknown }).q);
      else if (parsed && typeof parsed === 'object' && 'question' in parsed) q = String((parsed as { question: unknown }).question);
    } catch {
      // a plain question per line
    }
    process.stdout.write(`${JSON.stringify(await answerer.ask(q))}\n`);
  }
} else if (question) {
  const answer = await answerer.ask(question);
  process.stdout.write(json ? `${JSON.stringify(answer, null, 2)}\n` : `${answer.text}\n`);
} else {
  const rl = createInterface({ input: process.stdin, output: process.stdout, prompt: '问> ' });
  console.log(`岗责通：输入问题，如“谁负责${corpusExamples(engine.sampleRecords()).item}”；空行或 Ctrl+D 退出。`);
  rl.prompt();
  for await (const line of rl) {
    if (!line.trim()) break;
    console.log(`${(await answerer.ask(line)).text}\n`);
    rl.prompt();
  }
  rl.close();
}
