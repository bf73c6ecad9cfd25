import { describe, expect, it } from 'vitest';
import { parseDue } from '../bot/reminders/dueDate.js';
import { spellDate, WorkCalendar } from '../bot/reminders/workCalendar.js';

const at = (iso: string) => Date.parse(iso);

describe('due dates in plain Chinese, read in Beijing time', () => {
  it('reads "前" as "by" and keeps the rest as the task', () => {
    expect(parseDue('11月30日前 报送耕地保护自查报告', at('2026-11-22T02:00:00Z'))).toMatchObject({ date: '2026-11-30', time: null, rest: '报送耕地保护自查报告' });
  });

  it('counts weeks from Monday: 下周五 on a Sunday is five days away', () => {
    expect(parseDue('下周五 交测绘资质年度报告', at('2026-11-22T02:00:00Z'))!.date).toBe('2026-11-27');
    expect(parseDue('下周五 交报告', at('2026-11-25T02:00:00Z'))!.date).toBe('2026-12-04');
    expect(parseDue('周五下午3点 开会', at('2026-11-22T02:00:00Z'))).toMatchObject({ date: '2026-11-27', time: '15:00' });
  });

  it('uses the Beijing date late at night (23:30 Beijing is 15:30 UTC) and just after midnight', () => {
    expect(parseDue('明天下午3点开会', at('2026-11-22T15:30:00Z'))).toMatchObject({ date: '2026-11-23', time: '15:00' });
    expect(parseDue('明天 交材料', at('2026-11-22T16:30:00Z'))!.date).toBe('2026-11-24');
    expect(parseDue('今天 交材料', at('2026-11-22T16:30:00Z'))!.date).toBe('2026-11-23');
  });

  it('does not depend on the machine time zone', () => {
    const saved = process.env.TZ;
    try {
      process.env.TZ = 'America/Los_Angeles';
      expect(parseDue('明天下午3点开会', at('2026-11-22T15:30:00Z'))).toMatchObject({ date: '2026-11-23', time: '15:00' });
      expect(parseDue('下周五', at('2026-11-22T15:30:00Z'))!.date).toBe('2026-11-27');
      expect(parseDue('明天 交材料', at('2026-11-22T16:30:00Z'))!.date).toBe('2026-11-24');
      expect(parseDue('今晚8点 开会', at('2026-11-22T16:30:00Z'))).toMatchObject({ date: '2026-11-23', time: '20:00' });
      expect(parseDue('3天后 上报', at('2026-11-22T16:30:00Z'))!.date).toBe('2026-11-26');
    } finally {
      process.env.TZ = saved;
    }
  });

  it('handles month and year ends', () => {
    expect(parseDue('月底前 报表', at('2026-11-22T02:00:00Z'))!.date).toBe('2026-11-30');
    expect(parseDue('月底前 报表', at('2026-02-10T02:00:00Z'))!.date).toBe('2026-02-28');
    expect(parseDue('下个月15号前交材料', at('2026-12-20T02:00:00Z'))!.date).toBe('2027-01-15');
    expect(parseDue('下月底 总结', at('2026-12-20T02:00:00Z'))!.date).toBe('2027-01-31');
    expect(parseDue('年底前 总结', at('2026-12-31T02:00:00Z'))!.date).toBe('2026-12-31');
    expect(parseDue('1月3日 上报', at('2026-12-30T02:00:00Z'))!.date).toBe('2027-01-03');
    expect(parseDue('十二月一日前上报', at('2026-11-22T02:00:00Z'))!.date).toBe('2026-12-01');
  });

  it('returns null when no date is named', () => {
    expect(parseDue('交报告', at('2026-11-22T02:00:00Z'))).toBeNull();
    expect(parseDue('', at('2026-11-22T02:00:00Z'))).toBeNull();
  });
});

describe('the statutory working-day calendar', () => {
  const cal = new WorkCalendar();
  it('knows the National Day holiday and the make-up Saturday', () => {
    for (let d = 1; d <= 7; d++) expect(cal.isWorkday(`2026-10-0${d}`)).toBe(false);
    expect(cal.isWorkday('2026-10-10')).toBe(true);
    expect(cal.isWorkday('2026-10-11')).toBe(false);
    expect(cal.holidayName('2026-10-03')).toBe('国庆节');
  });

  it('adds working days across the holiday', () => {
    const r = cal.addWorkdays('2026-09-30', 5);
    expect(r.unknownYears).toEqual([]);
    expect(cal.workdaysBetween('2026-09-30', r.date)).toBe(5);
    expect(r.date > '2026-10-10').toBe(true);
    expect(cal.addWorkdays('2026-11-20', 1).date).toBe('2026-11-23');
  });

  it('warns about years it has no data for instead of silently using weekdays', () => {
    expect(cal.knows(2026)).toBe(true);
    expect(cal.knows(2027)).toBe(false);
    const r = cal.addWorkdays('2026-12-29', 5);
    expect(r.unknownYears).toEqual([2027]);
    expect(WorkCalendar.warning(r.unknownYears)).toContain('2027 年的法定节假日安排尚未收录');
    const known = new WorkCalendar({ '2027': { holidays: ['2027-01-01'], workdays: [] } });
    expect(known.knows(2027)).toBe(true);
    expect(known.isWorkday('2027-01-01')).toBe(false);
  });

  it('spells dates out', () => {
    expect(spellDate('2026-11-30')).toBe('2026年11月30日（星期一）');
    expect(spellDate('2026-11-23', '15:00')).toBe('2026年11月23日（星期一） 15:00');
  });
});
