import { Cron } from 'croner';
import { type Card, digestCards, type MentionLookup, type ReminderView } from '../cards.js';
import type { Logger } from '../log.js';
import type { ReminderService } from './service.js';
import { beijingDate, beijingInstant } from './workCalendar.js';

export interface DigestSchedule {
  /** Cron expression, default "0 9 * * *". */
  cron: string;
  /** Time zone of the cron expression, default Asia/Shanghai. */
  timezone: string;
}

export interface DigestReport {
  date: string;
  workday: boolean;
  /** Why nothing was sent, where nothing was. */
  skipped: string | null;
  warning: string | null;
  chats: { chatId: string; overdue: number; today: number; soon: number; lines: string[]; cards: Card[]; queued: boolean }[];
}

/** Sends the cards of one chat's digest; the key makes a second send of the same digest a no-op. */
export type DigestSend = (chatId: string, cards: Card[], dedupeKey: string) => Promise<boolean>;

/**
 * The morning digest. Exactly once per (chat, date): every send goes through the outbox under the key
 * `digest:<chat>:<date>`, so a restart mid-run or a second instance only re-queues what is already there.
 */
export class DigestRunner {
  constructor(
    private readonly o: { service: ReminderService; send: DigestSend; mention: MentionLookup; schedule: DigestSchedule; log: Logger },
  ) {}

  /** When the schedule fires on a Beijing date, or null if it does not fire that day. */
  firstRunOn(date: string): number | null {
    const next = new Cron(this.o.schedule.cron, { timezone: this.o.schedule.timezone }).nextRun(new Date(beijingInstant(date) - 1));
    return next && beijingDate(next.getTime()) === date ? next.getTime() : null;
  }

  async run(date: string, now: number, opts: { dryRun?: boolean } = {}): Promise<DigestReport> {
    return this.runFor(await this.o.service.digestChats(), date, now, { ...opts, wholeDay: true });
  }

  /** The digests of some chats; the day is marked done only by a run over all of them (`wholeDay`). */
  async runFor(chats: string[], date: string, now: number, opts: { dryRun?: boolean; wholeDay?: boolean } = {}): Promise<DigestReport> {
    const { service, log } = this.o;
    const cal = service.calendar;
    const year = Number(date.slice(0, 4));
    const warning = cal.knows(year) ? null : `${year} 年的法定节假日安排尚未收录，按周一至周五判断工作日`;
    if (warning) log.warn('节假日数据缺失', { date, warning });
    const report: DigestReport = { date, workday: cal.isWorkday(date), skipped: null, warning, chats: [] };
    if (!report.workday) {
      const holiday = cal.holidayName(date);
      report.skipped = `${date} 不是工作日${holiday ? `（${holiday}）` : ''}，不发每日提醒`;
      if (!opts.dryRun) await service.store.markDigestDone(date, now);
      return report;
    }
    for (const chatId of chats) {
      const sections = await service.digest(chatId, date, now);
      if (!sections) continue;
      const views = {
        overdue: sections.overdue.map((r) => service.view(r, date)),
        today: sections.today.map((r) => service.view(r, date)),
        soon: sections.soon.map((r) => service.view(r, date)),
      };
      const total = views.overdue.length + views.today.length + views.soon.length;
      const cards = total > 0 ? digestCards(date, views, this.o.mention) : [];
      let queued = false;
      if (!opts.dryRun && cards.length > 0) queued = await this.o.send(chatId, cards, `digest:${chatId}:${date}`);
      const line = (label: string) => (v: ReminderView) =>
        `${label} #${v.r.id} ${v.example ? '〔示例〕' : ''}${v.r.title} | ${v.r.assigneeName ?? v.record?.lead.join('、') ?? v.r.assigneeOpenId ?? '未指定'} | ${v.due} | ${v.distance}${v.record?.flow?.codes.length ? ` | ${v.record.flow.codes.join(' ')}` : ''}`;
      const lines = [...views.overdue.map(line('逾期')), ...views.today.map(line('今天')), ...views.soon.map(line('近期'))];
      report.chats.push({ chatId, overdue: views.overdue.length, today: views.today.length, soon: views.soon.length, lines, cards, queued });
    }
    if (!opts.dryRun && opts.wholeDay) await service.store.markDigestDone(date, now);
    return report;
  }

  /** Runs today's digest if its time has come and it has not run: the cron job and the catch-up after downtime. */
  async runDue(now: number): Promise<DigestReport | null> {
    const today = beijingDate(now);
    const at = this.firstRunOn(today);
    if (at === null || now < at) return null;
    if (await this.o.service.store.digestDone(today)) return null;
    return this.run(today, now);
  }
}
