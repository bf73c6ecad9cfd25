import { card, markdown, md, noticeCard } from '../cards.js';
import { Composer } from '../chat/composer.js';
import type { ChatContext } from '../chat/context.js';

const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;
const MOBILE = /^\+?\d{6,15}$/;

async function refuseNonAdmin(ctx: ChatContext): Promise<boolean> {
  if (ctx.sender.openId && ctx.services.admins.includes(ctx.sender.openId)) return false;
  const why = ctx.services.admins.length === 0 ? '还没有设置管理员（环境变量 ADMIN_OPEN_IDS）。' : '这是管理员命令，你没有权限。';
  await ctx.reply(noticeCard('无法执行', `${why}如需绑定人员，请联系系统管理员。`, 'orange'));
  return true;
}

/** Admin commands binding the names in the manuals to Feishu users. */
export function rosterCommands(): Composer<ChatContext> {
  const c = new Composer<ChatContext>();

  c.hears(/^绑定\s*([^\s@]+)\s*(.*)$/, async (ctx) => {
    if (await refuseNonAdmin(ctx)) return;
    const { roster, feishu } = ctx.services;
    const name = ctx.match![1]!.replace(/\s/g, '');
    const target = ctx.match![2]!.trim();
    if (!roster.known(name)) {
      const near = roster.suggest(name);
      return ctx.reply(noticeCard('手册中没有这个人', `手册中没有“${md(name)}”。${near.length ? `是不是：${md(near.join('、'))}？` : '请核对姓名。'}`, 'orange'));
    }
    let openId: string | null = null;
    let email: string | null = null;
    let mobile: string | null = null;
    const mention = ctx.mentions[0];
    if (mention?.openId) {
      openId = mention.openId;
    } else if (EMAIL.test(target) || MOBILE.test(target)) {
      const by = EMAIL.test(target) ? 'email' : 'mobile';
      if (by === 'email') email = target;
      else mobile = target;
      if (!feishu) return ctx.reply(noticeCard('无法绑定', '飞书未开启，无法按邮箱或手机号查找用户。', 'orange'));
      const [found] = await feishu.userIds(by, [target]);
      openId = found?.openId ?? null;
      if (!openId) return ctx.reply(noticeCard('找不到飞书用户', `飞书中没有${by === 'email' ? '邮箱' : '手机号'}为 ${md(target)} 的用户（或不在应用可用范围内）。`, 'orange'));
    } else {
      return ctx.reply(noticeCard('绑定格式', `请这样写：\n- 绑定 ${md(name)} @同事\n- 绑定 ${md(name)} 邮箱地址\n- 绑定 ${md(name)} 手机号`, 'orange'));
    }
    await roster.bind({ name, openId, email, mobile, source: 'chat' }, ctx.now, ctx.eventKey ? `${ctx.eventKey}#bind` : null);
    await ctx.reply(noticeCard('已绑定', `${md(name)} → <at id=${openId}></at>\n以后回答和每日提醒里提到${md(name)}时会 @ 这位同事。`, 'green'));
  }, '绑定 {person} @同事 / 邮箱 / 手机号（管理员）：回答里 @ 到真人');

  c.hears(/^(?:解绑|解除绑定)\s*(\S+)$/, async (ctx) => {
    if (await refuseNonAdmin(ctx)) return;
    const name = ctx.match![1]!;
    const had = await ctx.services.roster.unbind(name, ctx.eventKey ? `${ctx.eventKey}#unbind` : null, ctx.now);
    await ctx.reply(noticeCard(had ? '已解除绑定' : '没有绑定', had ? `${md(name)} 不再 @ 任何人。` : `${md(name)} 本来就没有绑定。`));
  });

  c.hears(/^(?:人员名单|绑定名单|名单)$/, async (ctx) => {
    if (await refuseNonAdmin(ctx)) return;
    const { roster } = ctx.services;
    const bound = roster.bindings().filter((b) => b.openId);
    const unbound = roster.names.filter((n) => !roster.openIdOf(n));
    await ctx.reply(
      card('人员绑定情况', [
        markdown(`**已绑定（${bound.length}）**\n${bound.map((b) => `${md(b.name)} → <at id=${b.openId}></at>`).join('\n') || '无'}`),
        markdown(`**未绑定（${unbound.length}）**\n${md(unbound.join('、')) || '无'}`),
      ]),
    );
  });

  return c;
}
