import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { askerUnits, checkAnswer, parseCases, parseEvalFile, unknownAskers } from '../retrieval/evaluate.js';
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
      manuals: ['test/fixtures/foreign'],
      cases: [{ id: 'a', q: '谁分管测绘室', expect: {} }],
      lines: [2],
    });
    expect(parseEvalFile(`${q}\n`).manuals).toBeNull();
    expect(() => parseEvalFile(`${q}\n{"manuals": "x"}\n`)).toThrow('第2行');
    expect(() => parseEvalFile('{"id":"b","expect":{}}\n')).toThrow('第1行');
    expect(() => parseEvalFile('{"id":"c","q":"x"}\n')).toThrow('缺少 id、q 或 expect');
  });

  it('takes several manuals folders in the header as one deployment', () => {
    const q = '{"id":"a","q":"谁分管测绘室","expect":{}}';
    expect(parseEvalFile(`{"manuals": ["seeds/manuals", "test/fixtures/foreign"]}\n${q}\n`).manuals).toEqual(['seeds/manuals', 'test/fixtures/foreign']);
    expect(() => parseEvalFile(`{"manuals": []}\n${q}\n`)).toThrow('第1行');
    expect(() => parseEvalFile(`{"manuals": ["a", 3]}\n${q}\n`)).toThrow('第1行');
  });

  it('reads who asks, and names the line of an asker unit the manuals do not hold', () => {
    const file = parseEvalFile(
      [
        '{"manuals": ["a", "b"]}',
        '{"id":"x1","q":"谁负责测绘","as":"甲县自然资源局","expect":{}}',
        '',
        '{"id":"x2","q":"谁负责测绘","as":["甲县自然资源局","乙县不动产登记中心"],"expect":{}}',
        '{"id":"x3","q":"谁负责测绘","expect":{}}',
      ].join('\n'),
    );
    expect(file.cases.map(askerUnits)).toEqual([['甲县自然资源局'], ['甲县自然资源局', '乙县不动产登记中心'], []]);
    expect(file.lines).toEqual([2, 4, 5]);
    expect(unknownAskers(file, (u) => u.startsWith('甲'))).toEqual(['第4行（x2）：as 中的单位不在手册中：乙县不动产登记中心']);
    expect(unknownAskers(file, () => true)).toEqual([]);
    expect(() => parseEvalFile('{"id":"y","q":"x","as":"","expect":{}}\n')).toThrow('第1行的 as');
    expect(() => parseEvalFile('{"id":"y","q":"x","as":[],"expect":{}}\n')).toThrow('第1行的 as');
    expect(() => parseEvalFile('{"id":"y","q":"x","as":7,"expect":{}}\n')).toThrow('第1行的 as');
  });

  it('checks askers against the units the engine has loaded', () => {
    const names = engine().directory.units;
    const file = parseEvalFile(`{"id":"u","q":"谁负责测绘作业证初审","as":${JSON.stringify(names[0])},"expect":{}}\n{"id":"v","q":"x","as":"不存在的单位","expect":{}}\n`);
    expect(unknownAskers(file, (u) => engine().directory.has(u))).toEqual(['第2行（v）：as 中的单位不在手册中：不存在的单位']);
  });
});
