import { toItem } from '../../retrieval/answer.js';
import { corpusExamples, fillExamples } from '../../retrieval/examples.js';
import type { PostRef } from '../../retrieval/organisation.js';
import { type Card, choiceCard, md, noticeCard, packCards, postCards, unitPostsCards } from '../cards.js';
import { Composer } from '../chat/composer.js';
import { type BotServices, type ChatContext, orgOf, unitsOf } from '../chat/context.js';
import type { CardActionHandler } from '../feishu/bot.js';
import { postTopic } from '../reminders/service.js';
import { beijingDate } from '../reminders/workCalendar.js';
import { buildPack } from './pack.js';

const where = (p: PostRef) => [p.unit, p.department].filter(Boolean).join(' · ');
const label = (p: PostRef, assist = false) => `${assist ? '〔辅助〕' : ''}${p.post}（${where(p)}）`;

export function packFor(services: BotServices, post: PostRef, now: number): Card[] {
  const pack = buildPack(services.org, post, services.reminders.deadlines, services.reminders.calendar, beijingDate(now));
  return packCards(pack, services.mention);
}

export function itemsFor(services: BotServices, post: PostRef): Card[] {
  return postCards({ post: post.post, place: where(post) }, post.records.map((r) => toItem(r, 1, null)), services.mention);
}

function choose(title: string, candidates: PostRef[], action: 'onboard.pack' | 'onboard.items', assist = false): Card {
  const intro = assist ? `只作为辅助人员参与以下 ${candidates.length} 个岗位的工作（不是这些岗位的牵头人），请选择要看的岗位：` : `有 ${candidates.length} 个岗位符合，请选择：`;
  return choiceCard(title, intro, candidates.map((p) => ({ label: label(p, assist), value: { action, key: p.key } })));
}

/**
 * The bound user's posts, or a card saying how to get bound: the posts they lead a row of; where they
 * lead none, the posts they assist on, flagged so nothing presents them as holding those posts.
 */
function myPosts(ctx: ChatContext): { posts: PostRef[]; names: string[]; assist: boolean } | Card {
  const names = ctx.sender.openId ? ctx.services.namesOf(ctx.sender.openId) : [];
  if (names.length === 0) {
    return noticeCard('还不知道你是谁', '你的飞书账号还没有绑定到手册中的姓名。请管理员发送“绑定 你的姓名 @你”，或者直接发送“入职 你的岗位”。', 'orange');
  }
  const { org } = ctx.services;
  const leading = [...new Set(names.flatMap((n) => org.rolesOfPerson(n).leads))];
  if (leading.length > 0) return { posts: leading, names, assist: false };
  return { posts: [...new Set(names.flatMap((n) => org.rolesOfPerson(n).assists))], names, assist: true };
}

/** Onboarding packs for newcomers, "我的岗位", and complete lists of a post's items and a unit's posts. */
export function onboardingCommands(): Composer<ChatContext> {
  const c = new Composer<ChatContext>();

  c.hears(/^(?:入职指南|新人入职|入职|我是新来的|我是新人|新来的|我刚来|刚入职)[的，,。!！\s]*(.*)$/, async (ctx) => {
    const { engine } = ctx.services;
    const org = orgOf(ctx);
    const text = ctx.match![1]!.replace(/^(?:我)?(?:在|到|分到|分在|是|岗位是)/, '').replace(/(?:工作)?[。!！]*$/, '').trim();
    if (!text) {
      const mine = myPosts(ctx);
      if (!('posts' in mine) || mine.posts.length === 0) {
        return ctx.reply(noticeCard('你在哪个岗位？', fillExamples('请告诉我岗位，例如“入职 {postShort}”“入职 {person}的岗位”。发送“{unit}有哪些岗位”可查看全部岗位。', corpusExamples(engine.sampleRecords())), 'wathet'));
      }
      if (mine.posts.length === 1 && !mine.assist) return ctx.reply(...packFor(ctx.services, mine.posts[0]!, ctx.now));
      return ctx.reply(choose('选择你的岗位', mine.posts, 'onboard.pack', mine.assist));
    }
    const found = org.findPosts(text, engine.persons);
    if (found.post) return ctx.reply(...packFor(ctx.services, found.post, ctx.now));
    if (found.assistant && found.candidates.length > 0) return ctx.reply(choose(`${found.assistant} 的岗位`, found.candidates, 'onboard.pack', true));
    if (found.candidates.length > 0) return ctx.reply(choose(`“${text}”对应多个岗位`, found.candidates, 'onboard.pack'));
    await ctx.reply(noticeCard('没有找到这个岗位', fillExamples(`手册中没有与“${md(text)}”对应的岗位。可以写岗位编号或名称，例如“入职 {postShort}”，或发送“{unit}有哪些岗位”查看全部。`, corpusExamples(engine.sampleRecords())), 'orange'));
  }, '入职 {postShort}：新同事的入职指南（职责、流程、同事、截止事项、第一周清单）');

  c.hears(/^(?:我的岗位|我在哪个岗位|我负责什么|我的职责)[？?]?$/, async (ctx) => {
    const mine = myPosts(ctx);
    if (!('posts' in mine)) return ctx.reply(mine);
    if (mine.posts.length === 1 && !mine.assist) return ctx.reply(...packFor(ctx.services, mine.posts[0]!, ctx.now));
    await ctx.reply(choose(`${mine.names.join('、')} 的岗位`, mine.posts, 'onboard.pack', mine.assist));
  }, '我的岗位 / 谁是我的分管领导：已绑定姓名的同事可用');

  c.hears(/^(?:谁是)?我的(?:分管)?领导(?:是谁)?[？?]?$|^谁分管我[？?]?$/, async (ctx) => {
    const mine = myPosts(ctx);
    if (!('posts' in mine)) return ctx.reply(mine);
    const lines = mine.posts.map((p) => {
      const leaders = ctx.services.org.leadersOf(p);
      const who = leaders.length
        ? leaders.map((l) => `${l.names.length ? l.names.map((n) => (ctx.services.mention(n) ? `<at id=${ctx.services.mention(n)}></at>` : md(n))).join('、') : '（手册未列姓名）'}（${md(l.post)}${l.via === 'oversees' ? '，分管' : '，主持全面工作'}）`).join('；')
        : '本岗位即单位负责人';
      return `- ${md(label(p, mine.assist))}：${who}`;
    });
    await ctx.reply(noticeCard('你的分管领导', `${md(mine.names.join('、'))}：\n${lines.join('\n')}`, 'wathet'));
  });

  c.use(async (ctx, next) => {
    const m = ctx.text.match(/^(.+?)(?:都|一共|共|总共)?(?:有|包括|包含|负责)(?:哪些|什么|几个)岗位[？?]?$|^(.+?)的岗位(?:有哪些|列表|清单)[？?]?$/);
    if (!m) return next();
    const subject = (m[1] ?? m[2])!;
    // The asker's own units first; a unit named outside them from the whole corpus.
    const unit = orgOf(ctx).postsOfUnit(subject) ?? ctx.services.org.postsOfUnit(subject);
    if (!unit) {
      const units = [...new Set(orgOf(ctx).posts.map((p) => p.department ?? p.unit))].slice(0, 60);
      return ctx.reply(noticeCard('没有找到这个单位或科室', `手册中的单位和科室有：${md(units.join('、'))}。`, 'orange'));
    }
    const rows = unit.posts.map((p) => ({ post: p.post, unit: p.unit, department: p.department, leads: ctx.services.org.peopleOf(p).leads, items: p.records.length, key: p.key }));
    await ctx.reply(...unitPostsCards(unit.name, rows, ctx.services.mention));
  });

  c.use(async (ctx, next) => {
    const m = ctx.text.match(/^(.+?)(?:都|一共|共|总共)?(?:有|包括|包含|负责)(?:哪些|什么)(?:事项|工作|职责|任务)[？?]?$/);
    if (!m) return next();
    const subject = m[1]!;
    // "<name>负责哪些工作" is a person question, answered by the engine in full.
    if (ctx.services.engine.directory.personsIn(subject).length > 0) return next();
    const found = orgOf(ctx).findPosts(subject, []);
    if (found.post) return ctx.reply(...itemsFor(ctx.services, found.post));
    if (found.candidates.length > 1) return ctx.reply(choose(`“${subject}”对应多个岗位`, found.candidates, 'onboard.items'));
    return next();
  });

  return c;
}

const byKey = (services: BotServices, key: string | undefined) => (key ? services.org.byKey(key) : null);
const stale = { toast: { type: 'warning' as const, content: '手册已更新，找不到这个岗位，请重新发送' } };
const sent = (ok: boolean) => ({ toast: ok ? { type: 'success' as const, content: '已发送，请查看下方消息' } : { type: 'info' as const, content: '刚刚已发送过' } });

/** Buttons of onboarding, choice and post-list cards. */
export const onboardingActions: Record<string, CardActionHandler> = {
  async 'onboard.pack'(value, ctx) {
    const post = byKey(ctx.services, value.key);
    return post ? sent(await ctx.reply(...packFor(ctx.services, post, ctx.now))) : stale;
  },
  async 'onboard.items'(value, ctx) {
    const post = byKey(ctx.services, value.key);
    return post ? sent(await ctx.reply(...itemsFor(ctx.services, post))) : stale;
  },
  async 'onboard.subscribe'(value, ctx) {
    const post = byKey(ctx.services, value.key);
    if (!post) return stale;
    const fresh = await ctx.services.reminders.store.subscribe(ctx.chatId, postTopic(post), ctx.now, `${ctx.eventKey}#subscribe`);
    return { toast: { type: 'success', content: fresh ? `已订阅“${post.post}”的截止提醒，每个工作日早上发送` : '本会话已订阅过这个岗位的提醒' } };
  },
};
