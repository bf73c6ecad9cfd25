import { describe, expect, it } from 'vitest';
import { parseCorpus } from '../ingest/parseManual.js';
import { inferredParents } from '../ingest/unitLinks.js';
import { Catalogue } from '../retrieval/catalogue.js';
import { Directory } from '../retrieval/directory.js';

const unit = (name: string, parent: string | null = null) => ({ unit: name, parent });

describe('parents read from unit names across the corpus', () => {
  it('links a centre, station or team to the one bureau of its innermost place', () => {
    const parents = inferredParents([
      unit('甲县自然资源局'),
      unit('甲县不动产登记中心'),
      unit('甲县乙镇自然资源所'),
      unit('丙市自然资源和规划局'),
      unit('丙市自然资源综合执法大队'),
      unit('丙市丁区自然资源局'),
      unit('丙市丁区测绘队'),
    ]);
    expect(parents.get('甲县不动产登记中心')).toBe('甲县自然资源局');
    expect(parents.get('甲县乙镇自然资源所')).toBe('甲县自然资源局');
    expect(parents.get('丙市自然资源综合执法大队')).toBe('丙市自然资源和规划局');
    expect(parents.get('丙市丁区测绘队')).toBe('丙市丁区自然资源局');
    // Bureaus themselves are not made children of another bureau by name.
    expect(parents.has('丙市丁区自然资源局')).toBe(false);
    expect(parents.has('甲县自然资源局')).toBe(false);
  });

  it('keeps stated parents, links nothing where a place has two bureaus, and leaves governments alone', () => {
    const parents = inferredParents([
      unit('甲县自然资源局'),
      unit('甲县林业局'),
      unit('甲县测绘中心'),
      unit('戊县自然资源局'),
      unit('戊县不动产登记中心', '戊县人民政府'),
      unit('戊县人民政府'),
      unit('戊县己镇人民政府'),
    ]);
    expect(parents.has('甲县测绘中心')).toBe(false);
    expect(parents.has('戊县不动产登记中心')).toBe(false);
    expect(parents.has('戊县人民政府')).toBe(false);
    expect(parents.has('戊县己镇人民政府')).toBe(false);
  });
});

describe('parents in a corpus of separate documents', () => {
  const bureau = ['庚县自然资源局岗位职责清单', '', '岗位名称：耕地保护岗', '岗位职责：负责耕地保护监督检查。', '任职人员：甘一', ''].join('\n');
  const centre = ['庚县不动产登记中心岗位职责清单', '', '岗位名称：登记受理岗', '岗位职责：负责不动产登记申请受理。', '任职人员：甘二', ''].join('\n');
  const station = ['辛镇自然资源所岗位说明书', '', '上级单位：庚县自然资源局', '', '岗位名称：所长', '岗位职责：负责宅基地审批审核。', '任职人员：甘三', ''].join('\n');

  it('links each document’s unit to its bureau, from its name or from a line stating the parent, so a bureau’s staff see its centres', () => {
    const corpus = parseCorpus([
      { file: 'a.txt', text: bureau },
      { file: 'b.txt', text: centre },
      { file: 'c.txt', text: station },
    ]);
    expect(corpus.errors).toEqual([]);
    const parentOf = (u: string) => corpus.records.find((r) => r.unit === u)?.parentUnit;
    expect(parentOf('庚县不动产登记中心')).toBe('庚县自然资源局');
    expect(parentOf('辛镇自然资源所')).toBe('庚县自然资源局');
    expect(corpus.units.find((u) => u.unit === '庚县不动产登记中心')?.parent).toBe('庚县自然资源局');
    const dir = new Directory(Catalogue.fromRecords(corpus.records), corpus.units);
    expect([...dir.expand(['庚县自然资源局'])].sort()).toEqual(['庚县不动产登记中心', '庚县自然资源局', '辛镇自然资源所'].sort());
  });
});
