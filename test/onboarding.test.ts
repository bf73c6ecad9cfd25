import { writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BotHarness } from './support/botHarness.js';
import { atBot, cardEvent, messageEvent } from './support/feishuEvents.js';

const text = BotHarness.cardText;
const title = BotHarness.cardTitle;
/** Every callback value on a card's buttons. */
const buttonValues = (content: Record<string, unknown>): Record<string, string>[] => {
  const out: Record<string, string>[] = [];
  const walk = (v: unknown) => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') {
      const o = v as Record<string, unknown>;
      if (o.tag === 'button') out.push(((o.behaviors as { value: Record<string, string> }[])[0]!).value);
      Object.values(o).forEach(walk);
    }
  };
  walk(content);
  return out;
};

const ADMIN = 'ou_admin';
const EXAMPLE_NOTE = '示例：请管理员按本单位实际修改 seeds/deadlines.json';

describe('onboarding, roster and browsing', () => {
  let h: BotHarness;
  const say = (t: string, o: Parameters<typeof atBot>[2] = {}) => h.say(t, { chatId: 'oc_onb', ...o });
  const raw = async (type: string, event: Record<string, unknown>, eventId: string) => {
    const before = h.stub.messages.length;
    await h.event({ schema: '2.0', header: { event_id: eventId, event_type: type, token: 'vtoken', app_id: 'cli', tenant_key: 'tk' }, event });
    await h.idle();
    return h.stub.messages.slice(before);
  };

  beforeAll(async () => {
    h = new BotHarness({ env: { ADMIN_OPEN_IDS: ADMIN } });
    mkdirSync(h.dirs.dataDir, { recursive: true });
    writeFileSync(join(h.dirs.dataDir, 'roster.json'), JSON.stringify({ 裴忠孝: 'ou_pei', 李坤: { email: 'likun@example.gov.cn' }, 王小二: 'ou_nobody' }));
    await h.stub.start();
    h.stub.users.set('likun@example.gov.cn', 'ou_likun');
    h.stub.users.set('wang@example.gov.cn', 'ou_wang');
    await h.start();
  });
  afterAll(() => h.close());

  it('imports the roster file, resolving emails through Feishu and reporting unknown names', () => {
    expect(h.bot.services.roster.openIdOf('裴忠孝')).toBe('ou_pei');
    expect(h.bot.services.roster.openIdOf('李坤')).toBe('ou_likun');
    expect(h.bot.rosterProblems.join('\n')).toContain('手册中没有“王小二”');
  });

  it('welcomes a user joining a group once, however often the event is re-sent', async () => {
    const join = { chat_id: 'oc_onb', operator_id: { open_id: ADMIN }, users: [{ name: '新同事', user_id: { open_id: 'ou_new' } }], name: '测绘群' };
    const first = await raw('im.chat.member.user.added_v1', join, 'ev_join_1');
    expect(first).toHaveLength(1);
    expect(title(first[0]!)).toBe('欢迎使用岗责通');
    const body = text(first[0]!.content);
    expect(body).toContain('<at id=ou_new></at>');
    expect(body).toContain('入职 你的岗位');
    expect(buttonValues(first[0]!.content).filter((v) => v.action === 'ask')).toHaveLength(3);
    expect(await raw('im.chat.member.user.added_v1', join, 'ev_join_1')).toHaveLength(0);
  });

  it('welcomes a user the first time they open a private chat, and never again', async () => {
    const enter = { chat_id: 'oc_p2p_new', operator_id: { open_id: 'ou_new' } };
    expect(await raw('im.chat.access_event.bot_p2p_chat_entered_v1', enter, 'ev_p2p_1')).toHaveLength(1);
    expect(await raw('im.chat.access_event.bot_p2p_chat_entered_v1', enter, 'ev_p2p_1')).toHaveLength(0);
    expect(await raw('im.chat.access_event.bot_p2p_chat_entered_v1', enter, 'ev_p2p_2')).toHaveLength(0);
    await h.restart();
    expect(await raw('im.chat.access_event.bot_p2p_chat_entered_v1', enter, 'ev_p2p_3')).toHaveLength(0);
  });

  it('reads the schema 1.0 p2p_chat_create event too, and still welcomes each user once', async () => {
    const v1 = (uuid: string, openId: string) => ({
      uuid,
      token: 'vtoken',
      ts: '1700000000.0',
      type: 'event_callback',
      event: { type: 'p2p_chat_create', app_id: 'cli', tenant_key: 'tk', chat_id: `oc_p2p_${openId}`, operator: { open_id: openId }, user: { open_id: openId, name: '甲' } },
    });
    const send = async (body: unknown) => {
      const before = h.stub.messages.length;
      expect((await h.event(body)).status).toBe(200);
      await h.idle();
      return h.stub.messages.slice(before);
    };
    expect(await send(v1('u-1', 'ou_v1'))).toHaveLength(1);
    expect(await send(v1('u-1', 'ou_v1'))).toHaveLength(0);
    expect(await send(v1('u-2', 'ou_v1'))).toHaveLength(0);
    expect((await h.event({ ...v1('u-3', 'ou_v2'), token: 'forged' })).status).toBe(401);
  });

  it('gives the pack for 业务岗6 with all sixteen items and their flows', async () => {
    const cards = await say('入职 业务岗6');
    expect(cards.length).toBeGreaterThanOrEqual(1);
    expect(title(cards[0]!)).toContain('入职指南：业务岗6：地理国情监测评价和测绘管理岗');
    const body = cards.map((c) => text(c.content)).join('\n');
    const post = h.bot.services.org.findPosts('业务岗6', []).post!;
    expect(post.records).toHaveLength(16);
    for (const r of post.records) {
      expect(body).toContain(r.item.replace(/^[一二三四五六七八九十]+、/, ''));
      for (const code of r.flow?.codes ?? []) expect(body).toContain(code);
    }
    const codes = post.records.flatMap((r) => r.flow?.codes ?? []);
    expect(codes).toContain('9-6-1');
    expect(codes).toContain('9-6-16');
    // The leader 裴忠孝 is bound, so the card @-mentions him instead of printing the name.
    expect(body).toContain('<at id=ou_pei></at>（部门领导副职岗位2，分管）');
    expect(body).toContain('第一周清单');
    expect(body).toContain('测绘资质年度报告审核');
    expect(body).toMatch(/受理 → 审核/);
    const subscribe = cards.flatMap((c) => buttonValues(c.content)).find((v) => v.action === 'onboard.subscribe')!;
    const res = await h.event(cardEvent(subscribe, { chatId: 'oc_onb', messageId: 'om_pack' }));
    expect(await res.json()).toMatchObject({ toast: { type: 'success' } });
    const subs = await h.bot.state.reminders.subscriptions('oc_onb');
    expect(subs.map((s) => s.topic)).toContain(`post:山亭区自然资源局|${post.post}`);
  });

  it('understands a newcomer saying where they are, by post name or by a colleague', async () => {
    const [a] = await say('我是新来的，在测绘管理岗');
    expect(title(a!)).toContain('业务岗6');
    const [b] = await say('入职 王金峰的岗位');
    expect(title(b!)).toContain('业务岗6');
    const [c] = await say('入职 土地储备业务岗');
    expect(text(c!.content)).toContain('刘兆青');
  });

  it('offers a choice when the post is vague, and the choice gives the pack', async () => {
    const [m] = await say('入职 规划');
    expect(title(m!)).toContain('对应多个岗位');
    const options = buttonValues(m!.content);
    expect(options.length).toBeGreaterThan(2);
    expect(options.every((o) => o.action === 'onboard.pack')).toBe(true);
    const res = await h.event(cardEvent(options[0]!, { chatId: 'oc_onb', messageId: 'om_choice' }));
    expect(await res.json()).toMatchObject({ toast: { type: 'success' } });
    await h.idle();
    expect(title(h.stub.messages.at(-1)!)).toContain('入职指南');
  });

  it('binds names to Feishu users for admins only, by mention or by email, and refuses unknown names', async () => {
    const [refused] = await say('绑定 王金峰 @_user_2', { sender: 'ou_someone', mentions: [{ key: '@_user_2', openId: 'ou_wang', name: '王金峰' }] });
    expect(text(refused!.content)).toContain('管理员命令');
    const [unknown] = await say('绑定 王金锋 wang@example.gov.cn', { sender: ADMIN });
    expect(text(unknown!.content)).toContain('是不是：王金峰');
    const [byEmail] = await say('绑定 王金峰 wang@example.gov.cn', { sender: ADMIN });
    expect(title(byEmail!)).toBe('已绑定');
    expect(text(byEmail!.content)).toContain('<at id=ou_wang></at>');
    expect(h.stub.calls.some((c) => c.path === '/open-apis/contact/v3/users/batch_get_id')).toBe(true);
    const [missing] = await say('绑定 杜振江 nobody@example.gov.cn', { sender: ADMIN });
    expect(text(missing!.content)).toContain('飞书中没有邮箱');
  });

  it('@-mentions bound people in answers, and only them', async () => {
    const [m] = await say('谁负责测绘作业证初审?');
    const body = text(m!.content);
    expect(body).toContain('<at id=ou_wang></at>');
    expect(body).toContain('杜振江');
    expect(body).not.toContain('<at id=ou_du');
    expect(body.match(/<at id=/g)).toHaveLength(1);
  });

  it('answers 我的岗位 and 我的分管领导 for a bound user, and says how to bind otherwise', async () => {
    const [pack] = await say('我的岗位', { sender: 'ou_wang' });
    expect(title(pack!)).toContain('业务岗6');
    const [leader] = await say('谁是我的分管领导', { sender: 'ou_wang' });
    expect(text(leader!.content)).toContain('<at id=ou_pei></at>');
    expect(text(leader!.content)).toContain('分管');
    const [stranger] = await say('我的岗位', { sender: 'ou_stranger' });
    expect(text(stranger!.content)).toContain('还没有绑定');
  });

  it('lists a post’s items and a unit’s or section’s posts completely', async () => {
    const items = await say('测绘管理岗有哪些事项');
    expect(title(items[0]!)).toContain('共 16 项');
    const district = await say('山亭区自然资源局有哪些岗位');
    expect(title(district[0]!)).toContain('山亭区自然资源局：共 15 个岗位');
    const section = await say('耕地保护和生态修复科有哪些岗位');
    expect(title(section[0]!)).toContain('共 4 个岗位');
    const person = await say('王金峰负责哪些工作');
    expect(title(person[0]!)).toBe('王金峰 负责的工作');
    const listed = person.map((c) => text(c.content)).join('\n');
    const rows = h.bot.engine.allRecords().filter((r) => r.lead.includes('王金峰') || r.assistants.includes('王金峰'));
    for (const r of rows) expect(listed).toContain(r.item.replace(/^[一二三四五六七八九十]+、/, ''));
  });

  it('@-mentions bound assignees in the daily digest', async () => {
    await say('订阅提醒');
    await say('提醒 11月25日 测绘资质年度报告抽查 王金峰');
    h.clock.set('2026-11-24T01:00:00Z');
    await h.bot.pump();
    const digest = h.stub.messages.filter((m) => m.kind === 'create' && m.target === 'oc_onb' && title(m).startsWith('每日提醒')).at(-1)!;
    expect(text(digest.content)).toContain('<at id=ou_wang></at>');
    // The monthly market-monitoring deadline comes from the shipped sample file, and says so.
    expect(text(digest.content)).toContain('〔示例〕');
    expect(text(digest.content)).toContain(EXAMPLE_NOTE);
  });

  it('labels the sample deadlines in the onboarding pack', async () => {
    const cards = await say('入职 人事管理岗');
    const body = cards.map((c) => text(c.content)).join('\n');
    expect(body).toContain('本岗位的周期性截止事项');
    expect(body).toContain('〔示例〕年度考核');
    expect(body).toContain(EXAMPLE_NOTE);
  });

  it('never presents an assistant on a leader’s rows as holding the leader’s post', async () => {
    const [bound] = await say('绑定 秦曾艳 @_user_3', { sender: ADMIN, mentions: [{ key: '@_user_3', openId: 'ou_qin', name: '秦曾艳' }] });
    expect(title(bound!)).toBe('已绑定');
    const [mine] = await say('我的岗位', { sender: 'ou_qin' });
    expect(title(mine!)).not.toContain('入职指南');
    expect(text(mine!.content)).toContain('只作为辅助人员');
    const labels = JSON.stringify(mine!.content);
    expect(labels).toContain('〔辅助〕部门领导副职岗位1');
    const [byName] = await say('入职 秦曾艳的岗位');
    expect(title(byName!)).not.toContain('入职指南');
    expect(JSON.stringify(byName!.content)).toContain('〔辅助〕部门领导副职岗位1');
    const person = await say('满洪学负责哪些工作');
    const body = person.map((c) => text(c.content)).join('\n');
    const postLine = body.split('\n').find((l) => l.startsWith('岗位：'))!;
    expect(postLine).toContain('业务岗5');
    expect(postLine).not.toContain('副职');
    expect(body).toMatch(/辅助：部门领导副职岗位2/);
  });
});
