import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkAnswer, parseCases, parseEvalFile } from '../retrieval/evaluate.js';
import { useEngine } from './helpers.js';

const cases = parseCases(readFileSync(join(import.meta.dirname, 'questions.jsonl'), 'utf8'));
const engine = useEngine();

describe('the project question file (npm run eval)', () => {
  for (const c of cases) {
    it(`${c.id} ${c.q}`, () => {
      expect(checkAnswer(c, engine().ask(c.q), engine().lexicon.persons)).toEqual([]);
    });
  }
});

describe('the scorer itself', () => {
  it('fails a wrong lead, a wrong flow and a named person in a not-covered answer', () => {
    const a = engine().ask('谁负责测绘作业证初审');
    expect(checkAnswer({ id: 'x', q: '', expect: { lead: ['李四'] } }, a, [])).toHaveLength(1);
    expect(checkAnswer({ id: 'x', q: '', expect: { flow: '1-1' } }, a, [])).toHaveLength(1);
    expect(checkAnswer({ id: 'x', q: '', expect: { steps: ['核发', '受理'] } }, a, [])).toHaveLength(1);
    const fake = { ...a, found: false, answers: [] };
    expect(checkAnswer({ id: 'x', q: '', expect: { found: false } }, fake, ['王金峰'])).toHaveLength(1);
  });

  it('reads a manuals header only as the first line, and refuses lines that are not questions', () => {
    const q = '{"id":"a","q":"谁分管测绘室","expect":{}}';
    expect(parseEvalFile(`{"manuals": "test/fixtures/foreign"}\n${q}\n`)).toEqual({
      manuals: 'test/fixtures/foreign',
      cases: [{ id: 'a', q: '谁分管测绘室', expect: {} }],
    });
    expect(parseEvalFile(`${q}\n`).manuals).toBeNull();
    expect(() => parseEvalFile(`${q}\n{"manuals": "x"}\n`)).toThrow('第2行');
    expect(() => parseEvalFile('{"id":"b","expect":{}}\n')).toThrow('第1行');
    expect(() => parseEvalFile('{"id":"c","q":"x"}\n')).toThrow('缺少 id、q 或 expect');
  });
});
