import { describe, expect, it } from 'vitest';
import type { Cell, DocModel, TableBlock } from '../ingest/document.js';
import { roleOf } from '../ingest/headerRoles.js';
import { namesIn } from '../ingest/people.js';
import { parseDocument, parseManual } from '../ingest/parseManual.js';
import { isDutyTable, tableLayout } from '../ingest/recognise/roleTable.js';
import { unitInTitle, unitLevel } from '../ingest/units.js';

// Invented bureaus and people: the recognisers must not depend on the shipped manuals.

function table(rows: (string | { text: string; rowSpan?: number; colSpan?: number } | null)[][], startLine = 2): TableBlock {
  const cells: Cell[] = [];
  rows.forEach((row, r) =>
    row.forEach((c, col) => {
      if (c === null) return;
      const cell = typeof c === 'string' ? { text: c } : c;
      cells.push({ text: cell.text, r, c: col, rowSpan: cell.rowSpan ?? 1, colSpan: cell.colSpan ?? 1 });
    }),
  );
  return {
    kind: 'table',
    rows: rows.length,
    cols: Math.max(...rows.map((r) => r.length)),
    cells,
    rowProv: rows.map((_, i) => ({ line: startLine + i, ref: `表1 第${i + 1}行` })),
    prov: { line: startLine },
  };
}

function doc(file: string, title: string, t: TableBlock): DocModel {
  return { file, format: 'xlsx', body: [{ kind: 'para', text: title, prov: { line: 1 } }, t], warnings: [] };
}

describe('header vocabulary', () => {
  it('maps header words to roles, longest contained word first, letter-spaced headers too', () => {
    expect(roleOf('岗　位')?.role).toBe('post');
    expect(roleOf('承办机构')?.role).toBe('department');
    expect(roleOf('职权名称')?.role).toBe('task');
    expect(roleOf('承诺办结时限')?.role).toBe('deadline');
    expect(roleOf('责任人')?.role).toBe('lead');
    expect(roleOf('责任事项')?.role).toBe('resp');
    expect(roleOf('岗位职责')?.role).toBe('duty');
    expect(roleOf('配合人员')?.role).toBe('assist');
    expect(roleOf('今天天气很好')).toBeNull();
  });
});

describe('units from names', () => {
  it('reads the level from the last administrative word', () => {
    expect(unitLevel('青禾市自然资源和规划局')).toBe('city');
    expect(unitLevel('青禾市临川县自然资源局')).toBe('district');
    expect(unitLevel('云岭镇人民政府')).toBe('subdistrict');
    expect(unitLevel('临川县湿地保护区管理站')).toBe('district');
    expect(unitLevel('不动产登记中心')).toBe('unit');
  });
  it('finds the unit a title names', () => {
    expect(unitInTitle('青禾市自然资源和规划局权责清单')).toBe('青禾市自然资源和规划局');
    expect(unitInTitle('临川县自然资源局关于印发岗位职责的通知')).toBe('临川县自然资源局');
    expect(unitInTitle('临川县自然资源局执法大队职责')).toBe('临川县自然资源局执法大队');
    expect(unitInTitle('会议纪要')).toBeNull();
  });
  it('reads names and drops positions', () => {
    expect(namesIn('陈建国（局长）、李　晓')).toEqual(['陈建国', '李晓']);
    expect(namesIn('科长')).toEqual([]);
    expect(namesIn('副局长 周平')).toEqual(['周平']);
  });
});

describe('tables by what their columns mean', () => {
  it('reads a 权责清单 with a title row, a two-row header and merged 承办机构 cells', () => {
    const t = table([
      [{ text: '青禾市临川县自然资源局权责清单', colSpan: 6 }, null, null, null, null, null],
      [{ text: '序号', rowSpan: 2 }, { text: '职权名称', rowSpan: 2 }, { text: '职权类型', rowSpan: 2 }, { text: '办理时限', colSpan: 2 }, null, { text: '承办机构', rowSpan: 2 }],
      [null, null, null, '法定时限', '承诺时限', null],
      ['1', '建设用地规划许可证核发', '行政许可', '20个工作日', '10个工作日', { text: '规划股', rowSpan: 2 }],
      ['2', '乡村建设规划许可证核发', '行政许可', '20个工作日', '7个工作日', null],
      ['3', '土地复垦方案审查', '其他', '', '15个工作日', '耕保股'],
    ]);
    const layout = tableLayout(t)!;
    expect(layout.headerRows).toBe(3);
    expect(layout.caption).toContain('权责清单');
    expect(isDutyTable(layout)).toBe(true);
    const parsed = parseDocument(doc('qx.xlsx', '青禾市临川县自然资源局权责清单', t));
    expect(parsed.records).toHaveLength(3);
    const [first, second, third] = parsed.records;
    expect(first).toMatchObject({ unit: '青禾市临川县自然资源局', scope: 'district', post: '规划股', item: '建设用地规划许可证核发', timeLimit: '10个工作日' });
    expect(second!.post).toBe('规划股');
    expect(third).toMatchObject({ post: '耕保股', timeLimit: '15个工作日' });
    expect(first!.details).toContainEqual({ label: '职权类型', text: '行政许可' });
    expect(first!.source).toMatchObject({ file: 'qx.xlsx', line: 5, ref: '表1 第4行' });
  });

  it('fills a post printed once down its group and marks the people inherited', () => {
    const t = table([
      ['岗位', '工作事项', '岗位职责', '责任人', '配合人员'],
      [{ text: '不动产登记岗', rowSpan: 2 }, '首次登记', '负责首次登记的受理和审核', { text: '刘晓琳', rowSpan: 2 }, '何芳'],
      [null, '变更登记', '负责变更登记，材料齐全的当场办结', null, ''],
    ]);
    const parsed = parseDocument(doc('post.docx', '临川县不动产登记中心岗位履职清单', t));
    expect(parsed.records.map((r) => r.post)).toEqual(['不动产登记岗', '不动产登记岗']);
    expect(parsed.records[0]!.lead).toEqual(['刘晓琳']);
    expect(parsed.records[0]!.peopleInherited).toBe(false);
    expect(parsed.records[1]!.lead).toEqual(['刘晓琳']);
    expect(parsed.records[1]!.peopleInherited).toBe(true);
  });

  it('drops a header repeated after a page break and reads arrow flows', () => {
    const t = table([
      ['序号', '事项名称', '办理流程', '承办科室'],
      ['1', '采矿权延续登记', '受理→审查→决定→送达', '矿管股'],
      ['序号', '事项名称', '办理流程', '承办科室'],
      ['2', '地质灾害危险性评估备案', '1.受理 2.审核 3.备案', '地环股'],
    ]);
    const parsed = parseDocument(doc('flow.csv', '临川县自然资源局办事流程', t));
    expect(parsed.records.map((r) => r.item)).toEqual(['采矿权延续登记', '地质灾害危险性评估备案']);
    expect(parsed.records[0]!.flow!.steps).toEqual(['受理', '审查', '决定', '送达']);
    expect(parsed.records[1]!.flow!.steps).toEqual(['受理', '审核', '备案']);
  });

  it('keeps a table without duty columns as passages that name nobody', () => {
    const t = table([
      ['日期', '值班领导', '值班人员'],
      ['1月1日', '陈建国', '何芳'],
    ]);
    const parsed = parseDocument(doc('duty.xlsx', '临川县自然资源局元旦值班表', t));
    expect(parsed.records.every((r) => r.kind === 'passage' && r.lead.length === 0)).toBe(true);
    expect(parsed.records[0]!.duties[0]).toContain('值班领导：陈建国');
  });
});

describe('sections and prose', () => {
  it('reads per-post duty lists with the person named under the post', () => {
    const text = [
      '临川县自然资源局窗口岗位职责',
      '一、咨询岗位职责',
      '（一）负责来访群众的业务咨询，发放办事指南。',
      '（二）负责引导办事群众到相应窗口办理业务。',
      '责任人：王　伟',
      '二、受理岗位职责',
      '（一）负责申请材料的接收和初审，材料齐全、符合法定形式的，当场受理。',
      '（二）负责登记流程：受理→审核→登簿→发证。由刘晓琳负责。',
    ].join('\n');
    const parsed = parseManual('post.txt', text);
    const consult = parsed.records.filter((r) => r.post === '咨询岗位');
    expect(consult).toHaveLength(2);
    expect(consult.every((r) => r.lead.join() === '王伟' && r.unit === '临川县自然资源局')).toBe(true);
    const accept = parsed.records.filter((r) => r.post === '受理岗位');
    expect(accept[0]!.timeLimit).toContain('当场');
    expect(accept[1]!.lead).toEqual(['刘晓琳']);
    expect(accept[1]!.flow!.steps).toEqual(['受理', '审核', '登簿', '发证']);
  });

  it('reads a notice naming officials, its office and member units', () => {
    const text = [
      '云岭镇人民政府',
      '关于调整林长制工作领导小组成员的通知',
      '各村（社区）：',
      '组  长：陈建国（镇党委书记）',
      '副组长：李晓（镇长）、赵小明（副镇长）',
      '成  员：镇林业站、镇自然资源所',
      '领导小组办公室设在镇林业站，由周平同志兼任办公室主任。',
      '二、成员单位职责',
      '镇自然资源所：负责林地占用的审核，配合查处违法占用林地行为。',
      '云岭镇人民政府',
      '2025年3月1日',
    ].join('\n');
    const parsed = parseManual('notice.txt', text);
    const by = (post: string) => parsed.records.find((r) => r.post === post);
    expect(by('组长')).toMatchObject({ unit: '云岭镇林长制工作领导小组', scope: 'subdistrict', lead: ['陈建国'], item: '林长制工作领导小组组长' });
    expect(by('副组长')!.lead).toEqual(['李晓', '赵小明']);
    expect(by('办公室主任')!.lead).toEqual(['周平']);
    expect(by('镇自然资源所')!.duties[0]).toContain('林地占用');
    expect(parsed.records.some((r) => r.duties.join('').includes('2025年3月1日'))).toBe(false);
  });

  it('reads articles that assign work to units and head-count reports', () => {
    const text = [
      '青禾市自然资源执法监督办法',
      '第一条 为规范执法监督工作，制定本办法。',
      '第五条 市自然资源综合执法支队负责全市自然资源违法案件的查处。',
      '规划股设股长1名、工作人员2名，主要负责国土空间规划的编制和实施监督；负责规划许可的审查。',
    ].join('\n');
    const parsed = parseManual('rule.txt', text);
    const squad = parsed.records.find((r) => r.post === '市自然资源综合执法支队')!;
    expect(squad.duties.join('')).toContain('违法案件的查处');
    expect(squad.details).toContainEqual({ label: '条款', text: '第五条' });
    const first = parsed.records.find((r) => r.item.startsWith('第一条'))!;
    expect(first.kind).toBe('passage');
    const office = parsed.records.find((r) => r.post === '规划股')!;
    expect(office.duties.some((d) => d.includes('负责规划许可的审查'))).toBe(true);
    expect(office.details).toContainEqual({ label: '人员配备', text: '股长1名、工作人员2名' });
  });

  it('collects key：value lines into one card', () => {
    const text = ['岗位说明书', '岗位名称：测量审核岗', '所在科室：测绘股', '岗位职责：负责测绘成果的审核；负责测量标志的保护。', '任职人员：何芳'].join('\n');
    const parsed = parseManual('card.txt', text);
    expect(parsed.records).toHaveLength(1);
    expect(parsed.records[0]).toMatchObject({ post: '测量审核岗', department: '测绘股', lead: ['何芳'] });
    expect(parsed.records[0]!.duties).toHaveLength(2);
    expect(parsed.records[0]!.duties[1]).toContain('负责测量标志的保护');
  });

  it('makes passages of text no rule structures, never with people', () => {
    const text = ['临川县自然资源局值班制度', '一、值班安排', '节假日期间实行领导带班制度，值班人员须提前到岗。', '二、交接班', '交接班时应当面交接值班记录。'].join('\n');
    const parsed = parseManual('rules.txt', text);
    expect(parsed.records.length).toBeGreaterThanOrEqual(2);
    expect(parsed.records.every((r) => r.kind === 'passage' && r.lead.length === 0)).toBe(true);
    expect(parsed.records.find((r) => r.item.includes('交接班'))!.duties.join('')).toContain('值班记录');
    expect(parsed.warnings.join('')).toContain('按段落收录');
  });
});

describe('examples come from the loaded records', () => {
  it('picks a person, a post, a unit and items from whatever manuals are loaded', async () => {
    const { corpusExamples, fillExamples } = await import('../retrieval/examples.js');
    const text = ['临川县自然资源局窗口岗位职责', '一、受理岗位职责', '（一）负责不动产登记申请的受理，5个工作日内完成初审。由刘晓琳负责。', '（二）负责登记流程：受理→审核→登簿→发证。由刘晓琳负责。'].join('\n');
    const ex = corpusExamples(parseManual('post.txt', text).records);
    expect(ex).toMatchObject({ person: '刘晓琳', post: '受理岗位', unit: '临川县自然资源局' });
    expect(ex.limitItem).toContain('不动产登记申请的受理');
    expect(fillExamples('绑定 {person} @同事；{unit}有哪些岗位', ex)).toBe('绑定 刘晓琳 @同事；临川县自然资源局有哪些岗位');
  });
});

describe('level words inside a topic', () => {
  it('a level word that only begins a phrase the manuals use names no level', async () => {
    const { levelOf } = await import('../retrieval/places.js');
    const known = (phrase: string) => phrase.startsWith('乡镇国土');
    expect(levelOf('乡镇国土空间总体规划报批谁负责', known)).toBeNull();
    expect(levelOf('乡镇的耕地保护谁负责', known)).toBe('subdistrict');
    expect(levelOf('县里谁负责采矿权出让')).toBe('district');
  });
});
