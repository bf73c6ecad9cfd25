import type { DutyRecord } from '../../ingest/record.js';
import { toItem } from '../../retrieval/answer.js';
import { flowCard, placeOf, postCards } from '../cards.js';
import type { CardActionHandler, CardReply } from '../feishu/bot.js';

const sentToast = (sent: boolean): CardReply => ({
  toast: sent ? { type: 'success', content: '已发送，请查看下方消息' } : { type: 'info', content: '刚刚已发送过，请查看下方消息' },
});

/** The rows of the same post as `r`: same unit, section and post. */
export function samePost(records: readonly DutyRecord[], r: DutyRecord): DutyRecord[] {
  return records.filter((x) => x.unit === r.unit && x.department === r.department && x.post === r.post && x.source.file === r.source.file);
}

/** Buttons on answer cards: the full flow, the other items of the post, an example question. */
export const answerActions: Record<string, CardActionHandler> = {
  async flow(value, ctx) {
    const r = value.id ? ctx.services.engine.record(value.id) : null;
    if (!r) return { toast: { type: 'warning', content: '手册已更新，找不到这一条，请重新提问' } };
    return sentToast(await ctx.reply(flowCard(toItem(r, 1, null), ctx.services.mention)));
  },
  async post(value, ctx) {
    const r = value.id ? ctx.services.engine.record(value.id) : null;
    if (!r) return { toast: { type: 'warning', content: '手册已更新，找不到这一条，请重新提问' } };
    const items = samePost(ctx.services.engine.recordsOf([r.unit]), r).map((x) => toItem(x, 1, null));
    return sentToast(await ctx.reply(...postCards({ post: r.post, place: placeOf(items[0]!) }, items, ctx.services.mention)));
  },
  async ask(value, ctx) {
    if (!value.q) return { toast: { type: 'error', content: '按钮缺少问题' } };
    return sentToast(await ctx.ask(value.q));
  },
};
