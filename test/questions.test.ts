import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkAnswer, parseCases } from '../retrieval/evaluate.js';
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
});
