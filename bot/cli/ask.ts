import { createInterface } from 'node:readline';
import { corpusExamples } from '../../retrieval/examples.js';
import { loadConfig } from '../config.js';
import { openEngine } from '../runtime/nodeEngine.js';

const args = process.argv.slice(2);
const json = args.includes('--json');
const jsonl = args.includes('--jsonl');
// --unit 单位全称 (repeatable, or --unit=…): asked as a chat bound to that unit would ask.
const units: string[] = [];
const rest: string[] = [];
for (let i = 0; i < args.length; i++) {
  const a = args[i]!;
  if (a === '--unit') {
    const u = args[++i];
    if (!u) {
      console.error('--unit 后面应写单位全称');
      process.exit(2);
    }
    units.push(u);
  } else if (a.startsWith('--unit=')) units.push(a.slice('--unit='.length));
  else if (!a.startsWith('--')) rest.push(a);
}
const question = rest.join(' ');
const { answerer: base, engine } = await openEngine(loadConfig(), { log: (event, detail) => console.error(event === 'down' ? `⚠ 向量服务不可用，暂用全文检索：${detail}` : `向量服务已恢复：${detail}`) });
const unknown = units.filter((u) => !engine.directory.has(u));
if (unknown.length > 0) {
  console.error(`单位不在手册中：${unknown.join('、')}。手册中的单位：${engine.directory.units.join('、')}`);
  process.exit(2);
}
const ctx = units.length > 0 ? { units } : undefined;
const answerer = { ask: (q: string) => base.ask(q, ctx) };

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
