import type { DutyRecord } from '../../ingest/record.js';
import { addDays, type WorkCalendar } from './workCalendar.js';

/** One recurring deadline of `seeds/deadlines.json`. */
export interface Deadline {
  id: string;
  title: string;
  due: { yearly: string } | { monthly: number; months?: number[] };
  /** Due this many working days before the date of `due`. */
  workdaysBefore: number;
  /** Shown in digests from this many working days before it is due. */
  noticeWorkdays: number;
  item: { unit: string; item: string };
  /** "subscribed": every chat subscribed to all reminders or to the item's post; or chat ids. */
  chats: 'subscribed' | string[];
  /** The work item in the manuals, resolved when loaded. */
  record: DutyRecord | null;
  /**
   * True while the file is the shipped sample (`"example": true` at its top): every place that shows
   * the deadline says so, until an administrator edits the file and removes the flag.
   */
  example: boolean;
}

/** Shown next to sample deadlines wherever they appear. */
export const EXAMPLE_DEADLINES_NOTE = '示例：请管理员按本单位实际修改 seeds/deadlines.json';

/** The id of the calendar deadline a reminder was created from ("<deadline id>:<due date>"). */
export const deadlineIdOf = (calendarKey: string | null): string | null => (calendarKey ? calendarKey.slice(0, calendarKey.lastIndexOf(':')) : null);

export interface Occurrence {
  deadline: Deadline;
  /** The day it is due (after workdaysBefore). */
  dueDate: string;
  key: string;
}

export class DeadlineFileError extends Error {}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The records of a unit: all records, or a lookup by unit (a large corpus holds them in its index). */
export type UnitRecords = readonly DutyRecord[] | ((unit: string) => readonly DutyRecord[]);

/** Reads and checks the calendar; every problem names the entry and what is wrong. */
export function parseDeadlines(json: string, records: UnitRecords): { deadlines: Deadline[]; warnings: string[] } {
  let data: unknown;
  try {
    data = JSON.parse(json);
  } catch (e) {
    throw new DeadlineFileError(`deadlines.json 不是合法的 JSON：${(e as Error).message}`);
  }
  if (!isObject(data) || !Array.isArray(data.deadlines)) throw new DeadlineFileError('deadlines.json 应为 {"deadlines": [...]}');
  if (data.example !== undefined && typeof data.example !== 'boolean') throw new DeadlineFileError('deadlines.json 的 example 应为 true 或 false');
  const example = data.example === true;
  const warnings: string[] = [];
  const seen = new Set<string>();
  const deadlines = data.deadlines.map((raw, i): Deadline => {
    const where = `deadlines[${i}]`;
    if (!isObject(raw)) throw new DeadlineFileError(`${where} 应为对象`);
    const id = raw.id;
    if (typeof id !== 'string' || !id) throw new DeadlineFileError(`${where} 缺少 id`);
    if (seen.has(id)) throw new DeadlineFileError(`${where} 的 id “${id}”重复`);
    seen.add(id);
    if (typeof raw.title !== 'string' || !raw.title) throw new DeadlineFileError(`${id}：缺少 title`);
    const due = raw.due;
    let parsedDue: Deadline['due'];
    if (isObject(due) && typeof due.yearly === 'string' && /^\d{2}-\d{2}$/.test(due.yearly) && !Number.isNaN(Date.parse(`2024-${due.yearly}`))) {
      parsedDue = { yearly: due.yearly };
    } else if (isObject(due) && Number.isInteger(due.monthly) && (due.monthly as number) >= 1 && (due.monthly as number) <= 31) {
      const months = due.months;
      if (months !== undefined && (!Array.isArray(months) || months.some((m) => !Number.isInteger(m) || m < 1 || m > 12))) {
        throw new DeadlineFileError(`${id}：due.months 应为 1–12 的数组`);
      }
      parsedDue = { monthly: due.monthly as number, ...(months ? { months: months as number[] } : {}) };
    } else {
      throw new DeadlineFileError(`${id}：due 应为 {"yearly": "MM-DD"} 或 {"monthly": 日}`);
    }
    const int = (v: unknown, name: string, dflt: number) => {
      if (v === undefined) return dflt;
      if (!Number.isInteger(v) || (v as number) < 0) throw new DeadlineFileError(`${id}：${name} 应为非负整数`);
      return v as number;
    };
    const item = raw.item;
    if (!isObject(item) || typeof item.unit !== 'string' || typeof item.item !== 'string') {
      throw new DeadlineFileError(`${id}：item 应为 {"unit": "单位", "item": "事项名称中的文字"}`);
    }
    const chats = raw.chats ?? 'subscribed';
    if (chats !== 'subscribed' && !(Array.isArray(chats) && chats.every((c) => typeof c === 'string'))) {
      throw new DeadlineFileError(`${id}：chats 应为 "subscribed" 或 chat_id 列表`);
    }
    const ofUnit = typeof records === 'function' ? records(item.unit) : records;
    const matches = ofUnit.filter((r) => r.unit === item.unit && r.item.includes(item.item as string));
    if (matches.length === 0) warnings.push(`${id}：手册中找不到“${item.unit}”的事项“${item.item}”，提醒里不显示负责人`);
    if (matches.length > 1) warnings.push(`${id}：“${item.item}”对应 ${matches.length} 个事项，取第一个（${matches[0]!.item}）`);
    return {
      id,
      title: raw.title,
      due: parsedDue,
      workdaysBefore: int(raw.workdaysBefore, 'workdaysBefore', 0),
      noticeWorkdays: int(raw.noticeWorkdays, 'noticeWorkdays', 3),
      item: { unit: item.unit, item: item.item as string },
      chats: chats as Deadline['chats'],
      record: matches[0] ?? null,
      example,
    };
  });
  return { deadlines, warnings };
}

function lastDay(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** The nominal dates of a deadline (before workdaysBefore) in the years/months around [from, to]. */
function nominalDates(d: Deadline, from: string, to: string): string[] {
  const out: string[] = [];
  const y0 = Number(from.slice(0, 4)) - 1;
  const y1 = Number(to.slice(0, 4)) + 1;
  for (let y = y0; y <= y1; y++) {
    if ('yearly' in d.due) {
      const [m, day] = d.due.yearly.split('-').map(Number) as [number, number];
      out.push(`${y}-${String(m).padStart(2, '0')}-${String(Math.min(day, lastDay(y, m))).padStart(2, '0')}`);
    } else {
      for (let m = 1; m <= 12; m++) {
        if (d.due.months && !d.due.months.includes(m)) continue;
        out.push(`${y}-${String(m).padStart(2, '0')}-${String(Math.min(d.due.monthly, lastDay(y, m))).padStart(2, '0')}`);
      }
    }
  }
  return out;
}

/** The N-th working day before `date`. */
function workdaysBefore(cal: WorkCalendar, date: string, n: number): string {
  let d = date;
  for (let left = n; left > 0; ) {
    d = addDays(d, -1);
    if (cal.isWorkday(d)) left--;
  }
  return d;
}

/** Occurrences due within [from, to] (Beijing dates). */
export function occurrences(d: Deadline, cal: WorkCalendar, from: string, to: string): Occurrence[] {
  return nominalDates(d, from, to)
    .map((nominal) => (d.workdaysBefore > 0 ? workdaysBefore(cal, nominal, d.workdaysBefore) : nominal))
    .filter((due) => due >= from && due <= to)
    .map((dueDate) => ({ deadline: d, dueDate, key: `${d.id}:${dueDate}` }));
}
