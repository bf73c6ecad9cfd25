import { describe, expect, it } from 'vitest';
import type { Block, Cell, DocModel, TableBlock } from '../ingest/document.js';
import { roleOf } from '../ingest/headerRoles.js';
import { assignment, mutualBackups, namesIn, taggedPeople } from '../ingest/people.js';
import { parseDocument, parseManual } from '../ingest/parseManual.js';
import { flowFromText } from '../ingest/recognise/flowText.js';
import { leaderLine, nameWithPositions } from '../ingest/recognise/prose.js';
import { tableLayout } from '../ingest/recognise/roleTable.js';
import { isOrgName, unitInTitle } from '../ingest/units.js';

// Layouts first met in the second set of other bureaus' documents. Invented units and people only.

function table(rows: (string | { text: string; rowSpan?: number; colSpan?: number } | null)[][], extra: Partial<TableBlock> = {}): TableBlock {
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
    rowProv: rows.map((_, i) => ({ line: 2 + i })),
    prov: { line: 2 },
    ...extra,
  };
}
const para = (text: string, line: number, kind: 'para' | 'heading' = 'para', level?: number): Block => ({ kind, text, level, prov: { line } });
const docOf = (file: string, body: Block[], format: DocModel['format'] = 'docx'): DocModel => ({ file, format, body, warnings: [] });

describe('units and offices', () => {
  it('reads a province department (厅) and an institute (院) as units, a bureau part as no unit of its own', () => {
    expect(unitInTitle('河阳省自然资源厅内设机构主要职责')).toBe('河阳省自然资源厅');
    expect(isOrgName('河阳省地质调查院')).toBe(true);
    expect(unitInTitle('石川市自然资源综合执法大队内设中队职责分工')).toBe('石川市自然资源综合执法大队');
    expect(unitInTitle('石川市自然资源局办公室AB角对照表')).toBe('石川市自然资源局');
  });

  it('takes a regulation naming no unit in its title as its interpreter’s, in the title’s place', () => {
    const doc = (last: string) =>
      parseManual('办法.txt', ['石川市自然资源执法监督办法', '', '第一条 为规范执法监督工作，制定本办法。', '', `第二条 ${last}`].join('\n'));
    expect(new Set(doc('本办法由市自然资源和规划局负责解释。').records.map((r) => r.unit))).toEqual(new Set(['石川市自然资源和规划局']));
    expect(new Set(doc('本办法由松河县自然资源局负责解释。').records.map((r) => r.unit))).toEqual(new Set(['松河县自然资源局']));
  });

  it('reads offices under headings with their head, deputies and numbered duties', () => {
    const parsed = parseDocument(
      docOf('内设.docx', [
        para('河阳省自然资源厅内设机构主要职责', 1),
        para('一、厅机关内设机构', 2, 'heading', 1),
        para('（一）政策法规处', 3, 'heading', 2),
        para('负责人：处长 卓一航；副处长 岑可欣', 4),
        para('主要职责：', 5),
        { kind: 'para', text: '承担行政复议和行政应诉工作。', marker: '1.', prov: { line: 6 } },
        { kind: 'para', text: '承担规范性文件合法性审核。', marker: '2.', prov: { line: 7 } },
        para('（二）国土测绘处', 8, 'heading', 2),
        para('负责人：处长 戈明哲', 9),
        { kind: 'para', text: '负责测绘资质审批。', marker: '1.', prov: { line: 10 } },
        para('河阳省自然资源厅办公室　2025年3月印发', 11),
      ]),
    );
    const review = parsed.records.find((r) => r.item.includes('行政复议'));
    expect(review).toMatchObject({ unit: '河阳省自然资源厅', department: '政策法规处', lead: ['卓一航'], assistants: ['岑可欣'] });
    const head = parsed.records.find((r) => r.kind === 'leader' && r.lead.includes('戈明哲'));
    expect(head).toMatchObject({ department: '国土测绘处', post: '处长' });
    expect(parsed.records.find((r) => r.item.includes('测绘资质'))?.department).toBe('国土测绘处');
    // neither the bare label nor the signature line is content
    expect(parsed.records.some((r) => r.duties.some((d) => /^主要职责|印发$/.test(d)))).toBe(false);
  });
});

describe('leaders', () => {
  it('reads leader lines in their usual forms', () => {
    expect(leaderLine('副大队长：温子轩，分管一中队、二中队。')).toEqual({ holders: [{ position: '副大队长', names: ['温子轩'] }], rest: '分管一中队、二中队', others: '' });
    expect(leaderLine('负责人：主任 邝雨桐；副主任 景少华')?.holders).toEqual([
      { position: '主任', names: ['邝雨桐'] },
      { position: '副主任', names: ['景少华'] },
    ]);
    expect(leaderLine('负责人：见附件')).toBeNull();
    expect(leaderLine('岗位职责：负责档案管理')).toBeNull();
    // A 负责人 label with a prefix, and other fields printed on the same line after it.
    expect(leaderLine('单位负责人：院长 邝雨桐 服务时间：工作日 9:00—17:00')).toEqual({
      holders: [{ position: '院长', names: ['邝雨桐'] }],
      rest: '',
      others: '服务时间：工作日 9:00—17:00',
    });
    expect(leaderLine('科室负责人：科长 景少华　　联系电话：0000-1234567')?.holders).toEqual([{ position: '科长', names: ['景少华'] }]);
    expect(nameWithPositions('秦思远　局党组成员、副局长')).toEqual({ names: ['秦思远'], position: '局党组成员、副局长' });
    expect(nameWithPositions('主持局全面工作')).toBeNull();
  });

  it('takes the paragraph under a name-and-position line as that leader’s 分工, and A/B pairs as backups', () => {
    const parsed = parseDocument(
      docOf('分工.html', [
        para('石川县自然资源局领导班子成员工作分工', 1),
        para('秦思远　局党组书记、局长', 2),
        para('主持局全面工作。分管办公室。', 3),
        para('尤佳宁　局党组成员、副局长', 4),
        para('负责耕地保护工作。分管耕地保护股、执法监察大队。', 5),
        para('局领导班子成员实行A/B角工作制度：秦思远与尤佳宁互为A/B角。', 6),
      ], 'html'),
    );
    const deputy = parsed.records.find((r) => r.lead.includes('尤佳宁'));
    expect(deputy).toMatchObject({ kind: 'leader', post: '局党组成员、副局长', oversees: ['耕地保护股', '执法监察大队'], assistants: ['秦思远'] });
    expect(parsed.records.find((r) => r.lead.includes('秦思远'))?.oversees).toEqual(['办公室']);
  });
});

describe('tables', () => {
  it('lets a parent header naming people decide its 姓名 column, keeps 主办/协办 apart, and reads heads from 职务', () => {
    const t = table(
      [
        [{ text: '序号', rowSpan: 2 }, { text: '岗位', rowSpan: 2 }, { text: '工作事项', rowSpan: 2 }, { text: 'A角（主办）', colSpan: 2 }, null, { text: 'B角（协办）', colSpan: 2 }, null, { text: '办结时限', rowSpan: 2 }],
        [null, null, null, '姓名', '职务', '姓名', '职务', null],
        ['1', '规划管理岗', '规划条件出具', '韩星野', '科长', '阎若彤', '科员', '10个工作日'],
      ],
      { sheet: '详细规划科' },
    );
    const layout = tableLayout(t)!;
    expect(layout.columns.map((c) => c.role)).toEqual(['seq', 'post', 'task', 'lead', null, 'assist', null, 'deadline']);
    const parsed = parseDocument(docOf('ab.xlsx', [para('石川市自然资源局AB角对照表', 1), t], 'xlsx'));
    expect(parsed.records.find((r) => r.kind === 'item')).toMatchObject({ department: '详细规划科', lead: ['韩星野'], assistants: ['阎若彤'] });
    expect(parsed.records.find((r) => r.kind === 'leader')).toMatchObject({ department: '详细规划科', post: '科长', lead: ['韩星野'] });

    const contact = tableLayout(
      table([
        [{ text: '服务事项', rowSpan: 2 }, { text: '承办部门', rowSpan: 2 }, { text: '时限要求', rowSpan: 2 }, { text: '联系人', colSpan: 2 }, null],
        [null, null, null, '主办', '协办'],
        ['成果提供', '成果部', '10个工作日', '牟子健', '乐雨萱'],
      ]),
    )!;
    expect(contact.columns.map((c) => c.role)).toEqual(['task', 'department', 'deadline', 'lead', 'assist']);
    expect(roleOf('主办')?.role).toBe('lead');
  });

  it('opens a section at a full-width row naming its head, and keeps unnamed columns as facts', () => {
    const t = table([
      ['序号', '工作事项', '主办', '协办', '办结时限', '联系村'],
      [{ text: '一中队（城区中队）　中队长：费晨阳', colSpan: 6 }, null, null, null, null, null],
      ['1', '违法用地巡查', '费晨阳', '史嘉木', '立即', '东山村'],
    ]);
    const parsed = parseDocument(docOf('队.docx', [para('石川市自然资源执法大队职责分工', 1), t]));
    const item = parsed.records.find((r) => r.kind === 'item')!;
    expect(item).toMatchObject({ department: '一中队', lead: ['费晨阳'], assistants: ['史嘉木'] });
    expect(item.details).toContainEqual({ label: '联系村', text: '东山村' });
    expect(parsed.records.find((r) => r.kind === 'leader')).toMatchObject({ department: '一中队', post: '中队长', lead: ['费晨阳'] });
  });

  it('makes the head named only as the person of a flow-node stage a leader row of the unit or of the office', () => {
    const t = table([
      ['事项名称', '环节', '办理岗位', '办理人', '办理时限'],
      [{ text: '临时用地审批', rowSpan: 3 }, '受理', '耕地保护股临时用地岗', '柯远舟', '当场'],
      [null, '审查', '规划股股长', '喻清和', '5个工作日'],
      [null, '决定', '局长', '郗默然', '2个工作日'],
      [{ text: '采矿权延续登记', rowSpan: 3 }, '受理', '矿产资源股矿政岗', '聂青禾', '当场'],
      [null, '审查', '矿产资源股矿政岗', '聂青禾', '7个工作日'],
      [null, '决定', '局长', '郗默然', '2个工作日'],
    ]);
    const parsed = parseDocument(docOf('节点.xlsx', [para('石川县自然资源局审批事项流程节点表', 1), t], 'xlsx'));
    const flow = parsed.records.find((r) => r.kind === 'item' && r.item === '临时用地审批')!;
    expect(flow.flow?.steps).toEqual(['受理（柯远舟，当场）', '审查（规划股股长 喻清和，5个工作日）', '决定（局长 郗默然，2个工作日）']);
    const leaders = parsed.records.filter((r) => r.kind === 'leader');
    expect(leaders).toHaveLength(2);
    expect(leaders).toContainEqual(expect.objectContaining({ unit: '石川县自然资源局', department: null, post: '局长', lead: ['郗默然'], flow: null }));
    expect(leaders).toContainEqual(expect.objectContaining({ department: '规划股', post: '规划股股长', item: '规划股股长', lead: ['喻清和'] }));
  });

  it('reads circled stage numbers as a flow', () => {
    expect(flowFromText('①受理 ②现场踏勘 ③审查 ④审批')?.steps).toEqual(['受理', '现场踏勘', '审查', '审批']);
  });
});

describe('people in prose', () => {
  it('reads who a 分工 sentence puts in charge and in support', () => {
    expect(assignment('由严子墨同志牵头，蔡思琪同志负责，某镇自然资源所倪浩同志配合。')).toEqual({ lead: ['严子墨', '蔡思琪'], assistants: ['倪浩'] });
    expect(assignment('市局负责统筹，各县配合')).toBeNull();
    expect(assignment('办公室汇总后报局主要负责同志')).toBeNull();
    expect(assignment('由县政府牵头，镇村配合')).toBeNull();
    // Titles are not names: 负责人 is a noun, and 单位, 协办人 are no one.
    expect(assignment('单位负责人：院长 邝雨桐 服务时间：工作日')).toBeNull();
    expect(assignment('主办人对办理质量负主要责任，协办人配合主办人开展工作')).toBeNull();
    expect(assignment('部门负责统筹，单位配合')).toBeNull();
    expect(assignment('由蔡思琪同志负责人员培训')).toEqual({ lead: ['蔡思琪'], assistants: [] });
    expect(namesIn('协办人、责任人、经办人、单位')).toEqual([]);
    expect(assignment('这项工作由霍青同志具体负责，万里同志协助')).toEqual({ lead: ['霍青'], assistants: ['万里'] });
    expect(taggedPeople('鞠晓云（A角）、聂子恒（B角）')).toEqual({ lead: ['鞠晓云'], assistants: ['聂子恒'] });
    expect(mutualBackups('邝雨桐与景少华互为A/B角')).toEqual([['邝雨桐', '景少华']]);
  });

  it('reads a labelled head on a page header as the unit leader, never the label as a person', () => {
    const parsed = parseDocument(
      docOf('清单.html', [para('石川省地理信息院公共服务事项清单', 1, 'heading', 1), para('单位负责人：院长 邝雨桐　　服务时间：工作日 9:00—17:00', 2)], 'html'),
    );
    expect(parsed.records.flatMap((r) => [...r.lead, ...r.assistants])).toEqual(['邝雨桐']);
    expect(parsed.records.find((r) => r.kind === 'leader')).toMatchObject({ unit: '石川省地理信息院', post: '院长', lead: ['邝雨桐'] });
    expect(parsed.records.find((r) => r.kind === 'passage')?.duties.join('')).toContain('服务时间');
  });

  it('reads "股长由某某同志担任" in a staffing report as the office head, the office record kept with its office', () => {
    const parsed = parseManual(
      '报告.txt',
      [
        '石川县自然资源局关于岗位设置情况的报告',
        '',
        '（二）规划股设股长1名、工作人员2名，主要负责国土空间规划编制和实施监督。股长由尤佳宁同志担任。',
        '',
        '（七）县自然资源执法大队设大队长1名、副大队长1名，主要负责违法案件查处。大队长由秦思远同志担任，副大队长由严子墨同志兼任。',
      ].join('\n'),
    );
    const heads = parsed.records.filter((r) => r.kind === 'leader');
    expect(heads.map((r) => [r.department, r.post, r.lead])).toEqual([
      ['规划股', '股长', ['尤佳宁']],
      ['县自然资源执法大队', '大队长', ['秦思远']],
      ['县自然资源执法大队', '副大队长', ['严子墨']],
    ]);
    expect(parsed.records.find((r) => r.kind === 'item' && r.post === '规划股')).toMatchObject({ department: '规划股', item: '规划股职责' });
  });

  it('turns numbered 分工 tasks into records with their deadline', () => {
    const parsed = parseManual(
      '分工.txt',
      ['石川县自然资源局重点工作分工方案', '', '一、耕地保护', '', '1.完成耕地保护考核自查。由严子墨同志牵头，蔡思琪同志负责，倪浩同志配合。2025年4月15日前完成。'].join('\n'),
    );
    expect(parsed.records.find((r) => r.kind === 'item')).toMatchObject({ lead: ['严子墨', '蔡思琪'], assistants: ['倪浩'], timeLimit: '2025年4月15日前完成' });
  });

  it('reads one-line cards with A角/B角 tags, and a 办事指南 by its fields', () => {
    const card = parseManual(
      '说明书.md',
      ['# 石川市规划编研中心岗位职责说明书', '', '## 二、详细规划部', '', '**岗位名称**：控规编研岗；**所属部门**：详细规划部；**任职人员**：鞠晓云（A角）、聂子恒（B角）；**岗位职责**：1.承担控规编制；2.承担控规论证，10个工作日内完成。'].join('\n'),
    );
    expect(card.records.find((r) => r.kind === 'item')).toMatchObject({ post: '控规编研岗', department: '详细规划部', lead: ['鞠晓云'], assistants: ['聂子恒'] });

    const guide = parseDocument(
      docOf('指南.html', [
        para('石川县不动产登记中心办事指南', 1, 'heading', 1),
        para('抵押权首次登记', 2, 'heading', 2),
        para('一、事项名称', 3),
        para('不动产抵押权首次登记。', 4),
        para('二、办理流程', 5),
        para('（一）申请：申请人提交材料。', 6),
        para('（二）受理：受理岗（关山月）核验材料。', 7),
        para('（三）登簿：由中心主任晏清和审定登簿。', 8),
        para('三、办结时限', 9),
        para('法定时限30个工作日，承诺时限1个工作日。', 10),
      ], 'html'),
    );
    expect(guide.records).toHaveLength(1);
    expect(guide.records[0]).toMatchObject({ item: '抵押权首次登记', timeLimit: '1个工作日', lead: ['关山月', '晏清和'] });
    expect(guide.records[0]!.flow?.steps).toEqual(['申请', '受理（关山月）', '登簿（晏清和）']);
  });
});
