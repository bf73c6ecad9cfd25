import { itemTitle, md, type ReminderView, noticeCard, reminderCard, reminderListCards } from '../cards.js';
import { Composer } from '../chat/composer.js';
import { askedAs, type BotServices, type ChatContext } from '../chat/context.js';
import type { CardActionHandler } from '../feishu/bot.js';
import { isPast, parseDue } from './dueDate.js';
import type { NewReminder, Reminder } from './store.js';
import { limitDays } from '../../ingest/text.js';
import { corpusExamples, fillExamples } from '../../retrieval/examples.js';
import { addDays, beijingDate, WorkCalendar } from './workCalendar.js';

const DATE_EXAMPLES = [
  '提醒 11月30日前 报送{item}材料 @{person}',
  '提醒我 下周五 交年度工作总结',
  '明天下午3点提醒我开会',
  '受理 {limitItem}（按手册时限推算截止日）',
];

const badDate = (ctx: ChatContext, what: string) => {
  const ex = corpusExamples(ctx.services.engine.sampleRecords());
  const lines = DATE_EXAMPLES.filter((e) => ex.limitItem || !e.includes('{limitItem}')).map((e) => `- ${fillExamples(e, ex)}`);
  return noticeCard('没有看懂日期', `${what}\n\n可以这样写：\n${lines.join('\n')}\n\n这次没有保存任何提醒。`, 'orange');
};

/** The key of one side effect of the event being handled; null where there is no event (the console). */
const effectKey = (key: string | null | undefined, what: string): string | null => (key ? `${key}#${what}` : null);

/** "我" in a chat: the sender's open_id and the manual names bound to it. */
function me(ctx: ChatContext): { openId: string | null; names: string[] } {
  const openId = ctx.sender.openId;
  return { openId, names: openId ? ctx.services.namesOf(openId) : [] };
}

/** Anyone in the reminder's chat may change it; elsewhere only its creator or assignee. */
function mayChange(r: Reminder, chatId: string, openId: string | null, names: string[]): boolean {
  return r.chatId === chatId || (openId !== null && (r.creator === openId || r.assigneeOpenId === openId)) || (r.assigneeName !== null && names.includes(r.assigneeName));
}

async function changeStatus(
  services: BotServices,
  id: number,
  status: 'done' | 'cancelled',
  who: { chatId: string; openId: string | null; names: string[] },
  now: number,
  key: string | null,
): Promise<{ ok: boolean; message: string; view?: ReminderView }> {
  const svc = services.reminders;
  const r = await svc.store.get(id);
  if (!r) return { ok: false, message: `没有编号为 #${id} 的提醒。发送“本群提醒”查看编号。` };
  if (!mayChange(r, who.chatId, who.openId, who.names)) return { ok: false, message: `#${id} 不是本群的提醒，只有设置人或负责人可以修改。` };
  if (r.status !== 'open' && r.status === status) return { ok: true, message: `#${id} 已经是${status === 'done' ? '完成' : '取消'}状态。`, view: svc.view(r, beijingDate(now)) };
  const updated = (await svc.store.setStatus(id, status, now, who.openId, key))!;
  // The same click or message handled before, and the reminder changed since: that later change stands.
  if (updated.status !== status) return { ok: true, message: `#${id} 这次操作之前已处理过，之后又有改动，保持当前状态。`, view: svc.view(updated, beijingDate(now)) };
  return { ok: true, message: `#${id} 已${status === 'done' ? '完成' : '取消'}：${r.title}`, view: svc.view(updated, beijingDate(now)) };
}

/** Subscribing, setting, listing, finishing and moving reminders in plain Chinese. */
export function reminderCommands(): Composer<ChatContext> {
  const c = new Composer<ChatContext>();

  c.hears(/^(?:订阅提醒|订阅每日提醒|开启提醒)$/, async (ctx) => {
    const fresh = await ctx.services.reminders.store.subscribe(ctx.chat.id, '*', ctx.now, effectKey(ctx.eventKey, 'subscribe'));
    await ctx.reply(
      noticeCard(
        fresh ? '已订阅每日提醒' : '本群已订阅每日提醒',
        '每个工作日上午 9 点，我会把本群已逾期、今天到期和近 3 个工作日内到期的事项发在这里，附负责人。发送“取消订阅”停止。',
        'green',
      ),
    );
  }, '订阅提醒 / 取消订阅：每个工作日早上收到到期事项汇总');

  c.hears(/^(?:取消订阅|退订|退订提醒|关闭提醒)$/, async (ctx) => {
    const had = await ctx.services.reminders.store.unsubscribe(ctx.chat.id, effectKey(ctx.eventKey, 'unsubscribe'), ctx.now);
    await ctx.reply(noticeCard(had ? '已取消订阅' : '本群没有订阅', had ? '本群不再收到每日提醒。已设的提醒仍保留，发送“订阅提醒”可恢复。' : '发送“订阅提醒”开始接收每日提醒。'));
  });

  c.hears(/^(?:我的提醒|我的待办)$/, async (ctx) => {
    const svc = ctx.services.reminders;
    const { openId, names } = me(ctx);
    const list = await svc.store.open({ openId: openId ?? undefined, names });
    const today = beijingDate(ctx.now);
    await ctx.reply(...reminderListCards('我的提醒', list.map((r) => svc.view(r, today)), ctx.services.mention, '你没有未完成的提醒。'));
  }, '我的提醒 / 本群提醒：查看未完成的提醒');

  c.hears(/^(?:本群提醒|群提醒|提醒列表|全部提醒)$/, async (ctx) => {
    const svc = ctx.services.reminders;
    const list = await svc.store.open({ chatId: ctx.chat.id });
    const today = beijingDate(ctx.now);
    await ctx.reply(...reminderListCards('本群提醒', list.map((r) => svc.view(r, today)), ctx.services.mention, '本群没有未完成的提醒。'));
  });

  c.hears(/^(完成|已完成|办结|取消)\s*#?(\d+)$/, async (ctx) => {
    const status = ctx.match![1] === '取消' ? 'cancelled' : 'done';
    const res = await changeStatus(ctx.services, Number(ctx.match![2]), status, { chatId: ctx.chat.id, ...me(ctx) }, ctx.now, effectKey(ctx.eventKey, 'status'));
    await ctx.reply(res.view ? reminderCard(res.message, res.view, ctx.services.mention) : noticeCard('无法修改', res.message, 'orange'));
  }, '完成 12 / 取消 12 / 改期 12 12月5日：按编号处理提醒');

  c.hears(/^(?:改期|延期|顺延|推迟)\s*#?(\d+)\s*(?:到|至)?\s*(.*)$/, async (ctx) => {
    const svc = ctx.services.reminders;
    const id = Number(ctx.match![1]);
    const r = await svc.store.get(id);
    if (!r) return ctx.reply(noticeCard('无法改期', `没有编号为 #${id} 的提醒。`, 'orange'));
    const { openId, names } = me(ctx);
    if (!mayChange(r, ctx.chat.id, openId, names)) return ctx.reply(noticeCard('无法改期', `#${id} 不是本群的提醒，只有设置人或负责人可以修改。`, 'orange'));
    const due = parseDue(ctx.match![2] ?? '', ctx.now);
    if (!due) return ctx.reply(badDate(ctx, `“${md(ctx.match![2] || '（空）')}”里没有日期，例如“改期 ${id} 12月5日”。`));
    if (isPast(due, ctx.now)) return ctx.reply(badDate(ctx, `${md(due.said)} 已经过去了。`));
    const updated = (await svc.store.reschedule(id, due.date, due.time, ctx.now, openId, effectKey(ctx.eventKey, 'reschedule')))!;
    const warning = WorkCalendar.warning(svc.calendar.knows(Number(due.date.slice(0, 4))) ? [] : [Number(due.date.slice(0, 4))]);
    await ctx.reply(reminderCard(`已改期 #${id}`, svc.view(updated, beijingDate(ctx.now)), ctx.services.mention, { warning }));
  });

  c.hears(/^(?:受理|开始办理|已受理|收到)\s*(.+)$/, async (ctx) => {
    const svc = ctx.services.reminders;
    const what = ctx.match![1]!.trim();
    const answer = await ctx.services.answerer.ask(`${what} 时限`, askedAs(ctx));
    const withDays = answer.answers.find((a) => limitDays(a.timeLimit) !== null);
    if (!answer.found || !withDays) {
      const said = answer.answers.find((a) => a.timeLimit)?.timeLimit;
      const text = answer.found
        ? `手册里“${md(answer.answers[0]!.item)}”的时限是“${md(said ?? '未写明')}”，推算不出具体日期。请用“提醒 日期 事项”自己设定，例如：提醒 12月5日前 ${md(what)}`
        : `手册里没有找到“${md(what)}”这项工作，推算不出时限。请用“提醒 日期 事项”自己设定。`;
      return ctx.reply(noticeCard('无法按手册时限设提醒', text, 'orange'));
    }
    const limit = limitDays(withDays.timeLimit)!;
    // A row may state several limits ("立即受理；5个工作日内"): the title names the one counted.
    const counted = withDays.timeLimit!.split('；').find((p) => limitDays(p) !== null) ?? withDays.timeLimit!;
    const daysPhrase = counted.endsWith('内') ? counted : `${counted}内`;
    const today = beijingDate(ctx.now);
    const { date, unknownYears } = limit.working ? svc.calendar.addWorkdays(today, limit.days) : { date: addDays(today, limit.days), unknownYears: [] };
    const r = (await svc.store.create(
      {
        chatId: ctx.chat.id,
        creator: ctx.sender.openId,
        assigneeName: withDays.lead[0] ?? null,
        assigneeOpenId: null,
        title: `${what}（${daysPhrase}办结）`,
        dueDate: date,
        dueTime: null,
        recordId: withDays.id,
        origin: 'manual',
        calendarKey: null,
      },
      ctx.now,
      effectKey(ctx.eventKey, 'reminder'),
    ))!;
    await svc.store.subscribe(ctx.chat.id, '*', ctx.now, effectKey(ctx.eventKey, 'subscribe'));
    await ctx.reply(
      reminderCard(`已按手册时限设提醒 #${r.id}`, svc.view(r, today), ctx.services.mention, {
        warning: WorkCalendar.warning(unknownYears),
        note: `按“${itemTitle(withDays.item)}”的时限“${withDays.timeLimit}”，自今天起${limit.working ? '按法定工作日（节假日不计，调休上班日计入）' : ''}推算。本群已订阅每日提醒。`,
      }),
    );
  }, '受理 {limitItem}：按手册写的办理时限（如 5 个工作日）推算截止日并提醒');

  c.hears(/^提醒|提醒我/, async (ctx) => {
    const svc = ctx.services.reminders;
    const forMe = /提醒我/.test(ctx.text);
    const body = ctx.text.replace(/^提醒我?|提醒我/, ' ').trim();
    const due = parseDue(body, ctx.now);
    if (!due) return ctx.reply(badDate(ctx, `“${md(ctx.text)}”里没有找到日期。`));
    if (isPast(due, ctx.now)) return ctx.reply(badDate(ctx, `${md(due.said)} 已经过去了。`));
    let title = due.rest;
    const mention = forMe ? null : (ctx.mentions[0] ?? null);
    for (const m of ctx.mentions) title = title.split(`@${m.name}`).join(' ');
    const person = forMe || mention ? null : (ctx.services.engine.persons.find((p) => title.includes(p)) ?? null);
    if (person) title = title.replace(person, ' ');
    title = title.replace(/^[\s,，、:：]+|[\s,，、。.!！]+$/g, '').replace(/\s+/g, ' ');
    if (!title) return ctx.reply(noticeCard('缺少事项', `请写上要提醒的事，例如“提醒 ${md(due.said)} 报送自查报告”。这次没有保存。`, 'orange'));
    const answer = await ctx.services.answerer.ask(title, askedAs(ctx));
    const record = answer.found && answer.intent !== 'person' ? (svc.record(answer.answers[0]?.id ?? null) ?? null) : null;
    const assignee: Pick<NewReminder, 'assigneeName' | 'assigneeOpenId'> = mention
      ? { assigneeName: mention.name || null, assigneeOpenId: mention.openId }
      : person
        ? { assigneeName: person, assigneeOpenId: null }
        : forMe
          ? { assigneeName: null, assigneeOpenId: ctx.sender.openId }
          : { assigneeName: record?.lead[0] ?? null, assigneeOpenId: record?.lead[0] ? null : ctx.sender.openId };
    const r = (await svc.store.create(
      { chatId: ctx.chat.id, creator: ctx.sender.openId, ...assignee, title, dueDate: due.date, dueTime: due.time, recordId: record?.id ?? null, origin: 'chat', calendarKey: null },
      ctx.now,
      effectKey(ctx.eventKey, 'reminder'),
    ))!;
    const fresh = await svc.store.subscribe(ctx.chat.id, '*', ctx.now, effectKey(ctx.eventKey, 'subscribe'));
    const year = Number(due.date.slice(0, 4));
    await ctx.reply(
      reminderCard(`已设提醒 #${r.id}`, svc.view(r, beijingDate(ctx.now)), ctx.services.mention, {
        warning: WorkCalendar.warning(svc.calendar.knows(year) ? [] : [year]),
        note: fresh ? '本群已自动订阅每日提醒（每个工作日 9 点）。' : null,
      }),
    );
  }, '提醒 11月30日前 报送自查报告 @某人 / 提醒我 下周五 交年度报告 / 明天下午3点提醒我开会');

  return c;
}

const toast = (type: 'success' | 'info' | 'warning' | 'error', content: string) => ({ toast: { type, content } });

/** Buttons on reminder cards and digests. */
export const reminderActions: Record<string, CardActionHandler> = {
  async 'remind.done'(value, ctx) {
    const res = await changeStatus(ctx.services, Number(value.id), 'done', { chatId: ctx.chatId, openId: ctx.operatorOpenId, names: ctx.operatorOpenId ? ctx.services.namesOf(ctx.operatorOpenId) : [] }, ctx.now, effectKey(ctx.eventKey, 'status'));
    return toast(res.ok ? 'success' : 'warning', res.message);
  },
  async 'remind.postpone'(value, ctx) {
    const svc = ctx.services.reminders;
    const r = await svc.store.get(Number(value.id));
    if (!r) return toast('warning', `没有编号为 #${value.id} 的提醒`);
    if (r.status !== 'open') return toast('info', `#${r.id} 已${r.status === 'done' ? '完成' : '取消'}，无需顺延`);
    const names = ctx.operatorOpenId ? ctx.services.namesOf(ctx.operatorOpenId) : [];
    if (!mayChange(r, ctx.chatId, ctx.operatorOpenId, names)) return toast('warning', '只有本群成员、设置人或负责人可以修改');
    // A repeated delivery of the same click must not move the date twice.
    if (!(await ctx.firstTime())) return toast('info', `#${r.id} 已顺延过；要再改期请发送“改期 ${r.id} 日期”`);
    const from = [r.dueDate, beijingDate(ctx.now)].sort().at(-1)!;
    const next = svc.calendar.addWorkdays(from, 1).date;
    await svc.store.reschedule(r.id, next, r.dueTime, ctx.now, ctx.operatorOpenId, effectKey(ctx.eventKey, 'reschedule'));
    return toast('success', `#${r.id} 顺延到 ${next}`);
  },
};
