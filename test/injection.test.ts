import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { answerCards, md, noticeCard } from '../bot/cards.js';
import { BotHarness } from './support/botHarness.js';
import { cardEvent } from './support/feishuEvents.js';

/** Markup a user may type that must never come out live in the bot's cards. */
const PAYLOADS = [
  '<at id=all></at>',
  '<at user_id="all">所有人</at>',
  '[链接](https://evil.example/x)',
  '![图](img_v2_abc)',
  "<font color='red'>红字</font>",
  '<link url="https://evil.example/y">点我</link>',
  '**加粗**',
  '&#60;at id=all&#62;&#60;/at&#62;',
  'https://evil.example/bare',
];

/** What a live form of each payload looks like in card markdown. */
function live(content: string): string[] {
  const found: string[] = [];
  for (const re of [/<at\b(?! id=ou_)/i, /\]\(https?:/i, /!\[/, /<font color='red'>红字/, /<link\b/i, /\*\*加粗\*\*/, /https?:\/\/evil/]) if (re.test(content)) found.push(re.source);
  return found;
}

/** The markdown of a card: plain_text titles and button labels are never read as markup. */
function markdownOf(content: unknown): string {
  const out: string[] = [];
  const walk = (v: unknown) => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') {
      const o = v as Record<string, unknown>;
      if (o.tag === 'markdown' && typeof o.content === 'string') out.push(o.content);
      Object.values(o).forEach(walk);
    }
  };
  walk(content);
  return out.join('\n');
}

describe('md', () => {
  it('neutralises tags, links, images, emphasis and entities', () => {
    for (const p of PAYLOADS) expect(live(md(p)), p).toEqual([]);
    // An entity typed by the user stays text, not the character it names.
    expect(md('&#60;at id=all&#62;')).not.toMatch(/&#60;|&#62;/);
    expect(md('a_b*c~d`e|f#g$h!i\\j').replace(/&#\d+;/g, '')).not.toMatch(/[_*~`|#$!\\]/);
  });
});

describe('card injection through every command that quotes the user', () => {
  let h: BotHarness;
  beforeAll(async () => {
    h = await new BotHarness().start();
  });
  afterAll(() => h.close());

  const commands = (p: string) => [
    p,
    `谁负责${p}`,
    `受理 ${p}`,
    `提醒 ${p}`,
    `提醒我 ${p}`,
    `提醒 明天 ${p}`,
    `明天提醒我 ${p}`,
    `入职 ${p}`,
    `入职${p}`,
    `/${p.replace(/\s/g, '')}`,
    `改期 1 ${p}`,
    `${p}有哪些岗位`,
    `${p}负责哪些工作`,
    `${p}有哪些事项`,
    `绑定 ${p.replace(/\s/g, '')} 123`,
    `完成 1`,
    '本群提醒',
    '我的提醒',
  ];

  it('sends no live @all, link, image, font or emphasis from user text', async () => {
    let sent = 0;
    for (const p of PAYLOADS) {
      for (const cmd of commands(p)) {
        const out = await h.say(cmd);
        expect(out.length, cmd).toBeGreaterThan(0);
        sent += out.length;
        for (const m of out) expect(live(markdownOf(m.content)), `${cmd} → ${BotHarness.cardText(m.content)}`).toEqual([]);
      }
      // A button that asks the question again quotes it too.
      await h.event(cardEvent({ action: 'ask', q: p }, { messageId: `om_inj_${sent}` }));
      await h.idle();
    }
    for (const m of h.stub.messages) expect(live(markdownOf(m.content)), BotHarness.cardText(m.content)).toEqual([]);
    expect(sent).toBeGreaterThan(PAYLOADS.length * 15);
  });

  it('still renders the bot’s own mentions and formatting', () => {
    const c = noticeCard('t', `${md('<at id=all></at>')} **ok**`);
    expect(JSON.stringify(c)).toContain('**ok**');
    expect(markdownOf(answerCards(h.bot.engine.ask('<at id=all></at>')))).not.toMatch(/<at\b/);
  });
});
