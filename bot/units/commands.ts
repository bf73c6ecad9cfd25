import { md, noticeCard } from '../cards.js';
import { Composer } from '../chat/composer.js';
import type { ChatContext } from '../chat/context.js';
import { resolveUnit } from './chatUnits.js';

const MAX_CHOICES = 12;

/**
 * "本群单位 <单位>" (admins): binds the group to a unit of the manuals, so its questions are answered from
 * that unit (and the units above and below it) unless they name another. "本群单位" alone says what it is.
 */
export function chatUnitCommands(): Composer<ChatContext> {
  const c = new Composer<ChatContext>();

  c.hears(/^(?:本群单位|绑定本群单位|设置本群单位)\s*(.*)$/, async (ctx) => {
    const { chatUnits, engine, admins } = ctx.services;
    const name = ctx.match![1]!.trim();
    const current = chatUnits.get(ctx.chat.id);
    if (!name) {
      const how = '管理员发送“本群单位 单位名称”可设置，“取消本群单位”可解除。';
      return ctx.reply(
        noticeCard(
          '本群单位',
          current ? `本群的问题默认按“${md(current.unit)}”（含其上级和所属单位）回答；问题里写明其他单位时按所写单位回答。\n${how}` : `本群还没有绑定单位：问题按全部手册回答。\n${how}`,
          'wathet',
        ),
      );
    }
    if (!ctx.sender.openId || !admins.includes(ctx.sender.openId)) {
      const why = admins.length === 0 ? '还没有设置管理员（环境变量 ADMIN_OPEN_IDS）。' : '设置本群单位是管理员命令，你没有权限。';
      return ctx.reply(noticeCard('无法执行', why, 'orange'));
    }
    const units = resolveUnit(engine.directory, name);
    if (units.length === 0) {
      const some = engine.directory.familyNames().slice(0, 5);
      return ctx.reply(noticeCard('没有这个单位', `手册中没有与“${md(name)}”对应的单位。请写单位全称，例如：${md(some.join('、'))}。`, 'orange'));
    }
    if (units.length > 1) {
      const list = units.slice(0, MAX_CHOICES).map((u) => `- 本群单位 ${md(u)}`);
      const more = units.length > MAX_CHOICES ? `\n……共 ${units.length} 个，请写得更具体些。` : '';
      return ctx.reply(noticeCard('对应多个单位', `“${md(name)}”对应 ${units.length} 个单位，请发送其中一个：\n${list.join('\n')}${more}`, 'orange'));
    }
    const unit = units[0]!;
    await chatUnits.set(ctx.chat.id, unit, ctx.sender.openId, ctx.now, ctx.eventKey ? `${ctx.eventKey}#chat-unit` : null);
    await ctx.reply(noticeCard('已设置本群单位', `本群的问题今后默认按“${md(unit)}”（含其上级和所属单位）回答；问题里写明其他单位时按所写单位回答。`, 'green'));
  }, '本群单位 {unit}（管理员）：本群的问题默认按该单位回答');

  c.hears(/^(?:取消|解除)本群单位$/, async (ctx) => {
    const { chatUnits, admins } = ctx.services;
    if (!ctx.sender.openId || !admins.includes(ctx.sender.openId)) return ctx.reply(noticeCard('无法执行', '解除本群单位是管理员命令，你没有权限。', 'orange'));
    const had = await chatUnits.clear(ctx.chat.id, ctx.now, ctx.eventKey ? `${ctx.eventKey}#chat-unit-clear` : null);
    await ctx.reply(noticeCard(had ? '已解除本群单位' : '本群没有绑定单位', had ? '本群的问题今后按全部手册回答。' : '本群本来就没有绑定单位。'));
  });

  return c;
}
