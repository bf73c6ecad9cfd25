import { type Card, manualReportCards, manualVersionsCard, md, noticeCard } from '../cards.js';
import { Composer } from '../chat/composer.js';
import type { BotServices, ChatContext } from '../chat/context.js';
import { FeishuError, TooLargeError } from '../feishu/api.js';
import type { CardActionHandler } from '../feishu/bot.js';
import { type AdminResult, MAX_MANUAL_BYTES } from './admin.js';

const REFUSAL = '只有管理员可以更新手册。如需更新，请把文件发给管理员（环境变量 ADMIN_OPEN_IDS 中的同事）。';
const UNAVAILABLE = '这个部署不能在线更新手册（需要 Node 版服务的本地存储；Cloudflare Workers 版的手册在构建时打包）。请联系运维人员更新手册目录后重新部署。';

const isAdmin = (services: BotServices, openId: string | null) => openId !== null && services.admins.includes(openId);

/** The report cards of a result, with 启用 / 放弃 on a draft. */
export function resultCards(r: AdminResult): Card[] {
  if (!r.version) return [noticeCard(r.ok ? '手册' : '未能完成', md(r.message), r.ok ? 'grey' : 'orange')];
  return manualReportCards(r.version, { actions: true, message: r.message });
}

/**
 * Admins keep the manuals current from chat: send a file (a draft with its report), 绑定手册 <链接>,
 * 更新手册, 手册版本, 回滚; the report card's 启用 / 放弃 buttons are in `manualActions`.
 */
export function manualCommands(): Composer<ChatContext> {
  const c = new Composer<ChatContext>();

  const guard = async (ctx: ChatContext) => {
    if (!isAdmin(ctx.services, ctx.sender.openId)) {
      await ctx.reply(noticeCard('无法更新手册', REFUSAL, 'orange'));
      return null;
    }
    const admin = ctx.services.manuals;
    if (!admin) {
      await ctx.reply(noticeCard('不能在线更新手册', UNAVAILABLE, 'orange'));
      return null;
    }
    return admin;
  };

  c.use(async (ctx, next) => {
    if (!ctx.file) return next();
    const admin = await guard(ctx);
    if (!admin) return;
    const { feishu } = ctx.services;
    if (!feishu || !ctx.messageId) return ctx.reply(noticeCard('无法下载文件', '飞书未开启，无法下载文件。', 'orange'));
    const name = ctx.file.name.trim() || '手册';
    let bytes: Uint8Array;
    try {
      bytes = await feishu.downloadResource(ctx.messageId, ctx.file.key, { maxBytes: MAX_MANUAL_BYTES });
    } catch (e) {
      if (e instanceof TooLargeError) {
        return ctx.reply(noticeCard('文件太大', `${md(name)} 超过 ${MAX_MANUAL_BYTES / 1024 / 1024} MB，没有读取。请删去图片等内容，或拆成几个文件分别发送。`, 'orange'));
      }
      // Feishu down: the event is tried again later; refused for good: say so.
      if (e instanceof FeishuError && e.retryable) throw e;
      return ctx.reply(noticeCard('无法下载文件', `从飞书下载 ${md(name)} 失败：${md(String((e as Error)?.message ?? e))}。当前版本继续使用。`, 'orange'));
    }
    await ctx.reply(...resultCards(await admin.upload({ name, bytes }, ctx.sender.openId!, ctx.eventKey ?? null)));
  });

  c.hears(
    /^绑定手册\s*(\S+)$/,
    async (ctx) => {
      const admin = await guard(ctx);
      if (!admin) return;
      const url = ctx.match![1]!;
      if (!/^https:\/\/[^/\s]+\/(?:docx|docs|wiki|sheets|base)\/\S+$/i.test(url)) {
        return ctx.reply(noticeCard('链接格式', '请发送飞书云文档、知识库或电子表格的链接，例如：绑定手册 https://xxx.feishu.cn/docx/…（也可以是 /wiki/、/sheets/）', 'orange'));
      }
      await ctx.reply(...resultCards(await admin.bindLink(url, ctx.sender.openId!, ctx.eventKey ? `${ctx.eventKey}#bind` : null)));
    },
    '绑定手册 飞书文档链接（管理员）：读取云文档、知识库或表格中的手册，核对后启用',
  );

  c.hears(
    /^更新手册$/,
    async (ctx) => {
      const admin = await guard(ctx);
      if (!admin) return;
      await ctx.reply(...resultCards(await admin.refreshLinks(ctx.sender.openId!, ctx.eventKey ? `${ctx.eventKey}#refresh` : null)));
    },
    '更新手册（管理员）：重新读取已绑定的飞书文档；发送手册文件给我可上传新版本',
  );

  c.hears(/^(?:手册版本|版本列表|手册版本列表)$/, async (ctx) => {
    const admin = await guard(ctx);
    if (!admin) return;
    const active = admin.active();
    await ctx.reply(manualVersionsCard(admin.list(15), { canRollBack: admin.canRollBack(), activeId: active?.id ?? null }));
  }, '手册版本（管理员）：列出手册的各个版本；“回滚”回到上一版本');

  c.hears(/^(?:回滚|回滚手册)$/, async (ctx) => {
    const admin = await guard(ctx);
    if (!admin) return;
    const r = await admin.rollback(ctx.sender.openId!, { key: ctx.eventKey ? `${ctx.eventKey}#rollback` : null });
    await ctx.reply(noticeCard(r.ok ? '手册已回滚' : '无法回滚', md(r.message), r.ok ? 'green' : 'orange'));
  });

  return c;
}

const toastOf = (r: AdminResult) => ({ type: r.ok ? ('success' as const) : ('warning' as const), content: r.message.slice(0, 60) });

/** The report card's buttons, and 回滚 on the version list: admins only, each click's effect once. */
export const manualActions: Record<string, CardActionHandler> = {
  async manual_activate(value, ctx) {
    if (!isAdmin(ctx.services, ctx.operatorOpenId)) return { toast: { type: 'warning', content: '只有管理员可以启用手册' } };
    const admin = ctx.services.manuals;
    if (!admin) return { toast: { type: 'warning', content: '这个部署不能在线更新手册' } };
    const r = await admin.activate(Number(value.id), ctx.operatorOpenId!);
    await ctx.reply(noticeCard(r.ok ? '手册已启用' : '未能启用', md(r.message), r.ok ? 'green' : 'orange'));
    return { toast: toastOf(r) };
  },
  async manual_discard(value, ctx) {
    if (!isAdmin(ctx.services, ctx.operatorOpenId)) return { toast: { type: 'warning', content: '只有管理员可以操作手册版本' } };
    const admin = ctx.services.manuals;
    if (!admin) return { toast: { type: 'warning', content: '这个部署不能在线更新手册' } };
    const r = await admin.discard(Number(value.id), ctx.operatorOpenId!);
    return { toast: toastOf(r) };
  },
  async manual_rollback(value, ctx) {
    if (!isAdmin(ctx.services, ctx.operatorOpenId)) return { toast: { type: 'warning', content: '只有管理员可以回滚手册' } };
    const admin = ctx.services.manuals;
    if (!admin) return { toast: { type: 'warning', content: '这个部署不能在线更新手册' } };
    const r = await admin.rollback(ctx.operatorOpenId!, { key: ctx.eventKey, expectActive: Number(value.from) });
    await ctx.reply(noticeCard(r.ok ? '手册已回滚' : '无法回滚', md(r.message), r.ok ? 'green' : 'orange'));
    return { toast: toastOf(r) };
  },
};
