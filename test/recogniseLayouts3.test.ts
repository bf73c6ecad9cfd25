import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../bot/config.js';
import { openEngine } from '../bot/runtime/nodeEngine.js';
import { abPeople, namesIn } from '../ingest/people.js';
import type { TableBlock } from '../ingest/document.js';
import { parseDocument, parseManual } from '../ingest/parseManual.js';
import { pageTitle } from '../ingest/recognise/generic.js';
import { postHolder } from '../ingest/recognise/context.js';
import { leaderLine, nameWithPositions, overseen } from '../ingest/recognise/prose.js';
import { isOrgName, unitInTitle } from '../ingest/units.js';

// Layouts first met in the third set of other bureaus' documents (test/fixtures/foreign3). Invented names only.

const division = [
  '石浦县自然资源局领导分工',
  '',
  '局党组书记、局长　甲乙丙',
  '工作职责：主持全面工作，负责干部人事和财务审批。',
  '分管股室：办公室、财务股',
  '联系乡镇：北岭镇',
  '',
  '局党组成员、副局长　丁戊己',
  '工作职责：负责耕地保护和林业工作。',
  '分管股室：耕地保护股、林业股',
  '',
  '四级调研员　庚辛壬',
  '工作职责：协助局长做好不动产登记工作。',
  '分管单位：县不动产登记中心',
  '',
  '班子成员实行AB角工作制度，一方外出时由另一方代为履行职责。',
].join('\n');

describe('leader blocks: a position-and-name line, then labelled lines of their 分工', () => {
  it('reads a name after its positions, and a rank title such as 调研员', () => {
    expect(nameWithPositions('局党组书记、局长　甲乙丙')).toEqual({ names: ['甲乙丙'], position: '局党组书记、局长' });
    expect(nameWithPositions('四级调研员　庚辛壬')).toEqual({ names: ['庚辛壬'], position: '四级调研员' });
    expect(nameWithPositions('甲乙丙　副局长')).toEqual({ names: ['甲乙丙'], position: '副局长' });
    expect(nameWithPositions('负责耕地保护　工作')).toBeNull();
  });

  it('keeps every labelled line under the leader, what they 分管 and 联系 included', () => {
    const { records } = parseManual('石浦县自然资源局领导分工.txt', division);
    const leaders = records.filter((r) => r.kind === 'leader');
    expect(leaders.map((r) => [r.post, r.lead])).toEqual([
      ['局党组书记、局长', ['甲乙丙']],
      ['局党组成员、副局长', ['丁戊己']],
      ['四级调研员', ['庚辛壬']],
    ]);
    expect(leaders[0]!.item).toBe('主持全面工作，负责干部人事和财务审批');
    expect(leaders[0]!.oversees).toEqual(['办公室', '财务股', '北岭镇']);
    expect(leaders[1]!.oversees).toEqual(['耕地保护股', '林业股']);
    expect(leaders[2]!.oversees).toEqual(['县不动产登记中心']);
    // The closing paragraph is nobody's 分工.
    expect(records.some((r) => r.kind === 'passage' && r.item.startsWith('班子成员实行AB角'))).toBe(true);
    expect(records.every((r) => r.unit === '石浦县自然资源局')).toBe(true);
  });

  it('reads labelled 分管 lines and the running-text form alike', () => {
    expect(overseen('分管股室：办公室、财务股')).toEqual(['办公室', '财务股']);
    expect(overseen('主持全面工作，分管办公室、财务股。')).toEqual(['办公室', '财务股']);
    expect(overseen('联系乡镇：北岭镇；分管单位：县测绘队')).toEqual(['北岭镇', '县测绘队']);
  });
});

describe('titles', () => {
  it('takes a web page title without the site furniture, and 分工 as a kind of document', () => {
    expect(pageTitle('石浦县自然资源局领导分工_机构概况_石浦县人民政府门户网站')).toBe('石浦县自然资源局领导分工');
    expect(pageTitle('石浦县自然资源局权责清单 - 石浦县政府网')).toBe('石浦县自然资源局权责清单');
    expect(pageTitle('石浦县自然资源局权责清单')).toBe('石浦县自然资源局权责清单');
    expect(unitInTitle('石浦县自然资源局领导分工')).toBe('石浦县自然资源局');
    expect(unitInTitle('石浦县自然资源局领导班子成员分工')).toBe('石浦县自然资源局');
    expect(unitInTitle('石浦区自然资源局及所属单位岗位责任清单')).toBe('石浦区自然资源局');
  });

  it('never takes a labelled line ending in a unit for the issuer', () => {
    expect(isOrgName('分管单位：县不动产登记中心')).toBe(false);
    expect(isOrgName('石浦县不动产登记中心')).toBe(true);
  });
});

describe('a post cell naming its holder in brackets', () => {
  it('splits the post from its holders, and leaves grades and notes alone', () => {
    expect(postHolder('综合管理岗（甲乙丙）')).toEqual({ post: '综合管理岗', names: ['甲乙丙'], backups: [] });
    expect(postHolder('受理岗(甲乙丙、丁戊)')).toEqual({ post: '受理岗', names: ['甲乙丙', '丁戊'], backups: [] });
    expect(postHolder('审核岗（甲乙丙，B角丁戊己）')).toEqual({ post: '审核岗', names: ['甲乙丙'], backups: ['丁戊己'] });
    expect(postHolder('综合管理岗（正科级）')).toBeNull();
    expect(postHolder('综合管理岗（兼）')).toBeNull();
    expect(postHolder('窗口受理岗（2名）')).toBeNull();
    expect(postHolder('综合管理岗')).toBeNull();
  });

  it('gives the rows of such a table their holder as lead', () => {
    const text = ['石浦县不动产登记中心岗位履职清单', '', '序号\t科室\t岗位（人员）\t工作事项\t办理时限', '1\t综合科\t综合管理岗（甲乙丙）\t中心公文处理和信息报送\t当日', '2\t登记科\t抵押登记岗（丁戊己）\t抵押权登记\t1个工作日'].join('\n');
    const { records } = parseManual('石浦县不动产登记中心岗位履职清单.txt', text);
    const items = records.filter((r) => r.kind === 'item');
    expect(items.map((r) => [r.post, r.lead])).toEqual([
      ['综合管理岗', ['甲乙丙']],
      ['抵押登记岗', ['丁戊己']],
    ]);
  });
});

describe('leadership questions over a 领导分工', () => {
  const root = mkdtempSync(join(tmpdir(), 'gzt-leaders-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('answers with the deputy who oversees the section asked about', async () => {
    const manuals = join(root, 'manuals');
    mkdirSync(manuals, { recursive: true });
    writeFileSync(join(manuals, '石浦县自然资源局领导分工.txt'), division);
    const { engine, index } = await openEngine(loadConfig({ MANUALS_DIR: manuals, DATA_DIR: join(root, 'data') }));
    try {
      const which = engine.ask('林业股归哪个局长管');
      expect(which.found).toBe(true);
      expect(which.answers[0]!.lead).toEqual(['丁戊己']);
      // "局长是谁" still means the principal.
      expect(engine.ask('局长是谁').answers[0]!.lead).toEqual(['甲乙丙']);
      // "谁联系某镇": the leader whose 联系乡镇 line names it; "找谁联系" asks whom to contact instead.
      const contact = engine.ask('谁联系北岭镇');
      expect(contact.intent).toBe('leadership');
      expect(contact.answers.map((a) => a.lead)).toEqual([['甲乙丙']]);
      expect(engine.ask('耕地保护找谁联系').intent).not.toBe('leadership');
    } finally {
      index.close();
    }
  });
});

describe('A角 and B角 in one field', () => {
  it('puts the A角 in the lead and the B角 beside', () => {
    expect(abPeople('A角：甲乙丙　B角：丁戊己')).toEqual({ lead: ['甲乙丙'], assistants: ['丁戊己'] });
    expect(abPeople('A角 甲乙丙、庚辛；B岗 丁戊己')).toEqual({ lead: ['甲乙丙', '庚辛'], assistants: ['丁戊己'] });
    expect(abPeople('B角：丁戊己')).toBeNull();
    expect(abPeople('设A角、B角')).toBeNull();
  });

  it('reads a post card whose AB角 row names both', () => {
    const text = ['石浦县自然资源局岗位说明书', '', '岗位名称：综合文秘岗', '所属股室：办公室', '岗位职责：负责公文收发和会务组织。', 'AB角：A角：甲乙丙　B角：丁戊己'].join('\n');
    const card = parseManual('石浦县自然资源局岗位说明书.txt', text).records.find((r) => r.post === '综合文秘岗');
    expect(card?.lead).toEqual(['甲乙丙']);
    expect(card?.assistants).toEqual(['丁戊己']);
  });
});

describe('leader lines above or below a table', () => {
  it('reads four-character names, each holder\'s own 分管 in brackets, and several leaders on one line', () => {
    expect(leaderLine('中心主任：司马甲乙')?.holders).toEqual([{ position: '中心主任', names: ['司马甲乙'] }]);
    expect(leaderLine('副主任：甲乙丙（分管登记一科、登记二科）、丁戊己（分管综合科）')?.holders).toEqual([
      { position: '副主任', names: ['甲乙丙'], rest: '分管登记一科、登记二科' },
      { position: '副主任', names: ['丁戊己'], rest: '分管综合科' },
    ]);
    const text = ['石浦县不动产登记中心岗位履职清单', '', '中心主任：司马甲乙　副主任：甲乙丙（分管登记科）、丁戊己（分管综合科）', '', '序号\t科室\t岗位\t工作事项\t负责人', '1\t综合科\t综合管理岗\t公文处理\t庚辛壬'].join('\n');
    const leaders = parseManual('石浦县不动产登记中心岗位履职清单.txt', text).records.filter((r) => r.kind === 'leader');
    expect(leaders.map((r) => [r.post, r.lead, r.oversees])).toEqual([
      ['中心主任', ['司马甲乙'], []],
      ['副主任', ['甲乙丙'], ['登记科']],
      ['副主任', ['丁戊己'], ['综合科']],
    ]);
  });

  it('takes a signature row of a duty table ("大队长：某某　填表日期：…") as the leader', () => {
    const text = ['石浦县执法大队工作任务分工', '', '序号\t工作事项\t负责人\t配合人员\t时限要求', '1\t动态巡查\t中队长 甲乙丙\t队员 丁戊己\t每周2次', '大队长：庚辛壬　　填表日期：2025年2月10日\t\t\t\t'].join('\n');
    const records = parseManual('石浦县执法大队工作任务分工.txt', text).records;
    expect(records.filter((r) => r.kind === 'leader').map((r) => [r.post, r.lead])).toEqual([['大队长', ['庚辛壬']]]);
    expect(records.find((r) => r.item === '动态巡查')?.assistants).toEqual(['丁戊己']);
  });

  it('never takes 队员 for a name', () => {
    expect(namesIn('队员 甲乙丙、队员 丁戊己')).toEqual(['甲乙丙', '丁戊己']);
  });
});

describe('a red-headed notice with its list attached', () => {
  const notice = [
    '石浦市自然资源和规划局文件',
    '石自然资发〔2025〕18号',
    '关于印发《2025年耕地保护重点工作责任分工》的通知',
    '局机关各科室，市执法监察支队，各县（区）自然资源局：',
    '现将责任分工印发给你们，请认真抓好落实。',
    '石浦市自然资源和规划局',
    '2025年2月26日',
    '附件',
    '2025年耕地保护重点工作责任分工表',
    '序号\t重点工作\t牵头科室\t责任人\t配合单位\t完成时限',
    '1\t耕地保护党政同责考核\t耕地保护监督科\t科长甲乙丙\t各县（区）自然资源局\t12月底前',
  ].join('\n');

  it('is the issuer\'s, not its addressees\', and reads 重点工作 as the work item', () => {
    expect(unitInTitle('局机关各科室，市执法监察支队，各县（区）自然资源局：')).toBeNull();
    const { records } = parseManual('通知.txt', notice);
    expect(new Set(records.map((r) => r.unit))).toEqual(new Set(['石浦市自然资源和规划局']));
    const item = records.find((r) => r.item === '耕地保护党政同责考核');
    expect(item?.kind).toBe('item');
    expect(item?.department).toBe('耕地保护监督科');
    expect(item?.lead).toEqual(['甲乙丙']);
    // "各县（区）自然资源局" co-operates; it is no one's name.
    expect(item?.assistants).toEqual([]);
  });
});

describe('a workbook with a sheet per unit', () => {
  function sheet(name: string, rows: string[][], line: number): TableBlock {
    return {
      kind: 'table',
      rows: rows.length,
      cols: rows[0]!.length,
      cells: rows.flatMap((row, r) => row.map((text, c) => ({ text, r, c, rowSpan: 1, colSpan: 1 }))),
      rowProv: rows.map((_, i) => ({ line: line + i })),
      prov: { line },
      sheet: name,
    };
  }

  it('makes a sheet named for a body with a place of its own a unit below the bureau; a section sheet stays a section', () => {
    const head = ['岗位', '工作事项', '责任人'];
    const parsed = parseDocument({
      file: '石浦区自然资源局及所属单位岗位责任清单.xlsx',
      format: 'xlsx',
      warnings: [],
      body: [sheet('办公室', [head, ['文秘岗', '公文收发', '甲乙丙']], 1), sheet('北岭街道自然资源所', [head, ['农房报建岗', '农村村民住宅建设申请初审', '丁戊己']], 10)],
    });
    const office = parsed.records.find((r) => r.item === '公文收发')!;
    expect([office.unit, office.department]).toEqual(['石浦区自然资源局', '办公室']);
    const station = parsed.records.find((r) => r.item === '农村村民住宅建设申请初审')!;
    expect([station.unit, station.department, station.parentUnit]).toEqual(['北岭街道自然资源所', null, '石浦区自然资源局']);
  });
});
