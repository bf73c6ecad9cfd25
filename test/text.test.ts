import { describe, expect, it } from 'vitest';
import {
  chineseNumeral,
  extractTimeLimit,
  flowCodes,
  itemOrdinal,
  normalisePost,
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
    expect(stepsFromResponsibilities(['1. 受理责任: 甲', '3. 时限责任: 受理、审查5个工作日。'])).toEqual(['受理']);
  });
  it('finds time limits', () => {
    expect(extractTimeLimit(['时限责任: 受理、审查5个工作日。'])).toBe('5个工作日');
    expect(extractTimeLimit(['办结责任: 在法定时限内办结。'])).toBe('在法定时限内办结');
    expect(extractTimeLimit(['审核责任: 按照要求审核各项材料。'])).toBeNull();
    expect(workingDays('5个工作日')).toBe(5);
    expect(workingDays('在法定时限内办结')).toBeNull();
  });
});
