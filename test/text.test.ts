import { describe, expect, it } from 'vitest';
import {
  chineseNumeral,
  extractTimeLimit,
  flowCodes,
  itemOrdinal,
  joinDuties,
  normalisePost,
  shortStep,
  splitEntries,
  splitNames,
  stepsFromResponsibilities,
  stripHtml,
  workingDays,
} from '../ingest/text.js';

describe('names justified with spaces', () => {
  it('rejoins single characters two by two', () => {
    expect(splitNames('张 亚')).toEqual(['张亚']);
    expect(splitNames('韩 山 赵 阳 刘 聪')).toEqual(['韩山', '赵阳', '刘聪']);
    expect(splitNames('李 伟 张 峰 秦曾艳')).toEqual(['李伟', '张峰', '秦曾艳']);
    expect(splitNames('马洪保 苗敬法 侯荣贵 周 健 满洪学 王金峰')).toEqual(['马洪保', '苗敬法', '侯荣贵', '周健', '满洪学', '王金峰']);
  });
  it('keeps a run of three as one name and drops empty cells', () => {
    expect(splitNames('秦 曾 艳')).toEqual(['秦曾艳']);
    expect(splitNames('')).toEqual([]);
    expect(splitNames(undefined)).toEqual([]);
  });
});

describe('ordinals and codes', () => {
  it('reads Chinese ordinals up to the teens', () => {
    expect(chineseNumeral('十六')).toBe(16);
    expect(chineseNumeral('二十')).toBe(20);
    expect(itemOrdinal('十、测绘作业证初审工作')).toBe(10);
    expect(itemOrdinal('一、各级收文及公文督办')).toBe(1);
    expect(itemOrdinal('主持局党组、局机关全面工作。')).toBeNull();
  });
  it('reads flow codes with and without 详见', () => {
    expect(flowCodes('4-1-1-1 4-1-1-2')).toEqual(['4-1-1-1', '4-1-1-2']);
    expect(flowCodes('<p>详见 07-2-1 07-2-2</p>')).toEqual(['07-2-1', '07-2-2']);
    expect(flowCodes('详见09-1')).toEqual(['09-1']);
    expect(flowCodes('')).toEqual([]);
  });
  it('normalises the post cell', () => {
    expect(normalisePost('业务岗6: 地理国情监测评价和测绘管理岗')).toBe('业务岗6：地理国情监测评价和测绘管理岗');
    expect(normalisePost('业务岗10： 耕地和生态修复规划岗')).toBe('业务岗10：耕地和生态修复规划岗');
  });
});

describe('cells', () => {
  it('strips a cell with nothing to strip as it strips any other (the fast path changes nothing)', () => {
    const full = (cell: string) =>
      cell
        .replace(/<\s*(li|p|br)\b[^>]*>/gi, '\n')
        .replace(/<[^>]+>/g, ' ')
        .replace(/&nbsp;/g, ' ')
        .replace(/[ \t\u3000]+/g, ' ')
        .replace(/ *\n[ \n]*/g, '\n')
        .trim();
    const alphabet = ['负责', '审批', ' ', '  ', '\t', '\u3000', '\n', '\r', '<', '>', '<br>', '<li>', '&nbsp;', '&', 'a', '\u00a0', '；'];
    let seed = 11;
    const next = () => (seed = (Math.imul(seed, 1103515245) + 12345) & 0x7fffffff) / 0x7fffffff;
    for (let n = 0; n < 5000; n++) {
      const cell = Array.from({ length: Math.floor(next() * 12) }, () => alphabet[Math.floor(next() * alphabet.length)]).join('');
      expect(stripHtml(cell)).toBe(full(cell));
    }
  });
  it('strips HTML fragments', () => {
    expect(stripHtml('<ol style="list-style-type: none"> <li>负责甲。</li> <li>负责乙。</li> </ol>')).toBe('负责甲。\n负责乙。');
    expect(splitEntries('<p>1. 受理责任: 甲。</p> <p>2. 审核责任: 乙。</p>')).toEqual(['受理责任: 甲。', '审核责任: 乙。']);
  });
  it('splits numbered and semicolon lists', () => {
    expect(splitEntries('1. 编制部门年度预、决算; 2. 非税收入征收管理; 3. 绩效评价管理工作。')).toEqual([
      '编制部门年度预、决算',
      '非税收入征收管理',
      '绩效评价管理工作。',
    ]);
  });
  it('derives ordered steps from numbered responsibilities', () => {
    const resp = splitEntries(
      '1. 受理责任: 依法依规受理。 2. 审核责任: 审核各项材料。 3. 复核责任: 复核。 4. 转报责任: 转报市局、省厅。 5. 核发责任: 核发。 6. 请示报告责任: 报告。',
    );
    expect(stepsFromResponsibilities(resp)).toEqual(['受理', '审核', '复核', '转报', '核发', '请示报告']);
    // One step left once the time limit is set aside: no sequence, so no step list.
    expect(stepsFromResponsibilities(['1. 受理责任: 甲', '3. 时限责任: 受理、审查5个工作日。'])).toEqual([]);
  });
  it('finds time limits', () => {
    expect(extractTimeLimit(['时限责任: 受理、审查5个工作日。'])).toBe('5个工作日');
    expect(extractTimeLimit(['办结责任: 在法定时限内办结。'])).toBe('在法定时限内办结');
    expect(extractTimeLimit(['审核责任: 按照要求审核各项材料。'])).toBeNull();
    expect(workingDays('5个工作日')).toBe(5);
    expect(workingDays('在法定时限内办结')).toBeNull();
  });
});

describe('steps that are steps', () => {
  it('responsibilities that share one label are named by their own text, never the label alone', () => {
    const resp = splitEntries(
      '1. 落实责任: 科学合理审核、编制和执行年度预算及决算, 配合业务股室做好日常非税收入征收管理工作 2. 落实责任: 配合业务股室, 做好绩效管理评价工作 3. 落实责任: 指导下属单位做好预算管理和绩效评价工作。',
    );
    const steps = stepsFromResponsibilities(resp);
    expect(steps).toEqual(['科学合理审核、编制和执行年度预算及决算', '配合业务股室，做好绩效管理评价工作', '指导下属单位做好预算管理和绩效评价工作']);
    expect(steps).not.toContain('落实');
  });

  it('two labels over three or four responsibilities say nothing either', () => {
    const steps = stepsFromResponsibilities(['1. 管理责任: 做好固定资产日常管理和维护工作', '2. 落实责任: 加强内部审计监督工作', '3. 落实责任: 配合做好政府采购申请']);
    expect(steps).toEqual(['做好固定资产日常管理和维护工作', '加强内部审计监督工作', '配合做好政府采购申请']);
  });

  it('a single responsibility is no step list', () => {
    expect(stepsFromResponsibilities(['管理责任:负责推进、指导、协调和监督全局政府信息主动和依申请公开工作。'])).toEqual([]);
    expect(stepsFromResponsibilities(['组织实施责任。落实上级规定、要求，实施基本农田划定工作'])).toEqual([]);
  });

  it('informative labels stay, one repeat among many does not switch to text', () => {
    const resp = ['1. 落实制度责任: 甲', '2. 组织实施责任: 乙', '3. 监督政策执行责任: 丙', '4. 组织实施责任: 丁', '5. 审核责任: 戊', '6. 审核责任: 己'];
    expect(stepsFromResponsibilities(resp)).toEqual(['落实制度', '组织实施', '监督政策执行', '审核']);
  });

  it('shortens a step to its first clause, at most 24 characters', () => {
    expect(shortStep('及时准确办理费用报销')).toBe('及时准确办理费用报销');
    expect(shortStep('对公文基本格式进行把关, 审核用印是否符合有关规定')).toBe('对公文基本格式进行把关');
    // Too long: cut after a whole listed term, not inside one.
    expect(shortStep('组织实施档案资料的收集-整理-装订-编目-统计-归档等工作以为档案数字化管理工作')).toBe('组织实施档案资料的收集-整理-装订-编目…');
    expect(shortStep('配合业务股室做好代理机构选取和政府采购申请、购买等工作')).toBe('配合业务股室做好代理机构选取和政府采购申请…');
    expect([...shortStep('甲'.repeat(40))].length).toBe(24);
  });
});

describe('time limits written as words', () => {
  it('reads 立即受理 from a real manual sentence, as printed', () => {
    expect(extractTimeLimit(['受理责任: 依法依规受理测绘作业证申请材料。齐全、符合法定形式的, 立即受理; 不齐全或者不符合法定形式的, 退回并一次性告知。'])).toBe('立即受理');
  });

  it('keeps every limit a row states, in order', () => {
    const resp = ['1. 受理责任：齐全、符合法定形式的，立即受理；不齐全的，退回。', '4. 办结责任：在法定时限内办结。'];
    expect(extractTimeLimit(resp)).toBe('立即受理；在法定时限内办结');
  });

  it('reads immediacy words, day counts and months', () => {
    expect(extractTimeLimit(['申请材料齐全的，当场受理并出具受理通知书'])).toBe('当场受理');
    expect(extractTimeLimit(['对群众来电即时答复'])).toBe('即时答复');
    expect(extractTimeLimit(['本事项为即办件'])).toBe('即办件');
    expect(extractTimeLimit(['收到申请后当日办结'])).toBe('当日办结');
    expect(extractTimeLimit(['自受理之日起10个工作日内作出决定'])).toBe('10个工作日内');
    expect(extractTimeLimit(['应当在三个月内完成审查'])).toBe('三个月内');
    expect(extractTimeLimit(['申请人应于收到通知之日起15日内补正'])).toBe('15日内');
    expect(extractTimeLimit(['在法定期限内作出决定'])).toBe('在法定期限内作出决定');
  });

  it('vague words and immediacy without an act are no limit', () => {
    expect(extractTimeLimit(['根据具体情况，及时逐级请示报告。'])).toBeNull();
    expect(extractTimeLimit(['同相关部门及时沟通，尽快完成工作任务。'])).toBeNull();
    expect(extractTimeLimit(['立即'])).toBeNull();
  });

  it('working days are still read from a limit printed with 内', () => {
    expect(workingDays('10个工作日内')).toBe(10);
    expect(workingDays('立即受理')).toBeNull();
  });
});

describe('joined duty text', () => {
  it('never doubles punctuation', () => {
    const joined = joinDuties(['负责开发利用和所有者权益科全面工作。', '负责局领导交办的其它工作；', '编制年度计划。。', '；', '完成上级交办的任务']);
    expect(joined).toBe('负责开发利用和所有者权益科全面工作；负责局领导交办的其它工作；编制年度计划；完成上级交办的任务。');
    expect(joined).not.toMatch(/[。；;，,、][。；;，,、]/);
  });

  it('collapses doubled marks inside an entry and handles empty lists', () => {
    expect(joinDuties(['拟定方案。；组织实施'])).toBe('拟定方案。组织实施。');
    expect(joinDuties([])).toBe('');
    expect(joinDuties(['。'])).toBe('');
  });
});
