import { hans } from 'chrono-node/zh';
import { anyNumeral } from '../../ingest/text.js';
import { addDays, beijingDate, beijingTime, weekdayOf } from './workCalendar.js';

export interface ParsedDue {
  date: string;
  time: string | null;
  /** The text that named the date, as the user wrote it. */
  said: string;
  /** The text with the date (and a following 前/之前) removed. */
  rest: string;
}

const WEEKDAYS: Record<string, number> = { 一: 1, 二: 2, 三: 3, 四: 4, 五: 5, 六: 6, 日: 7, 天: 7, '1': 1, '2': 2, '3': 3, '4': 4, '5': 5, '6': 6, '7': 7 };

const md = (date: string) => `${Number(date.slice(5, 7))}月${Number(date.slice(8, 10))}日`;
const ymd = (date: string) => `${Number(date.slice(0, 4))}年${md(date)}`;


function monthEnd(year: number, month: number): string {
  const y = month > 12 ? year + 1 : year;
  const m = ((month - 1) % 12) + 1;
  return addDays(m === 12 ? `${y + 1}-01-01` : `${y}-${String(m + 1).padStart(2, '0')}-01`, -1);
}

/**
 * Rewrites what chrono's Chinese parser gets wrong or misses into plain dates it reads:
 * weeks start on Monday ("下周五" on a Sunday is five days away), "下个月15号", "月底", "年底".
 */
function normalise(text: string, today: string): string {
  const [y, m] = [Number(today.slice(0, 4)), Number(today.slice(5, 7))];
  const monday = addDays(today, -((weekdayOf(today) + 6) % 7));
  const day = (n: number) => ymd(addDays(today, n));
  // chrono reads 今天/明天 in the machine's time zone, not the one it is given: name the dates here.
  return text
    .replace(/大后天/g, () => day(3))
    .replace(/后天/g, () => day(2))
    .replace(/明[天日]/g, () => day(1))
    .replace(/明晚/g, () => `${day(1)}晚上`)
    .replace(/明早/g, () => `${day(1)}早上`)
    .replace(/今[天日]/g, () => day(0))
    .replace(/今晚/g, () => `${day(0)}晚上`)
    .replace(/今早/g, () => `${day(0)}早上`)
    .replace(/(\d+|[一二三四五六七八九十]{1,3})\s*天[以之]?后/g, (_all, n: string) => day(anyNumeral(n) ?? 0))
    .replace(/(下下|下|本|这|这个)?(?:周|星期|礼拜)([一二三四五六日天1-7])/g, (all, which: string | undefined, day: string) => {
      const offset = WEEKDAYS[day]! - 1;
      if (which === '下') return ymd(addDays(monday, 7 + offset));
      if (which === '下下') return ymd(addDays(monday, 14 + offset));
      const thisWeek = addDays(monday, offset);
      if (which) return ymd(thisWeek);
      return ymd(thisWeek >= today ? thisWeek : addDays(thisWeek, 7));
    })
    .replace(/(下个?月|本月|这个?月)(\d{1,2}|[一二三四五六七八九十]{1,3})[号日]/g, (_all, which: string, d: string) => {
      const month = which.startsWith('下') ? m + 1 : m;
      const yy = month > 12 ? y + 1 : y;
      return `${yy}年${((month - 1) % 12) + 1}月${anyNumeral(d) ?? d}日`;
    })
    .replace(/(下个?|本|这个?)?月[底末]/g, (_all, which: string | undefined) => ymd(monthEnd(y, which?.startsWith('下') ? m + 1 : m)))
    .replace(/(今年|本年度?)?年[底末]/g, () => `${y}年12月31日`)
    .replace(/明年年?[底末]/g, () => `${y + 1}年12月31日`);
}

/**
 * The first date in `text`, read in Asia/Shanghai whatever the machine's time zone, forward from `now`.
 * Returns null when no date is named.
 */
export function parseDue(text: string, now: number): ParsedDue | null {
  const today = beijingDate(now);
  const rewritten = normalise(text, today);
  // Only the Chinese locale is loaded: the full chrono-node bundle costs about 10 MB more.
  const results = hans.parse(rewritten, { instant: new Date(now), timezone: 480 }, { forwardDate: true });
  const hit = results[0];
  if (!hit) return null;
  const s = hit.start;
  let year = s.get('year')!;
  const ymdOf = (y: number) => `${y}-${String(s.get('month')).padStart(2, '0')}-${String(s.get('day')).padStart(2, '0')}`;
  // chrono moves a month-day already past into next year; a date most of a year away was more likely a slip.
  if (!s.isCertain('year') && Date.parse(ymdOf(year)) - Date.parse(today) > 300 * 86_400_000) year -= 1;
  const date = ymdOf(year);
  const time = s.isCertain('hour') ? `${String(s.get('hour')).padStart(2, '0')}:${String(s.get('minute') ?? 0).padStart(2, '0')}` : null;
  const after = rewritten.slice(hit.index + hit.text.length);
  const by = after.match(/^\s*(?:之前|以前|前)/);
  const rest = `${rewritten.slice(0, hit.index)} ${after.slice(by ? by[0].length : 0)}`;
  return { date, time, said: (hit.text + (by ? by[0].trim() : '')).trim(), rest: rest.replace(/\s+/g, ' ').trim() };
}

/** True when the due moment is already past. */
export function isPast(due: { date: string; time: string | null }, now: number): boolean {
  const today = beijingDate(now);
  if (due.date !== today) return due.date < today;
  return due.time !== null && due.time <= beijingTime(now);
}
