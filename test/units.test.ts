import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SynthBureau, synthBureaus } from '../bot/cli/synthBureaus.js';
import type { DutyRecord } from '../ingest/record.js';
import { DutyEngine } from '../retrieval/engine.js';
import { engineIn, scratch } from './helpers.js';
import { BotHarness } from './support/botHarness.js';

/** The shipped district manual (the grouped-post layout with centres under a bureau). */
function districtManual(seedsDir: string): { file: string; text: string } {
  const dir = join(seedsDir, 'manuals');
  const file = readdirSync(dir).find((f) => f.startsWith('001_'))!;
  return { file, text: readFileSync(join(dir, file), 'utf8') };
}

/** Adds n synthetic bureaus to a scratch seeds folder. */
function addBureaus(seedsDir: string, n: number): SynthBureau[] {
  const bureaus = synthBureaus(n, districtManual(seedsDir), { first: 2 });
  for (const b of bureaus) writeFileSync(join(seedsDir, 'manuals', b.file), b.text);
  return bureaus;
}

const itemName = (r: DutyRecord) => r.item.replace(/^[一二三四五六七八九十百]+[、.．]/, '').replace(/[。；;]$/, '');

describe('synthetic bureaus', () => {
  it('renames units and people consistently, distinct per copy, with questions from the copy’s own records', () => {
    const dirs = scratch();
    try {
      const manual = districtManual(dirs.seedsDir);
      const [a, b] = synthBureaus(2, manual, { first: 7 });
      expect(a!.bureau).toMatch(/^第7区/);
      expect(b!.bureau).toMatch(/^第8区/);
      expect(a!.units.every((u) => u.startsWith('第7区'))).toBe(true);
      const namesA = new Set(a!.persons.values());
      expect([...b!.persons.values()].some((n) => namesA.has(n))).toBe(false);
      // No old name survives in the copy.
      for (const old of a!.persons.keys()) expect(a!.text.replace(/\s/g, '')).not.toContain(old);
      expect(a!.questions.length).toBeGreaterThanOrEqual(4);
      for (const q of a!.questions) expect(q.expect.lead.every((n) => namesA.has(n))).toBe(true);
    } finally {
      dirs.cleanup();
    }
  });
});

describe('unit scoping in the engine', () => {
  let dirs: ReturnType<typeof scratch>;
  let engine: DutyEngine;
  let bureaus: SynthBureau[];
  const bureau = (i: number) => bureaus[i]!.bureau;

  beforeAll(async () => {
    dirs = scratch();
    bureaus = addBureaus(dirs.seedsDir, 3);
    engine = (await engineIn(dirs)).engine;
  }, 120_000);
  afterAll(() => dirs.cleanup());

  const leadOf = (unit: string, item: string) => engine.allRecords().find((r) => r.unit === unit && itemName(r) === item)!.lead;

  it('answers every bureau’s fixed questions from that bureau', () => {
    for (const b of bureaus) {
      for (const q of b.questions) {
        const a = engine.ask(q.question, q.units ? { units: q.units } : {});
        expect(a.answers[0]?.unit, q.question).toBe(q.expect.unit);
        expect(a.answers[0]!.lead.some((n) => q.expect.lead.includes(n)), q.question).toBe(true);
      }
    }
  });

  it('scopes a question to the asker’s unit and says so', () => {
    const item = '预算管理和绩效评价管理';
    for (const i of [0, 1]) {
      const a = engine.ask(`谁负责${item}`, { units: [bureau(i)] });
      expect(a.answers.map((x) => x.unit)).toEqual([bureau(i)]);
      expect(a.answers[0]!.lead).toEqual(leadOf(bureau(i), item));
      expect(a.text).toContain(`〔本单位：${bureau(i)}〕`);
    }
  });

  it('answers from another unit when the question names it', () => {
    const a = engine.ask('第3区自然资源局谁负责预算管理和绩效评价管理', { units: [bureau(0)] });
    expect(a.answers[0]!.unit).toBe('第3区自然资源局');
    expect(a.answers[0]!.lead).toEqual(leadOf('第3区自然资源局', '预算管理和绩效评价管理'));
    expect(a.text).toContain('〔单位：第3区自然资源局〕');
  });

  it('lets a centre’s staff see their bureau and a bureau its centres, not another bureau’s', () => {
    const centre = bureaus[0]!.units.find((u) => u !== bureau(0))!;
    const fromCentre = engine.ask('谁负责预算管理和绩效评价管理', { units: [centre] });
    expect(fromCentre.answers[0]!.unit).toBe(bureau(0));
    const centreRow = engine.allRecords().find((r) => r.unit === centre && r.lead.length > 0)!;
    const fromBureau = engine.ask(`${centreRow.post}负责什么`, { units: [bureau(0)] });
    expect(fromBureau.answers.every((x) => bureaus[0]!.units.includes(x.unit))).toBe(true);
    expect(fromBureau.answers.some((x) => x.unit === centre)).toBe(true);
  });

  it('answers leadership per unit: the named bureau’s or the asker’s leader', () => {
    const leaderOf = (unit: string) => engine.allRecords().find((r) => r.unit === unit && r.oversees.includes('执法大队'))!.lead;
    const named = engine.ask('第4区自然资源局谁分管执法大队');
    expect(named.answers[0]!.unit).toBe('第4区自然资源局');
    expect(named.answers[0]!.lead).toEqual(leaderOf('第4区自然资源局'));
    const own = engine.ask('谁分管执法大队', { units: [bureau(1)] });
    expect(own.answers.map((x) => x.lead)).toEqual([leaderOf(bureau(1))]);
    const role = engine.ask('局长是谁', { units: [bureau(2)] });
    expect(role.answers.length).toBeGreaterThan(0);
    expect(role.answers.every((x) => x.unit === bureau(2))).toBe(true);
  });

  it('answers a person question from the person’s rows wherever the asker is', () => {
    const person = [...bureaus[1]!.persons.values()][0]!;
    const a = engine.ask(`${person}负责哪些工作`, { units: [bureau(0)] });
    expect(a.person).toBe(person);
    expect(a.answers.length).toBeGreaterThan(0);
    expect(a.answers.every((x) => x.unit.startsWith('第3区'))).toBe(true);
  });

  it('without a unit, says which bureaus have the work instead of picking one', () => {
    const a = engine.ask('谁负责预算管理和绩效评价管理');
    expect(a.band).toBe('plausible');
    expect(a.text).toMatch(/在 \d+ 个单位的手册里都有/);
    expect(new Set(a.answers.map((x) => x.unit)).size).toBe(a.answers.length);
    expect(a.alternatives[0]!.question).toBe(`${a.alternatives[0]!.unit}谁负责预算管理和绩效评价管理`);
    // Each offered question is answered from its unit.
    const again = engine.ask(a.alternatives[0]!.question);
    expect(again.answers[0]!.unit).toBe(a.alternatives[0]!.unit);
  });

  it('still answers the shipped city manual’s work, which one bureau alone holds, without a unit', () => {
    const city = engine.allRecords().find((r) => r.scope === 'city' && [...itemName(r)].length >= 5 && [...itemName(r)].length <= 14)!;
    const a = engine.ask(`市局谁负责${itemName(city)}`);
    expect(a.answers[0]!.unit).toBe(city.unit);
  });

  it('routes a question without a unit on a large corpus by titles: one bureau’s work, several bureaus’ work, a person', () => {
    const big = new DutyEngine({ ...(engine as unknown as { deps: ConstructorParameters<typeof DutyEngine>[0] }).deps, wholeCorpusMax: 0 });
    const several = big.ask('谁负责预算管理和绩效评价管理');
    expect(several.text).toMatch(/在 \d+ 个单位的手册里都有/);
    const named = big.ask('第2区自然资源局谁负责预算管理和绩效评价管理');
    expect(named.answers[0]!.unit).toBe('第2区自然资源局');
    const person = [...bureaus[2]!.persons.values()][3]!;
    expect(big.ask(`${person}负责哪些工作`).answers.every((x) => x.unit.startsWith('第4区'))).toBe(true);
    const city = engine.allRecords().find((r) => r.scope === 'city' && [...itemName(r)].length >= 6 && [...itemName(r)].length <= 14)!;
    const only = big.ask(`谁负责${itemName(city)}`);
    expect(only.answers[0]?.unit).toBe(city.unit);
    expect(only.text).toContain(`〔单位：${city.unit}〕`);
  });
});

describe('group chats bound to units', () => {
  const ADMIN = 'ou_admin';
  let h: BotHarness;
  let bureaus: SynthBureau[];

  beforeAll(async () => {
    h = new BotHarness({ env: { ADMIN_OPEN_IDS: ADMIN } });
    bureaus = addBureaus(h.dirs.seedsDir, 2);
    mkdirSync(h.dirs.dataDir, { recursive: true });
    writeFileSync(join(h.dirs.dataDir, 'chat-units.json'), JSON.stringify({ oc_file: bureaus[1]!.bureau, oc_bad: '没有的单位' }));
    await h.start();
  }, 120_000);
  afterAll(() => h?.close());

  const text = (m: { content: Record<string, unknown> }) => BotHarness.cardText(m.content);

  it('binds a chat for admins only, lists candidates when the name is ambiguous, and shows the binding', async () => {
    const [refused] = await h.say(`本群单位 ${bureaus[0]!.bureau}`, { chatId: 'oc_a', sender: 'ou_someone' });
    expect(text(refused!)).toContain('管理员命令');
    const [ambiguous] = await h.say('本群单位 第2区', { chatId: 'oc_a', sender: ADMIN });
    expect(BotHarness.cardTitle(ambiguous!)).toBe('对应多个单位');
    for (const u of bureaus[0]!.units) expect(text(ambiguous!)).toContain(u);
    const [none] = await h.say('本群单位 不存在的单位', { chatId: 'oc_a', sender: ADMIN });
    expect(BotHarness.cardTitle(none!)).toBe('没有这个单位');
    const [shown] = await h.say('本群单位', { chatId: 'oc_a', sender: 'ou_someone' });
    expect(text(shown!)).toContain('还没有绑定单位');
  });

  it('answers the same question in two bound chats each from its own bureau, also after a restart', async () => {
    await h.say(`本群单位 ${bureaus[0]!.bureau}`, { chatId: 'oc_a', sender: ADMIN });
    await h.say(`本群单位 ${bureaus[1]!.bureau}`, { chatId: 'oc_b', sender: ADMIN });
    const q = bureaus[0]!.questions.find((x) => x.units)!;
    const q2 = bureaus[1]!.questions.find((x) => x.question === q.question)!;
    const check = async () => {
      const [a] = await h.say(q.question, { chatId: 'oc_a', sender: 'ou_x' });
      const [b] = await h.say(q.question, { chatId: 'oc_b', sender: 'ou_y' });
      expect(text(a!)).toContain(q.expect.lead[0]!);
      expect(text(a!)).toContain(bureaus[0]!.bureau);
      expect(text(a!)).not.toContain(q2.expect.lead[0]!);
      expect(text(b!)).toContain(q2.expect.lead[0]!);
      expect(text(b!)).not.toContain(q.expect.lead[0]!);
    };
    await check();
    await h.restart();
    await check();
    const [shown] = await h.say('本群单位', { chatId: 'oc_b', sender: 'ou_y' });
    expect(text(shown!)).toContain(bureaus[1]!.bureau);
    // A named unit still wins over the binding.
    const [other] = await h.say(`${bureaus[1]!.bureau}${q.question}`, { chatId: 'oc_a', sender: 'ou_x' });
    expect(text(other!)).toContain(q2.expect.lead[0]!);
    await h.say('取消本群单位', { chatId: 'oc_a', sender: ADMIN });
    const [unbound] = await h.say(q.question, { chatId: 'oc_a', sender: 'ou_x' });
    expect(text(unbound!)).toMatch(/个单位的手册里都有/);
  });

  it('welcomes a bound chat with its unit, and an unbound one without', async () => {
    const welcome = async (chatId: string, eventId: string) => {
      const before = h.stub.messages.length;
      await h.event({ schema: '2.0', header: { event_id: eventId, event_type: 'im.chat.member.bot.added_v1', token: 'vtoken', app_id: 'cli', tenant_key: 'tk' }, event: { chat_id: chatId } });
      await h.idle();
      return h.stub.messages.slice(before);
    };
    const [bound] = await welcome('oc_file', 'ev_bot_added_bound');
    expect(BotHarness.cardTitle(bound!)).toBe('欢迎使用岗责通');
    expect(text(bound!)).toContain(`本群的问题默认按 **${bureaus[1]!.bureau}** 的手册回答`);
    expect(text(bound!)).not.toContain(bureaus[0]!.bureau);
    const [unbound] = await welcome('oc_unbound_welcome', 'ev_bot_added_unbound');
    expect(text(unbound!)).not.toContain('默认按');
  });

  it('links a reminder set in a bound chat to its own bureau’s row and person', async () => {
    await h.say(`本群单位 ${bureaus[0]!.bureau}`, { chatId: 'oc_remind_0', sender: ADMIN });
    const q = bureaus[1]!.questions.find((x) => x.units && x.question.startsWith('谁负责'))!;
    const q0 = bureaus[0]!.questions.find((x) => x.question === q.question)!;
    for (const [chatId, own, other] of [['oc_file', q, q0], ['oc_remind_0', q0, q]] as const) {
      const [card] = await h.say(`提醒 12月30日 ${q.question.replace(/^谁负责/, '')}`, { chatId, sender: 'ou_z' });
      expect(BotHarness.cardTitle(card!)).toMatch(/^已设提醒/);
      expect(text(card!)).toContain(own.expect.lead[0]!);
      expect(text(card!)).not.toContain(other.expect.lead[0]!);
    }
  });

  it('the console API answers as a unit when asked with "unit", and refuses a unit the manuals do not hold', async () => {
    const q = bureaus[0]!.questions.find((x) => x.units)!;
    const other = bureaus[1]!.questions.find((x) => x.question === q.question)!;
    const ask = (body: unknown) => fetch(`${h.url}/api/ask`, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });
    const scoped = (await (await ask({ question: q.question, unit: bureaus[1]!.bureau })).json()) as { answers: { lead: string[] }[] };
    expect(scoped.answers[0]?.lead).toEqual(other.expect.lead);
    const bad = await ask({ question: q.question, unit: '没有的单位' });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: string }).error).toContain('unit');
  });

  it('reads chat bindings from chat-units.json and reports names that are no unit', async () => {
    const q = bureaus[1]!.questions.find((x) => x.units)!;
    const [a] = await h.say(q.question, { chatId: 'oc_file', sender: 'ou_z' });
    expect(text(a!)).toContain(q.expect.lead[0]!);
    expect(BotHarness.cardTitle(a!)).not.toBe('请说明是哪个单位');
    const other = bureaus[0]!.questions.find((x) => x.question === q.question)!;
    expect(text(a!)).not.toContain(other.expect.lead[0]!);
    expect(h.bot.rosterProblems.some((p) => p.includes('没有的单位'))).toBe(true);
  });

  it('answers a private chat from the unit of the name its sender is bound to', async () => {
    const q = bureaus[0]!.questions.find((x) => x.units)!;
    const person = [...bureaus[0]!.persons.values()][5]!;
    await h.say(`绑定 ${person} @_user_1`, { chatId: 'oc_admin', sender: ADMIN, mentions: [{ key: '@_user_1', openId: 'ou_member', name: person }] });
    const [a] = await h.say(q.question, { chatType: 'p2p', chatId: 'oc_p2p_member', sender: 'ou_member' });
    expect(BotHarness.cardTitle(a!)).not.toBe('请说明是哪个单位');
    expect(text(a!)).toContain(q.expect.lead[0]!);
    const other = bureaus[1]!.questions.find((x) => x.question === q.question)!;
    expect(text(a!)).not.toContain(other.expect.lead[0]!);
    // Someone bound to no name is asked which unit.
    const [b] = await h.say(q.question, { chatType: 'p2p', chatId: 'oc_p2p_other', sender: 'ou_unknown' });
    expect(BotHarness.cardTitle(b!)).toBe('请说明是哪个单位');
    expect(text(a!)).toContain(bureaus[0]!.bureau);
  });
});
