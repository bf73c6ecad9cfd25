import { describe, expect, it } from 'vitest';
import { matchForm, normaliseCell } from '../ingest/normalise.js';

describe('matchForm', () => {
  it('maps Kangxi radicals and compatibility ideographs to unified ideographs, and nothing else through NFKC', () => {
    expect(matchForm('⼀、岗位职责清单')).toBe('一、岗位职责清单');
    expect(matchForm('公⽂审核，3个⼯作⽇')).toBe('公文审核，3个工作日');
    expect(matchForm('\uF929\uFA0C')).toBe('朗兀');
    // Full-width punctuation and digits stay as they are (NFKC would make them ASCII).
    expect(matchForm('（一）：３个')).toBe('（一）：３个');
  });

  it('maps CJK Radicals Supplement forms from a table', () => {
    expect(matchForm('⻝品安全、⻔户网站、⻓期')).toBe('食品安全、门户网站、长期');
  });

  it('turns traditional characters into simplified', () => {
    expect(matchForm('國土空間規劃與測繪管理')).toBe('国土空间规划与测绘管理');
    expect(matchForm('爲人民服務，裡外')).toBe('为人民服务，里外');
    expect(matchForm('岗位职责')).toBe('岗位职责');
  });

  it('removes pinyin glosses after Han characters, tone-marked or not', () => {
    expect(matchForm('規(guī)劃')).toBe('规划');
    expect(matchForm('规划（guī huà）管理')).toBe('规划管理');
    expect(matchForm('测绘(cehui)工作')).toBe('测绘工作');
    expect(matchForm('绿(lǜ)化')).toBe('绿化');
  });

  it('keeps brackets that are not pinyin', () => {
    expect(matchForm('地理信息(GIS)数据')).toBe('地理信息(GIS)数据');
    expect(matchForm('规划(2021-2035年)')).toBe('规划(2021-2035年)');
    expect(matchForm('岗位（兼）')).toBe('岗位（兼）');
    expect(matchForm('规划(xyz)')).toBe('规划(xyz)');
    expect(matchForm('Plan (draft)')).toBe('Plan (draft)');
  });

  it('drops stray question marks and replacement characters between Han characters only', () => {
    expect(matchForm('岗?位职？责\uFFFD清单')).toBe('岗位职责清单');
    expect(matchForm('是否办结？')).toBe('是否办结？');
    expect(matchForm('a?b 和 1？2')).toBe('a?b 和 1？2');
  });
});

describe('normaliseCell', () => {
  it('trims full-width spaces, NBSP and zero-width characters, keeping inner spaces and lines', () => {
    expect(normaliseCell('\u3000岗\u00A0位\u200B ')).toBe('岗 位');
    expect(normaliseCell(' 第一行 \r\n\r\n\u3000第二行\uFEFF')).toBe('第一行\n第二行');
    expect(normaliseCell('\u2003\u202F')).toBe('');
  });
});
