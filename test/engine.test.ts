import { appendFileSync, cpSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../bot/config.js';
import { openEngine } from '../bot/runtime/nodeEngine.js';
import type { DutyEngine } from '../retrieval/engine.js';
import { engineIn, scratch } from './helpers.js';

let dirs: ReturnType<typeof scratch>;
let engine: DutyEngine;

beforeAll(async () => {
  dirs = scratch();
  engine = (await engineIn(dirs)).engine;
});
afterAll(() => dirs.cleanup());

const first = (q: string) => {
  const a = engine.ask(q);
  return { a, top: a.answers[0] };
};

describe('intents', () => {
  it('duty: who is responsible', () => {
    const { a, top } = first('测绘作业证初审归谁管');
    expect(a.intent).toBe('duty');
    expect(top?.lead).toEqual(['王金峰']);
    expect(top?.flow?.codes).toEqual(['9-6-10']);
    expect(a.text).toContain('牵头负责人：王金峰');
    expect(a.text).toContain('来源：001_ae071096d0a343be.txt 第87行');
  });

  it('flow: ordered steps, and the named sub-flow of a several-flow cell', () => {
    const { a, top } = first('违法建设认定的办理流程');
    expect(a.intent).toBe('flow');
    expect(top?.lead).toEqual(['韩山']);
    expect(top?.flow?.steps).toEqual(['受理申请', '前期核实', '上会研究', '出文']);
  });

  it('time limit: states the limit first', () => {
    const { a, top } = first('征收征用报件审查要几个工作日');
    expect(a.intent).toBe('timeLimit');
    expect(top?.timeLimit).toBe('5个工作日');
    expect(a.text.indexOf('时限：5个工作日')).toBeLessThan(a.text.indexOf('牵头负责人'));
  });

  it('person: every row the person leads or assists, complete', () => {
    const a = engine.ask('王金峰负责哪些工作');
    expect(a.intent).toBe('person');
    const mine = engine.allRecords().filter((r) => r.lead.includes('王金峰') || r.assistants.includes('王金峰'));
    expect(a.answers).toHaveLength(mine.length);
    expect(a.answers.length).toBeGreaterThanOrEqual(17);
    expect(a.answers[0]!.lead).toContain('王金峰');
    expect(a.answers.at(-1)!.lead).toEqual(['裴忠孝']);
  });

  it('person: posts held and posts only assisted are told apart', () => {
    const lines = engine.ask('王金峰负责哪些工作').text.split('\n');
    expect(lines.find((l) => l.startsWith('岗位：'))).toBe('岗位：业务岗6：地理国情监测评价和测绘管理岗（山亭区自然资源局）');
    expect(lines.find((l) => l.startsWith('辅助：'))).toBe('辅助：部门领导副职岗位2（山亭区自然资源局）');
    const assistantOnly = engine.ask('秦曾艳负责哪些工作').text.split('\n');
    expect(assistantOnly.find((l) => l.startsWith('岗位：'))).toBe('岗位：（不牵头任何事项）');
    expect(assistantOnly.find((l) => l.startsWith('辅助：'))).toContain('部门领导副职岗位1');
  });

  it('answer text joins duties without doubled punctuation', () => {
    for (const q of ['市局科内全面工作由谁负责', '发文管理谁负责', '谁负责测绘作业证初审?']) {
      const duty = engine.ask(q).text.split('\n').filter((l) => l.includes('职责：'));
      expect(duty.length, q).toBeGreaterThan(0);
      for (const l of duty) expect(l, q).not.toMatch(/[。；;][。；;]/);
    }
  });

  it('person named with a topic: searches only that person rows', () => {
    const { top } = first('宁邕管的政务公开');
    expect(top?.item).toBe('二、政务公开');
  });

  it('leadership: who oversees a section', () => {
    const { a, top } = first('测绘室归哪位领导分管');
    expect(a.intent).toBe('leadership');
    expect(top?.lead).toEqual(['裴忠孝']);
    expect(a.text).toContain('分管');
  });
});

describe('scope', () => {
  it('市局 / 区里 decide between the two manuals', () => {
    expect(first('市局资产负债表由哪个岗位编制').top?.unit).toBe('市自然资源和规划局');
    expect(first('区里资产负债表由谁编制').top?.lead).toEqual(['张会']);
  });

  it('with no scope word, both are answered and labelled', () => {
    const a = engine.ask('资产负债表由哪个岗位编制');
    expect(new Set(a.answers.map((x) => x.scope))).toEqual(new Set(['city', 'district']));
    expect(a.text).toContain('〔市局〕');
    expect(a.text).toContain('〔区局〕');
  });

  it('a named centre narrows to it', () => {
    expect(first('事业发展中心综合业务岗是谁').top?.lead).toEqual(['刘兆青']);
    expect(first('生态修复中心的综合岗是谁').top?.lead).toEqual(['郝娟']);
  });
});

describe('synonyms', () => {
  it('bridges everyday words to the manual words', () => {
    expect(first('盖公章找谁').top?.item).toContain('印章管理');
    expect(first('办护照找谁').top?.item).toContain('因私出国(境)证件');
    expect(engine.ask('征地报卷谁审查').answers.flatMap((a) => a.flow?.codes ?? [])).toContain('12-9-3');
    expect(first('用车找谁').top?.item).toContain('后勤保障');
  });
});

describe('questions the manuals do not cover', () => {
  for (const q of ['明天放假吗', '社保缴费基数怎么调整', '食堂几点开饭', '公积金怎么提取']) {
    it(`${q} → found false, no person named`, () => {
      const a = engine.ask(q);
      expect(a.found).toBe(false);
      expect(a.answers).toEqual([]);
      for (const p of engine.lexicon.persons) expect(a.text).not.toContain(p);
      expect(a.text).toContain('我能回答');
    });
  }

  it('an unknown person is said to be unknown', () => {
    const a = engine.ask('张三是哪个岗位的');
    expect(a.found).toBe(false);
    expect(a.text).toContain('没有名为“张三”的人员');
  });

  it('an empty question is not covered', () => {
    expect(engine.ask('   ').found).toBe(false);
  });
});

describe('answer contract', () => {
  it('has the documented shape', () => {
    const a = engine.ask('谁负责测绘作业证初审?');
    expect(a).toMatchObject({ question: '谁负责测绘作业证初审?', intent: 'duty', found: true });
    expect(a.answers[0]).toMatchObject({
      unit: '山亭区自然资源局',
      department: null,
      post: '业务岗6：地理国情监测评价和测绘管理岗',
      item: '十、测绘作业证初审工作',
      lead: ['王金峰'],
      assistants: ['杜振江'],
      flow: { codes: ['9-6-10'], titles: ['测绘作业证初审工作流程图'], steps: ['受理', '审核', '复核', '转报', '核发', '请示报告'] },
      // "齐全、符合法定形式的，立即受理" is a time limit, printed as such.
      timeLimit: '立即受理',
      source: { file: '001_ae071096d0a343be.txt', line: 87 },
    });
    expect(a.answers[0]!.score).toBeGreaterThan(0);
    expect(a.answers[0]!.score).toBeLessThanOrEqual(1);
  });

  it('answers are ordered best first', () => {
    const a = engine.ask('资产负债表由哪个岗位编制');
    const scores = a.answers.map((x) => x.score);
    expect([...scores].sort((x, y) => y - x)).toEqual(scores);
  });
});

describe('index lifecycle', () => {
  it('re-opening is idempotent and does not rebuild', async () => {
    const again = await engineIn(dirs);
    expect(again.report.rebuilt).toBe(false);
    expect(again.report.records).toBe(engine.allRecords().length);
    again.index.close();
  });

  it('a changed manual is re-indexed when the index is opened; an unstructured one loads as passages', async () => {
    const manuals = join(dirs.seedsDir, 'manuals');
    appendFileSync(
      join(manuals, '002_90b0739c8a746637.txt'),
      '\n7\t业务岗5: 规划信息岗\t一、规划数据统计报送工作\t负责规划数据统计报送。\t1. 报送责任: 按时报送。\t详见07-9\t\n',
    );
    writeFileSync(join(manuals, 'zz_minutes.txt'), '会议纪要\n今天开会。\n');
    const reopened = await engineIn(dirs);
    expect(reopened.report.rebuilt).toBe(true);
    const minutes = reopened.report.manuals.find((m) => m.file === 'zz_minutes.txt')!;
    expect(minutes.error).toBeNull();
    expect(minutes.warnings.join('')).toContain('按段落收录');
    expect(reopened.report.records).toBe(engine.allRecords().length + 1 + minutes.records);
    expect(reopened.engine.allRecords().filter((r) => r.source.file === 'zz_minutes.txt').every((r) => r.kind === 'passage' && r.lead.length === 0)).toBe(true);
    expect(reopened.engine.ask('规划数据统计报送谁负责').answers[0]?.post).toBe('业务岗5：规划信息岗');
    reopened.index.close();
  });
});

describe('a failed reading keeps the working index', () => {
  it('a manual that loaded before and fails now leaves the previous records answering; --strict refuses any failure', async () => {
    const own = scratch();
    try {
      const first = await engineIn(own);
      const count = first.report.records;
      first.index.close();
      // A file that loaded before is emptied (a failed upload or a truncated copy).
      writeFileSync(join(own.seedsDir, 'manuals', '002_90b0739c8a746637.txt'), '');
      const second = await engineIn(own);
      expect(second.report.kept).toContain('002_90b0739c8a746637.txt');
      expect(second.report.records).toBe(count);
      expect(second.engine.allRecords().some((r) => r.source.file === '002_90b0739c8a746637.txt')).toBe(true);
      second.index.close();
      // A new file that fails does not block the others, unless strict.
      cpSync(join(import.meta.dirname, '..', 'seeds', 'manuals', '002_90b0739c8a746637.txt'), join(own.seedsDir, 'manuals', '002_90b0739c8a746637.txt'));
      writeFileSync(join(own.seedsDir, 'manuals', 'zz_empty.txt'), '   \n');
      const third = await engineIn(own);
      expect(third.report.kept).toBeNull();
      const empty = [...third.report.skipped.map((m) => m.reason), ...third.report.manuals.filter((m) => m.file === 'zz_empty.txt').map((m) => m.error ?? '')];
      expect(empty.join('')).toContain('空');
      third.index.close();
      const config = loadConfig({ SEEDS_DIR: own.seedsDir, DATA_DIR: own.dataDir });
      writeFileSync(join(own.seedsDir, 'manuals', 'zz_empty2.txt'), '');
      const strict = await openEngine(config, { strict: true });
      expect(strict.report.kept).toContain('--strict');
      strict.index.close();
    } finally {
      own.cleanup();
    }
  });
});
