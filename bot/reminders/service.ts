import type { DutyRecord } from '../../ingest/record.js';
import type { DutyEngine } from '../../retrieval/engine.js';
import { type Deadline, deadlineIdOf, occurrences } from './deadlines.js';
import type { Reminder, ReminderStore } from './store.js';
import type { ReminderView } from '../cards.js';
import { addDays, beijingDate, spellDate, type WorkCalendar } from './workCalendar.js';

/** Reminders due within this many working days are listed as "due soon". */
export const SOON_WORKDAYS = 3;
/** Calendar deadlines missed while nobody was subscribed are not dug up from further back. */
const CALENDAR_LOOKBACK_DAYS = 30;

export interface DigestSections {
  chatId: string;
  date: string;
  overdue: Reminder[];
  today: Reminder[];
  soon: Reminder[];
}

export const postTopic = (r: Pick<DutyRecord, 'unit' | 'post'>) => `post:${r.unit}|${r.post}`;

/** Reminders and digests: storage, the statutory calendar, the recurring deadlines and the manuals together. */
export class ReminderService {
  constructor(
    readonly store: ReminderStore,
    readonly calendar: WorkCalendar,
    readonly deadlines: Deadline[],
    private readonly engine: () => DutyEngine,
  ) {}

  record(id: string | null): DutyRecord | null {
    return id ? this.engine().record(id) : null;
  }

  /** A reminder with what cards show about it, as seen on `today`. */
  view(r: Reminder, today: string): ReminderView {
    const n = this.calendar.workdaysBetween(today, r.dueDate);
    const days = Math.round((Date.parse(r.dueDate) - Date.parse(today)) / 86_400_000);
    let distance: string;
    if (r.status !== 'open') distance = r.status === 'done' ? '已完成' : '已取消';
    else if (days === 0) distance = '今天到期';
    else if (days < 0) distance = n < 0 ? `已逾期 ${-n} 个工作日` : `已逾期 ${-days} 天`;
    else distance = n > 0 ? `还有 ${n} 个工作日` : `还有 ${days} 天（其间无工作日）`;
    const example = r.origin === 'calendar' && this.deadlines.some((d) => d.example && d.id === deadlineIdOf(r.calendarKey));
    return { r, record: this.record(r.recordId), due: spellDate(r.dueDate, r.dueTime), distance, example };
  }

  /** The digest of one chat for one working day; null when the chat is not subscribed. */
  async digest(chatId: string, date: string, now: number): Promise<DigestSections | null> {
    const subs = await this.store.subscriptions(chatId);
    const named = this.deadlines.some((d) => d.chats !== 'subscribed' && d.chats.includes(chatId));
    if (subs.length === 0 && !named) return null;
    const soonEnd = this.calendar.addWorkdays(date, SOON_WORKDAYS).date;
    const since = subs.length > 0 ? beijingDate(Math.min(...subs.map((s) => s.since))) : '0000-00-00';
    const from = [since, addDays(date, -CALENDAR_LOOKBACK_DAYS)].sort().at(-1)!;
    const topics = new Set(subs.map((s) => s.topic));
    for (const d of this.deadlines) {
      const applies =
        d.chats === 'subscribed' ? topics.has('*') || (d.record !== null && topics.has(postTopic(d.record))) : d.chats.includes(chatId);
      if (!applies) continue;
      const noticeEnd = this.calendar.addWorkdays(date, Math.max(d.noticeWorkdays, 0)).date;
      for (const occ of occurrences(d, this.calendar, from, noticeEnd)) {
        await this.store.create(
          {
            chatId,
            creator: null,
            assigneeName: d.record?.lead[0] ?? null,
            assigneeOpenId: null,
            title: d.title,
            dueDate: occ.dueDate,
            dueTime: null,
            recordId: d.record?.id ?? null,
            origin: 'calendar',
            calendarKey: occ.key,
          },
          now,
        );
      }
    }
    const open = await this.store.open({ chatId });
    const shown = open.filter((r) => r.origin === 'calendar' || r.dueDate <= soonEnd);
    return {
      chatId,
      date,
      overdue: shown.filter((r) => r.dueDate < date),
      today: shown.filter((r) => r.dueDate === date),
      soon: shown.filter((r) => r.dueDate > date),
    };
  }

  /** The chats that get digests: every chat with a subscription, and chats named by a deadline. */
  async digestChats(): Promise<string[]> {
    const chats = new Set((await this.store.subscriptions()).map((s) => s.chatId));
    for (const d of this.deadlines) if (d.chats !== 'subscribed') d.chats.forEach((c) => chats.add(c));
    return [...chats].sort();
  }
}
