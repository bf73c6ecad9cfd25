import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../bot/config.js';
import { createNodeBot } from '../bot/runtime/nodeBot.js';
import { memoryLogger } from '../bot/log.js';
import { parseDeadlines } from '../bot/reminders/deadlines.js';
import { BotHarness } from './support/botHarness.js';
import { atBot, cardEvent, messageEvent } from './support/feishuEvents.js';

const text = BotHarness.cardText;
const title = BotHarness.cardTitle;

describe('reminders from chat', () => {
  let h: BotHarness;
  const say = (t: string, o: Parameters<typeof atBot>[2] = {}) => h.say(t, { chatId: 'oc_team', ...o });
  beforeAll(async () => {
    // Sunday 2026-11-22, 23:30 in Beijing (15:30 UTC).
    h = await new BotHarness({ start: '2026-11-22T15:30:00Z' }).start();
  });
  afterAll(() => h.close());
  afterEach(() => h.idle());

  it('sets a reminder with a date, a task and an @-mentioned assignee, and spells the date out', async () => {
    const [m] = await say('提醒 11月30日前 报送耕地保护自查报告 @_user_2', { mentions: [{ key: '@_user_2', openId: 'ou_wang', name: '王金峰' }] });
    expect(title(m!)).toMatch(/^已设提醒 #\d+$/);
    const body = text(m!.content);
    expect(body).toContain('报送耕地保护自查报告');
    expect(body).toContain('2026年11月30日（星期一）');
    expect(body).toContain('<at id=ou_wang></at>');
    expect(body).toContain('本群已自动订阅每日提醒');
    const open = await h.bot.state.reminders.open({ chatId: 'oc_team' });
    expect(open).toHaveLength(1);
    expect(open[0]).toMatchObject({ dueDate: '2026-11-30', assigneeOpenId: 'ou_wang', assigneeName: '王金峰', origin: 'chat' });
  });

  it('reads 提醒我 下周五 with Monday-first weeks and links the work item in the manuals', async () => {
    const [m] = await say('提醒我 下周五 交测绘资质年度报告', { sender: 'ou_li' });
    const body = text(m!.content);
    expect(body).toContain('2026年11月27日（星期五）');
    expect(body).toContain('9-6-9');
    expect(body).toContain('<at id=ou_li></at>');
  });

  it('reads "明天下午3点提醒我开会" sent at 23:30 Beijing time as the next Beijing day', async () => {
    const [m] = await say('明天下午3点提醒我开会');
    expect(text(m!.content)).toContain('2026年11月23日（星期一） 15:00');
    const r = (await h.bot.state.reminders.open({ chatId: 'oc_team' })).find((x) => x.title === '开会');
    expect(r).toMatchObject({ dueDate: '2026-11-23', dueTime: '15:00' });
  });

  it('stores nothing when the date cannot be understood, and says how to write it', async () => {
    const before = (await h.bot.state.reminders.open({ chatId: 'oc_team' })).length;
    const [m] = await say('提醒 找个时间 交报告');
    expect(title(m!)).toBe('没有看懂日期');
    expect(text(m!.content)).toMatch(/提醒 11月30日前 报送.+材料 @\S+/);
    const [past] = await say('提醒 11月20日 交报告');
    expect(text(past!.content)).toContain('已经过去');
    expect((await h.bot.state.reminders.open({ chatId: 'oc_team' })).length).toBe(before);
  });

  it('lists, finishes, postpones and cancels by number; done and cancelled drop out', async () => {
    const open = await h.bot.state.reminders.open({ chatId: 'oc_team' });
    const [a, b, c] = open;
    const [list] = await say('本群提醒');
    expect(title(list!)).toBe(`本群提醒（${open.length} 条）`);
    await say(`完成 ${a!.id}`);
    const [moved] = await say(`改期 ${b!.id} 12月5日`);
    expect(text(moved!.content)).toContain('2026年12月5日（星期六）');
    await say(`取消 ${c!.id}`);
    const left = await h.bot.state.reminders.open({ chatId: 'oc_team' });
    expect(left.map((r) => r.id)).toEqual([b!.id]);
    expect((await h.bot.state.reminders.history(b!.id)).map((x) => x.action)).toEqual(['created', 'rescheduled']);
    const [bad] = await say('改期 99999 12月5日');
    expect(text(bad!.content)).toContain('没有编号为 #99999');
    const [mine] = await say('我的提醒', { sender: 'ou_nobody' });
    expect(text(mine!.content)).toContain('你没有未完成的提醒');
  });

  it('turns a manual time limit into a working-day due date: 受理 征地报卷', async () => {
    const [m] = await say('受理 征地报卷');
    const body = text(m!.content);
    expect(title(m!)).toMatch(/已按手册时限设提醒/);
    expect(body).toContain('征地报卷（5个工作日内办结）');
    expect(body).toContain('李坤');
    const r = (await h.bot.state.reminders.open({ chatId: 'oc_team' })).find((x) => x.origin === 'manual')!;
    // Monday 11-23 is the first working day after Sunday 11-22; the fifth is Friday 11-27.
    expect(r.dueDate).toBe('2026-11-27');
    const [no] = await say('受理 测绘资质审批');
    expect(text(no!.content)).toContain('在法定时限内办结');
  });

  it('buttons finish and postpone once per click', async () => {
    const [m] = await say('提醒 12月10日 上报年度计划');
    const id = Number(title(m!).match(/#(\d+)/)![1]);
    const click = cardEvent({ action: 'remind.postpone', id: String(id) }, { chatId: 'oc_team', messageId: 'om_card_r' });
    expect(await (await h.event(click)).json()).toMatchObject({ toast: { type: 'success' } });
    expect(await (await h.event(click)).json()).toMatchObject({ toast: { type: 'info' } });
    expect((await h.bot.state.reminders.get(id))!.dueDate).toBe('2026-12-11');
    const done = cardEvent({ action: 'remind.done', id: String(id) }, { chatId: 'oc_team', messageId: 'om_card_r' });
    expect(await (await h.event(done)).json()).toMatchObject({ toast: { type: 'success' } });
    expect((await h.bot.state.reminders.get(id))!.status).toBe('done');
    const stranger = cardEvent({ action: 'remind.done', id: String(id) }, { chatId: 'oc_other', operator: 'ou_x' });
    expect(await (await h.event(stranger)).json()).toMatchObject({ toast: { type: 'warning' } });
  });
});

/** A calendar for the tests: one deadline around the National Day, one monthly. */
const TEST_DEADLINES = {
  deadlines: [
    { id: 'roster', title: '国庆后值班表报送', due: { yearly: '10-12' }, workdaysBefore: 2, item: { unit: '山亭区自然资源局', item: '值班与安全' }, chats: 'subscribed' },
    { id: 'assessment', title: '年度考核材料', due: { yearly: '12-20' }, noticeWorkdays: 10, item: { unit: '山亭区自然资源局', item: '年度考核工作' }, chats: 'subscribed' },
  ],
};

describe('daily digest', () => {
  let h: BotHarness;
  const digests = () => h.stub.messages.filter((m) => m.kind === 'create' && title(m).startsWith('每日提醒'));
  beforeAll(async () => {
    h = new BotHarness({ start: '2026-09-28T01:00:00Z' });
    writeFileSync(join(h.dirs.seedsDir, 'deadlines.json'), JSON.stringify(TEST_DEADLINES));
    await h.start();
    await h.event(messageEvent({ chatType: 'group', chatId: 'oc_a', text: '@_user_1 订阅提醒', mentions: [{ key: '@_user_1', openId: h.stub.botOpenId, name: 'bot' }] }));
    await h.event(messageEvent({ chatType: 'group', chatId: 'oc_b', text: '@_user_1 订阅提醒', mentions: [{ key: '@_user_1', openId: h.stub.botOpenId, name: 'bot' }] }));
    await h.idle();
  });
  afterAll(() => h.close());

  it('sends nothing before 09:00 and on holidays, once at 09:00 on a working day', async () => {
    h.clock.set('2026-09-30T00:59:00Z'); // 08:59 Beijing
    await h.bot.pump();
    expect(digests()).toHaveLength(0);
    h.clock.set('2026-09-30T01:00:00Z');
    await h.bot.pump();
    await h.bot.pump();
    expect(digests().map((m) => m.target).sort()).toEqual(['oc_a', 'oc_b']);
    const body = text(digests()[0]!.content);
    expect(title(digests()[0]!)).toBe('每日提醒 · 2026-09-30');
    expect(body).toContain('国庆后值班表报送');
    expect(body).toContain('2026年10月9日（星期五）');
    expect(body).toContain('宁邕');
    expect(body).toContain('5-2-4-1');
    // This calendar is the bureau's own (no "example" flag): nothing is labelled as a sample.
    expect(body).not.toContain('示例');
    h.stub.messages.length = 0;
    h.clock.set('2026-10-05T02:00:00Z');
    await h.bot.pump();
    expect(digests()).toHaveLength(0);
    const report = await h.bot.digest.run('2026-10-05', h.clock.now(), { dryRun: true });
    expect(report.skipped).toContain('国庆节');
  });

  it('sends on the make-up Saturday, with overdue, today and soon sections', async () => {
    h.clock.set('2026-10-10T01:30:00Z');
    await h.bot.pump();
    const [a] = digests().filter((m) => m.target === 'oc_a');
    const body = text(a!.content);
    expect(body).toContain('已逾期（1）');
    expect(body).toContain('已逾期 1 个工作日');
    h.clock.set('2026-10-11T01:30:00Z'); // an ordinary Sunday
    h.stub.messages.length = 0;
    await h.bot.pump();
    expect(digests()).toHaveLength(0);
  });

  it('drops done and cancelled reminders, and survives a restart without sending twice', async () => {
    const open = await h.bot.state.reminders.open({ chatId: 'oc_a' });
    for (const r of open) await h.bot.state.reminders.setStatus(r.id, 'done', h.clock.now(), null);
    h.stub.messages.length = 0;
    h.clock.set('2026-10-12T01:00:00Z');
    await h.bot.pump();
    expect(digests().map((m) => m.target)).toEqual(['oc_b']);
    await h.restart();
    h.clock.set('2026-10-12T03:00:00Z');
    await h.bot.pump();
    expect(digests()).toHaveLength(1);
  });

  it('catches up a digest interrupted mid-run by a restart, without repeating what was queued', async () => {
    h.stub.messages.length = 0;
    h.clock.set('2026-12-07T01:00:00Z');
    // The first process queues oc_a's digest, then dies before oc_b's and before marking the day done.
    const dead = await createNodeBot(loadConfig(h.env()), { clock: h.clock, log: memoryLogger() });
    const chats = await dead.reminders.digestChats();
    expect(chats).toEqual(['oc_a', 'oc_b']);
    await dead.digest.run('2026-12-07', h.clock.now(), { dryRun: true });
    const onlyA = await dead.digest.runFor(['oc_a'], '2026-12-07', h.clock.now());
    expect(onlyA.chats.map((c) => c.queued)).toEqual([true]);
    await dead.close();
    expect(digests().map((m) => m.target)).toEqual(['oc_a']);
    await h.restart();
    await h.bot.pump();
    expect(digests().map((m) => m.target).sort()).toEqual(['oc_a', 'oc_b']);
    expect(text(digests()[0]!.content)).toContain('年度考核材料');
  });

  it('sends one digest per chat when two schedulers race', async () => {
    h.stub.messages.length = 0;
    h.clock.set('2026-12-08T01:00:00Z');
    const other = await createNodeBot(loadConfig(h.env()), { clock: h.clock, log: memoryLogger() });
    await Promise.all([other.digest.runDue(h.clock.now()), h.bot.digest.runDue(h.clock.now()), other.digest.run('2026-12-08', h.clock.now())]);
    await Promise.all([other.tasks.idle(), h.idle()]);
    await other.close();
    expect(digests().map((m) => m.target).sort()).toEqual(['oc_a', 'oc_b']);
  });

  it('stops after 取消订阅', async () => {
    await h.event(messageEvent({ chatId: 'oc_b', text: '@_user_1 取消订阅', mentions: [{ key: '@_user_1', openId: h.stub.botOpenId, name: 'bot' }] }));
    await h.idle();
    h.stub.messages.length = 0;
    h.clock.set('2026-12-09T01:00:00Z');
    await h.bot.pump();
    expect(digests().map((m) => m.target)).toEqual(['oc_a']);
  });
});

describe('the sample deadline calendar', () => {
  const one = { id: 'x', title: '年度考核材料', due: { yearly: '12-20' }, item: { unit: '某局', item: '年度考核' } };

  it('is an example while the file says so, and the shipped file does', () => {
    expect(parseDeadlines(JSON.stringify({ example: true, deadlines: [one] }), []).deadlines[0]!.example).toBe(true);
    expect(parseDeadlines(JSON.stringify({ example: false, deadlines: [one] }), []).deadlines[0]!.example).toBe(false);
    expect(parseDeadlines(JSON.stringify({ deadlines: [one] }), []).deadlines[0]!.example).toBe(false);
    const shipped = parseDeadlines(readFileSync(join(import.meta.dirname, '..', 'seeds', 'deadlines.json'), 'utf8'), []);
    expect(shipped.deadlines.length).toBeGreaterThan(0);
    expect(shipped.deadlines.every((d) => d.example)).toBe(true);
  });

  it('refuses an example flag that is not true or false', () => {
    expect(() => parseDeadlines(JSON.stringify({ example: 'yes', deadlines: [one] }), [])).toThrow(/example/);
  });
});
