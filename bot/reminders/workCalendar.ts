import cd from 'chinese-days';

/** Statutory holidays and make-up working days for years chinese-days does not have yet. */
export interface ExtraYears {
  [year: string]: { holidays: string[]; workdays: string[] };
}

const DAY_MS = 86_400_000;
const WEEKDAY = ['星期日', '星期一', '星期二', '星期三', '星期四', '星期五', '星期六'];

/** Beijing calendar date (YYYY-MM-DD) of an instant; China has no daylight saving. */
export function beijingDate(ms: number): string {
  return new Date(ms + 8 * 3600_000).toISOString().slice(0, 10);
}

/** Beijing wall-clock time (HH:MM) of an instant. */
export function beijingTime(ms: number): string {
  return new Date(ms + 8 * 3600_000).toISOString().slice(11, 16);
}

/** The instant of a Beijing date and time. */
export function beijingInstant(date: string, time = '00:00'): number {
  return Date.parse(`${date}T${time}:00+08:00`);
}

export function addDays(date: string, n: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + n * DAY_MS).toISOString().slice(0, 10);
}

export function weekdayOf(date: string): number {
  return new Date(`${date}T00:00:00Z`).getUTCDay();
}

/** "2026年11月30日（星期一）". */
export function spellDate(date: string, time?: string | null): string {
  const [y, m, d] = date.split('-').map(Number);
  return `${y}年${m}月${d}日（${WEEKDAY[weekdayOf(date)]}）${time ? ` ${time}` : ''}`;
}

/**
 * Working days on the Chinese statutory calendar: holidays off, make-up Saturdays and Sundays on.
 * chinese-days falls back to plain weekdays for years it has no data for; this class says so instead.
 */
export class WorkCalendar {
  private readonly covered = new Map<number, boolean>();

  constructor(private readonly extra: ExtraYears = {}) {}

  /** True when the holiday arrangement of `year` is known (bundled data or the extra file). */
  knows(year: number): boolean {
    if (this.extra[String(year)]) return true;
    let known = this.covered.get(year);
    if (known === undefined) {
      known = cd.getHolidaysInRange(`${year}-01-01`, `${year}-12-31`, false).length > 0;
      this.covered.set(year, known);
    }
    return known;
  }

  isWorkday(date: string): boolean {
    const extra = this.extra[date.slice(0, 4)];
    if (extra) {
      if (extra.workdays.includes(date)) return true;
      if (extra.holidays.includes(date)) return false;
      const w = weekdayOf(date);
      return w !== 0 && w !== 6;
    }
    return cd.isWorkday(date);
  }

  /** The holiday's name where `date` is a statutory holiday ("国庆节"). */
  holidayName(date: string): string | null {
    if (this.extra[date.slice(0, 4)]) return this.extra[date.slice(0, 4)]!.holidays.includes(date) ? '法定节假日' : null;
    const d = cd.getDayDetail(date);
    return !d.work && d.name.includes(',') ? (d.name.split(',')[1] ?? null) : null;
  }

  /** The n-th working day after `date` (n = 0: `date` itself if a working day, else the next one). */
  addWorkdays(date: string, n: number): { date: string; unknownYears: number[] } {
    const unknown = new Set<number>();
    const note = (d: string) => {
      const y = Number(d.slice(0, 4));
      if (!this.knows(y)) unknown.add(y);
    };
    let d = date;
    note(d);
    if (n === 0) {
      while (!this.isWorkday(d)) {
        d = addDays(d, 1);
        note(d);
      }
      return { date: d, unknownYears: [...unknown] };
    }
    for (let left = n; left > 0; ) {
      d = addDays(d, 1);
      note(d);
      if (this.isWorkday(d)) left--;
    }
    return { date: d, unknownYears: [...unknown] };
  }

  /** Working days from `from` (exclusive) to `to` (inclusive); negative when `to` is earlier. */
  workdaysBetween(from: string, to: string): number {
    if (to === from) return 0;
    const sign = to > from ? 1 : -1;
    let n = 0;
    for (let d = from; d !== to; ) {
      d = addDays(d, sign);
      if (this.isWorkday(d)) n += sign;
    }
    return n;
  }

  /** "2027 年的法定节假日安排尚未收录……" or null. */
  static warning(years: number[]): string | null {
    if (years.length === 0) return null;
    return `注意：${years.join('、')} 年的法定节假日安排尚未收录，按周一至周五计算工作日，可能不准确。请在 seeds/holidays.json 补充后核对。`;
  }
}
