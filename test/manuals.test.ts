import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseArrowFlow } from '../ingest/arrowFlow.js';
import { alignCharts, chartLabels, titleCore } from '../ingest/flowCharts.js';
import { readManuals } from '../ingest/node/readManuals.js';
import { parseCorpus, parseManual } from '../ingest/parseManual.js';
import type { DutyRecord } from '../ingest/record.js';
import { ManualParseError } from '../ingest/record.js';

const fixture = (name: string) => readFileSync(join(import.meta.dirname, 'fixtures', name), 'utf8');
const byItem = (records: DutyRecord[], item: string) => {
  const r = records.find((x) => x.item.includes(item));
  if (!r) throw new Error(`no record for ${item}`);
  return r;
};

describe('district manual excerpt (bureau layout with person columns)', () => {
  const { records, warnings } = parseManual('district.txt', fixture('district-excerpt.txt'));

  it('repeated headers at page breaks are not rows', () => {
    expect(records.some((r) => r.item.includes('工作事项') || r.post === '岗位名称')).toBe(false);
  });

  it('an ordinal restarting at 一、 starts the next post, whose name is printed on a later row', () => {
    expect(byItem(records, '各级收文及公文督办').post).toBe('业务岗2：公文及日常政务岗');
    expect(byItem(records, '各级收文及公文督办').postNo).toBe('5');
    expect(byItem(records, '固定资产管理').post).toBe('业务岗1：财务岗');
  });

  it('continuation rows keep their post and shifted person columns are read', () => {
    const shifted = byItem(records, '自然资源有偿使用制度建设');
    expect(shifted.lead).toEqual(['张会']);
    expect(shifted.assistants).toEqual(['李敬翰']);
    expect(shifted.flow?.codes).toEqual(['11-8-5']);
    expect(byItem(records, '自然资源市场交易和调控工作').lead).toEqual(['张会']);
  });

  it('rows with no names inherit the post people, marked as inherited', () => {
    const r = byItem(records, '四、资产管理工作');
    expect(r.lead).toEqual(['张会']);
    expect(r.assistants).toEqual(['李敬翰']);
    expect(r.peopleInherited).toBe(true);
    expect(byItem(records, '自然资源资产核算工作').peopleInherited).toBe(false);
  });

  it('several codes per row, titles from the chart section (code before title)', () => {
    const r = byItem(records, '预算管理和绩效评价管理');
    expect(r.flow?.codes).toEqual(['4-1-1-1', '4-1-1-2']);
    expect(r.flow?.titles).toEqual(['预算编制流程图', '非税收入征收管理流程图']);
  });

  it('repairs "workflows 图" titles and warns about charts with no row', () => {
    expect(byItem(records, '会计核算和出纳管理').flow?.titles).toContain('出纳管理流程图');
    expect(warnings.some((w) => w.includes('10-9-3'))).toBe(true);
  });
});

describe('city section manual excerpt (no person columns)', () => {
  const { records } = parseManual('city.txt', fixture('city-ownership-excerpt.txt'));

  it('takes the unit from the title and the department from 内设机构名称', () => {
    expect(records[0]!.unit).toBe('市自然资源和规划局');
    expect(records[0]!.department).toBe('自然资源所有者权益和开发利用科');
    expect(records.every((r) => r.scope === 'city')).toBe(true);
  });

  it('"一、拟定我市自然资源市场交易规则" belongs to 业务岗2 市场监管岗', () => {
    expect(byItem(records, '拟定我市自然资源市场交易规则').post).toBe('业务岗2：市场监管岗');
    expect(byItem(records, '拟定我市自然资源有偿使用制度').post).toBe('业务岗1：开发利用、权益保护和资产管理岗');
    expect(byItem(records, '自然资源分等定级价格评估').post).toContain('业务岗3');
  });

  it('strips <ol>/<li> markup and names nobody', () => {
    const r = byItem(records, '科内全面工作');
    expect(r.duties).toEqual(['负责开发利用和所有者权益科全面工作。', '负责局领导交办的其它工作。']);
    expect(r.lead).toEqual([]);
    expect(r.peopleInherited).toBe(false);
    expect(r.kind).toBe('leader');
  });
});

describe('affiliated centres (arrow flows)', () => {
  const { records, units } = parseManual('centres.txt', fixture('centres-excerpt.txt'));

  it('reads each centre as a unit with its purpose and parent', () => {
    const forestry = units.find((u) => u.unit === '山亭区林业资源发展中心')!;
    expect(forestry.parent).toBe('山亭区自然资源局');
    expect(forestry.purpose).toContain('林草种质资源管理');
  });

  it('splits a cell of named sub-flows', () => {
    const r = byItem(records, '城乡规划事务业务岗');
    expect(r.lead).toEqual(['韩山']);
    const batch = r.flow!.subflows.find((s) => s.name === '规划批后监管')!;
    expect(batch.steps).toEqual(['定点放线', '定点验线', '现场核实']);
  });

  it('keeps the tasks of the work column that are not flows, searchable', () => {
    const r = byItem(records, '城乡规划事务业务岗');
    expect(r.responsibilities).toContain('负责辖区内规划咨询服务');
    expect(r.responsibilities.some((e) => e.includes('→'))).toBe(false);
    // A column holding only a flow adds nothing beside its steps.
    expect(byItem(records, '土地供应业务岗').responsibilities).toEqual([]);
  });

  it('reads (一)(二)(三) sub-flows and a single chain', () => {
    const reserve = byItem(records, '土地储备业务岗').flow!.subflows;
    expect(reserve.map((s) => s.name)).toEqual(['收购储备', '收回储备', '征用土地（新增建设用地）储备']);
    expect(reserve[2]!.steps[0]).toBe('拟制方案');
    expect(byItem(records, '土地供应业务岗').flow!.steps[0]).toBe('根据供地计划编制供地方案');
  });

  it('nested (1)(2) parts inherit their numbered heading', () => {
    const flows = parseArrowFlow(
      '1、承担全区自然资源生态修复、地质灾害防治等辅助工作：（1）项目实施中：现场督导→实施进展调度。（2）项目竣工后：调度竣工验收资料编制→辅助区、市级验收 2、承担地质环境监测辅助工作：接受工作任务→提供相关数据',
    );
    expect(flows.map((f) => f.name)).toEqual([
      '全区自然资源生态修复、地质灾害防治等辅助工作：项目实施中',
      '全区自然资源生态修复、地质灾害防治等辅助工作：项目竣工后',
      '地质环境监测辅助工作',
    ]);
    expect(flows[1]!.steps).toEqual(['调度竣工验收资料编制', '辅助区、市级验收']);
  });
});

describe('sub-district task-force notice', () => {
  const { records, units } = parseManual('notice.txt', fixture('taskforce-notice.txt'));

  it('names the task force and its roles', () => {
    expect(units[0]!.unit).toBe('中山路街道耕地保护建设工作专班');
    expect(records.find((r) => r.post === '组长')!.lead).toEqual(['屈英']);
    expect(records.find((r) => r.post === '副组长')!.lead).toEqual(['金平聪', '乔良']);
    expect(records.find((r) => r.post === '联络员')!.lead).toEqual(['王杰']);
    expect(records.find((r) => r.post === '办公室成员')!.lead).toHaveLength(6);
  });

  it('gives each member unit its duties', () => {
    const agri = records.find((r) => r.post === '农业服务中心')!;
    expect(agri.duties.join('')).toContain('大棚房');
    expect(agri.duties.length).toBeGreaterThanOrEqual(5);
    expect(records.find((r) => r.post === '财政办')!.duties.join('')).toContain('经费保障');
  });
});

describe('the shipped seeds', () => {
  const corpus = parseCorpus(readManuals(join(import.meta.dirname, '..', 'seeds', 'manuals')));

  it('all five manuals parse', () => {
    expect(corpus.errors).toEqual([]);
    expect(corpus.manuals).toHaveLength(5);
    expect(corpus.records.length).toBeGreaterThan(140);
    expect(new Set(corpus.records.map((r) => r.id)).size).toBe(corpus.records.length);
  });

  it('no name keeps an inner space', () => {
    for (const r of corpus.records) for (const n of [...r.lead, ...r.assistants]) expect(n).not.toMatch(/\s/);
  });

  it('maps 9-6-10 to its chart title and derives its steps', () => {
    const r = corpus.records.find((x) => x.flow?.codes.includes('9-6-10'))!;
    expect(r.source.line).toBe(87);
    expect(r.flow!.titles).toEqual(['测绘作业证初审工作流程图']);
    expect(r.flow!.steps).toEqual(['受理', '审核', '复核', '转报', '核发', '请示报告']);
  });

  it('matches a chart printed with no code by title, and one with a wrong code by title', () => {
    expect(corpus.records.find((x) => x.flow?.codes.includes('7-4-2'))!.flow!.titles).toEqual(['公务员管理工作流程图']);
    expect(corpus.records.find((x) => x.flow?.codes.includes('12-9-3'))!.flow!.titles).toEqual(['土地征收征用工作流程图']);
    expect(corpus.records.find((x) => x.flow?.codes.includes('00-1'))!.flow!.titles[0]).toBe('重大事项决策工作流程图');
  });

  it('reads time limits and what leaders oversee', () => {
    expect(corpus.records.find((x) => x.flow?.codes.includes('12-9-3'))!.timeLimit).toBe('5个工作日');
    const pei = corpus.records.find((x) => x.lead.includes('裴忠孝'))!;
    expect(pei.oversees).toContain('测绘室');
    expect(pei.kind).toBe('leader');
  });

  it('no step list is a single step or a repeated filler label', () => {
    for (const r of corpus.records) {
      const steps = r.flow?.steps ?? [];
      if (r.flow?.subflows.length) continue;
      expect(steps.length === 0 || new Set(steps).size >= 2, `${r.id} ${steps.join('|')}`).toBe(true);
    }
    const budget = corpus.records.find((x) => x.flow?.codes.includes('4-1-1-1'))!;
    expect(budget.responsibilities.every((t) => t.startsWith('落实责任'))).toBe(true);
    expect(budget.flow!.steps).toHaveLength(3);
    expect(budget.flow!.steps).not.toContain('落实');
    expect(budget.flow!.steps[0]).toContain('预算');
    // One responsibility ("管理责任: …"): the manual gives no steps.
    expect(corpus.records.find((x) => x.flow?.codes.includes('6-3-2-1'))!.flow!.steps).toEqual([]);
    expect(corpus.records.find((x) => x.flow?.codes.includes('5-2-2'))!.flow!.steps.some((s) => s.includes('文号'))).toBe(true);
  });

  it('reads 立即受理 as a time limit, next to 在法定时限内办结', () => {
    expect(corpus.records.find((x) => x.flow?.codes.includes('9-6-10'))!.timeLimit).toBe('立即受理');
    expect(corpus.records.find((x) => x.flow?.codes.includes('9-6-5'))!.timeLimit).toBe('立即受理；在法定时限内办结');
    expect(corpus.records.find((x) => x.flow?.codes.includes('9-6-8'))!.timeLimit).toBe('在法定时限内办结');
  });

  it('matches the uncoded chart 林木采伐与运输、林地使用监管办理流程 to the row about 林木凭证采伐与运输', () => {
    const forest = corpus.records.filter((x) => x.flow?.titles.includes('林木采伐与运输、林地使用监管办理流程'));
    expect(forest).toHaveLength(1);
    expect(forest[0]!.duties.join('')).toContain('林木凭证采伐与运输');
    expect(forest[0]!.flow!.codes).toEqual([]);
    const warnings = corpus.manuals.flatMap((m) => m.warnings);
    expect(warnings.some((w) => w.includes('林木采伐与运输') && w.includes('没有对应的表格行'))).toBe(false);
    expect(warnings.some((w) => w.includes('林木采伐与运输') && w.includes('按标题对应'))).toBe(true);
  });

  it('leaves 11-8-x rows untitled where the chart section does not name them, and keeps charts in their stretch', () => {
    for (const code of ['11-8-3', '11-8-5', '11-8-9']) {
      for (const r of corpus.records.filter((x) => x.flow?.codes.includes(code))) expect(r.flow!.titles, code).toEqual([]);
    }
    expect(corpus.records.find((x) => x.flow?.codes.includes('11-8-10'))!.flow!.titles).toEqual(['自然资源开发利用工作流程图']);
    // 自然资源开发利用 charts sit among 业务岗8's charts: not given to 矿产资源开发利用 of 业务岗11.
    expect(corpus.records.find((x) => x.item.includes('矿产资源开发利用'))!.flow).toBeNull();
  });

  it('业务岗6 has sixteen items with flows 9-6-x where the manual has them', () => {
    const items = corpus.records.filter((r) => r.post.startsWith('业务岗6：') && r.scope === 'district');
    expect(items).toHaveLength(16);
    for (const r of items) for (const c of r.flow?.codes ?? []) expect(c).toMatch(/^9-6-\d+$/);
  });
});

describe('bad input', () => {
  it('a text with no duty structure becomes passages that name nobody; an empty or binary file is refused', () => {
    const minutes = parseManual('minutes.txt', fixture('not-a-manual.txt'));
    expect(minutes.records.length).toBeGreaterThan(0);
    expect(minutes.records.every((r) => r.kind === 'passage' && r.lead.length === 0 && r.assistants.length === 0)).toBe(true);
    expect(minutes.warnings.join('')).toContain('按段落收录');
    expect(() => parseManual('empty.txt', '  \n')).toThrow(/空/);
    expect(() => parseManual('blob.txt', 'PK\u0003\u0004\u0000\u0000')).toThrow(ManualParseError);
  });

  it('one bad file does not stop the others', () => {
    const corpus = parseCorpus([
      { file: 'empty.txt', text: '' },
      { file: 'notice.txt', text: fixture('taskforce-notice.txt') },
    ]);
    expect(corpus.errors).toEqual([{ file: 'empty.txt', reason: expect.stringContaining('空') }]);
    expect(corpus.records.length).toBeGreaterThan(10);
  });
});

describe('charts without codes are matched by title similarity', () => {
  let line = 0;
  const row = (item: string, codes: string[], duties: string[] = []): DutyRecord => ({
    id: `t.txt#${++line}`, unit: '某区自然资源局', department: null, scope: 'district', parentUnit: null, kind: 'item',
    post: '业务岗1：某某岗', postNo: null, item, duties, responsibilities: ['1. 审查责任: 审查材料。', '2. 报批责任: 报领导审批。'],
    flow: codes.length ? { codes, titles: [], steps: [], subflows: [] } : null, timeLimit: null, lead: [], assistants: [],
    peopleInherited: false, oversees: [], source: { file: 't.txt', line },
  });

  it('strips generic words from titles', () => {
    expect(titleCore('林木采伐与运输、林地使用监管办理流程')).toBe('林木采伐与运输、林地使用监管');
    expect(titleCore('年度计划工作流程图')).toBe('年度计划');
  });

  it('gives an uncoded chart to the coded or uncoded row it names, within its coded neighbours', () => {
    const a = row('一、采矿权审批工作', ['1-1']);
    const b = row('二、野生动物保护管理', [], ['负责野生动物栖息地巡查。', '监督管理猎捕证核发与运输证明。']);
    const c = row('三、地质灾害防治', ['1-3']);
    const d = row('四、猎捕证核发与运输监管', []);
    const warnings: string[] = [];
    alignCharts([a, b, c, d], [
      { code: '1-1', title: '采矿权审批工作流程图', line: 1 },
      { code: null, title: '猎捕证核发与运输监管办理流程', line: 2 },
      { code: '1-3', title: '地质灾害防治工作流程图', line: 3 },
    ], warnings);
    // The second row carries the title's words in a duty; the fourth would match better but lies past 1-3.
    expect(b.flow).toEqual({ codes: [], titles: ['猎捕证核发与运输监管办理流程'], steps: ['审查', '报批'], subflows: [] });
    expect(d.flow).toBeNull();
    expect(a.flow!.titles).toEqual(['采矿权审批工作流程图']);
    expect(chartLabels(b.flow!)).toEqual(['猎捕证核发与运输监管办理流程']);
    expect(chartLabels(a.flow!)).toEqual(['1-1 采矿权审批工作流程图']);
    expect(warnings.some((w) => w.includes('按标题对应到“二、野生动物保护管理”'))).toBe(true);
  });

  it('an uncoded chart naming nothing nearby is reported, not forced onto a row', () => {
    const a = row('一、采矿权审批工作', ['1-1']);
    const b = row('二、档案管理', []);
    const warnings: string[] = [];
    alignCharts([a, b], [{ code: '1-1', title: '采矿权审批工作流程图', line: 1 }, { code: null, title: '公务用车管理流程图', line: 2 }], warnings);
    expect(b.flow).toBeNull();
    expect(warnings).toEqual(['流程图“公务用车管理流程图”（第2行）没有对应的表格行']);
  });
});
