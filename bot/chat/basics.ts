import { corpusExamples, fillExamples } from '../../retrieval/examples.js';
import type { Answer } from '../../retrieval/answer.js';
import { answerCards, type Card, COMPOSE_FALLBACK, COMPOSED_ELEMENT_ID, composedContent, helpCard, md, noticeCard, withComposedText } from '../cards.js';
import { Composer } from './composer.js';
import { type AnswerWriter, askedAs, type ChatContext, unitsOf } from './context.js';

/** Help, and unknown slash commands: the first and the last word of every conversation. */
export function helpCommand(commandHelp: () => string[]): Composer<ChatContext> {
  return new Composer<ChatContext>().hears(/^(?:\/help|\/start|帮助|help|使用说明|菜单|你能做什么|[?？])$/i, (ctx) =>
    ctx.reply(helpCard(commandHelp().map((h) => fillExamples(h, corpusExamples(ctx.services.engine.sampleRecords()))), ctx.services.engine.examples(unitsOf(ctx)))),
  );
}

/** Anything else is a question for the duty manuals. */
export function askFallback(): Composer<ChatContext> {
  return new Composer<ChatContext>().use(async (ctx) => {
    const slash = ctx.text.match(/^\/(\S+)/);
    if (slash) {
      await ctx.reply(noticeCard('未知命令', `没有“/${md(slash[1]!)}”这个命令。发送“帮助”查看我能做什么，或直接用中文提问。`, 'orange'));
      return;
    }
    const units = unitsOf(ctx);
    if (!ctx.text) {
      await ctx.reply(helpCard([], ctx.services.engine.examples(units)));
      return;
    }
    const engine = ctx.services.engine;
    const answer = await ctx.services.answerer.ask(ctx.text, askedAs(ctx));
    const cards = answerCards(answer, ctx.services.mention, engine.examples(units));
    const writer = ctx.services.writer;
    if (writer && writer.ready?.() !== false && answer.found && answer.intent !== 'person') {
      await composedReply(ctx, writer, answer, cards);
      return;
    }
    await ctx.reply(...cards);
  });
}

/** The model's short answer on top of the manual's rows: streamed into the card where the channel can, else written first. */
async function composedReply(ctx: ChatContext, writer: AnswerWriter, answer: Answer, cards: Card[]): Promise<void> {
  if (ctx.replyStreaming) {
    const streaming = withComposedText(cards, '正在整理回答…');
    await ctx.replyStreaming(streaming, COMPOSED_ELEMENT_ID, async (show) => {
      // One time limit per question: assist and compose together end within LLM_TIMEOUT_MS.
      const out = await writer.compose(answer, (text) => show(md(text)), { startedAt: ctx.now });
      return out.text === null ? null : composedContent(out.text);
    }, COMPOSE_FALLBACK);
    return;
  }
  const { text } = await writer.compose(answer, undefined, { startedAt: ctx.now });
  await ctx.reply(...(text ? withComposedText(cards, composedContent(text)) : cards));
}

/** The whole conversation: feature composers in order, then questions. */
export function buildRouter(features: Composer<ChatContext>[]): Composer<ChatContext> {
  const root = new Composer<ChatContext>();
  const help: string[] = [];
  root.use(helpCommand(() => help));
  for (const f of features) root.use(f);
  help.push(...root.help);
  root.use(askFallback());
  return root;
}
