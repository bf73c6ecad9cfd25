import { type Answer, type AnswerItem, CAPABILITIES, EXAMPLE_QUESTIONS, SCOPE_LABEL } from '../retrieval/answer.js';

/** Feishu Card JSON 2.0. Unknown properties are errors in 2.0, so only documented ones are used. */
export type CardElement = Record<string, unknown>;

export interface Card {
  schema: '2.0';
  config: { update_multi: true; width_mode: 'fill'; summary?: { content: string } };
  header: {
    title: { tag: 'plain_text'; content: string };
    subtitle?: { tag: 'plain_text'; content: string };
    template: 'blue' | 'green' | 'orange' | 'red' | 'grey' | 'wathet' | 'turquoise' | 'indigo';
  };
  body: { elements: CardElement[] };
}

/** Values carried by card buttons and read back by the callback handler. */
export type CardAction =
  | { action: 'flow'; id: string }
  | { action: 'post'; id: string }
  | { action: 'ask'; q: string }
  | { action: string; [key: string]: string };

/** Resolves a person's name to a Feishu open_id where the roster binds one. */
export type MentionLookup = (name: string) => string | null;
export const noMentions: MentionLookup = () => null;

// Feishu limits a card to 30 KB and 200 components; stay clear of both.
const MAX_CARD_BYTES = 26_000;
const MAX_ELEMENTS = 120;

const MD_ESCAPES: Record<string, string> = { '<': '&#60;', '>': '&#62;', '*': '&#42;', '~': '&#126;', '_': '&#95;', '`': '&#96;', '[': '&#91;', ']': '&#93;' };
/** Manual text shown verbatim in card markdown. */
export const md = (s: string): string => s.replace(/[<>*~_`[\]]/g, (c) => MD_ESCAPES[c]!);

export const itemTitle = (item: string): string => item.replace(/^[一二三四五六七八九十百]+[、.．]\s*/, '');

const brief = (text: string, max: number) => ([...text].length > max ? `${[...text].slice(0, max).join('')}…` : text);

export function people(names: string[], mention: MentionLookup): string {
  if (names.length === 0) return '手册未列明';
  return names.map((n) => (mention(n) ? `<at id=${mention(n)}></at>` : md(n))).join('、');
}

export const markdown = (content: string, opts: { grey?: boolean } = {}): CardElement =>
  opts.grey ? { tag: 'markdown', content, text_size: 'notation', text_color: 'grey' } : { tag: 'markdown', content };

export const hr = (): CardElement => ({ tag: 'hr' });

export function button(label: string, value: CardAction, type: 'default' | 'primary' | 'primary_text' = 'default'): CardElement {
  return { tag: 'button', text: { tag: 'plain_text', content: label }, type, size: 'small', behaviors: [{ type: 'callback', value }] };
}

export function buttons(list: CardElement[]): CardElement {
  return {
    tag: 'column_set',
    flex_mode: 'flow',
    horizontal_spacing: '8px',
    columns: list.map((b) => ({ tag: 'column', width: 'auto', elements: [b] })),
  };
}

export function card(title: string, elements: CardElement[], o: { subtitle?: string; template?: Card['header']['template']; summary?: string } = {}): Card {
  return {
    schema: '2.0',
    config: { update_multi: true, width_mode: 'fill', ...(o.summary ? { summary: { content: brief(o.summary, 60) } } : {}) },
    header: {
      title: { tag: 'plain_text', content: brief(title, 60) },
      ...(o.subtitle ? { subtitle: { tag: 'plain_text', content: brief(o.subtitle, 80) } } : {}),
      template: o.template ?? 'blue',
    },
    body: { elements },
  };
}

const countElements = (els: CardElement[]): number =>
  els.reduce((n, e) => n + 1 + (Array.isArray(e.columns) ? (e.columns as { elements: CardElement[] }[]).reduce((m, c) => m + 1 + countElements(c.elements), 0) : 0), 0);

/**
 * Cards for blocks that may not fit one card: every block is kept whole, and a long list becomes
 * several cards titled "（第 i/n 页）".
 */
export function paged(title: string, blocks: CardElement[][], o: Parameters<typeof card>[2] = {}): Card[] {
  const pages: CardElement[][] = [];
  let page: CardElement[] = [];
  const fits = (els: CardElement[]) =>
    countElements(els) <= MAX_ELEMENTS && new TextEncoder().encode(JSON.stringify(card(title, els, o))).length <= MAX_CARD_BYTES;
  for (const block of blocks) {
    if (page.length > 0 && !fits([...page, ...block])) {
      pages.push(page);
      page = [];
    }
    page.push(...block);
  }
  if (page.length > 0 || pages.length === 0) pages.push(page);
  if (pages.length === 1) return [card(title, pages[0]!, o)];
  return pages.map((els, i) => card(`${title}（第 ${i + 1}/${pages.length} 页）`, els, o));
}

const place = (a: AnswerItem) => [SCOPE_LABEL[a.scope], a.unit, a.department].filter(Boolean).join(' · ');

function flowHead(a: AnswerItem): string {
  if (!a.flow) return '';
  const chart = a.flow.codes.map((c, i) => (a.flow!.titles[i] ? `${c} ${a.flow!.titles[i]}` : c)).join('；');
  return [chart, a.flow.subflow ? `（${a.flow.subflow}）` : ''].filter(Boolean).join(' ');
}

const sourceLine = (a: AnswerItem) => markdown(`来源：${md(a.source.file)} 第 ${a.source.line} 行`, { grey: true });

function rowButtons(a: AnswerItem): CardElement {
  const list: CardElement[] = [];
  if (a.flow && a.flow.steps.length > 0) list.push(button('完整流程', { action: 'flow', id: a.id }));
  list.push(button('本岗位其他事项', { action: 'post', id: a.id }));
  return buttons(list);
}

/** One row in full: the single-answer card and the "完整流程" card. */
export function itemElements(a: AnswerItem, mention: MentionLookup, o: { allSteps?: boolean } = {}): CardElement[] {
  const facts = [
    `**岗位**：${md(a.post)}`,
    `**牵头负责人**：${people(a.lead, mention)}${a.peopleInherited ? '（沿用本岗位人员）' : ''}`,
    `**辅助人员**：${people(a.assistants, mention)}`,
    `**时限**：${a.timeLimit ? md(a.timeLimit) : '手册未写明'}`,
  ];
  const els: CardElement[] = [markdown(facts.join('\n'))];
  if (a.duties.length > 0) els.push(markdown(`**职责**：${md(o.allSteps ? a.duties.join('；') : brief(a.duties.join('；'), 160))}`));
  if (a.flow) {
    const steps = o.allSteps || a.flow.steps.length <= 12 ? a.flow.steps : [...a.flow.steps.slice(0, 10), `……共 ${a.flow.steps.length} 步，点“完整流程”查看`];
    const head = flowHead(a);
    els.push(markdown([`**流程**：${md(head || '见下列步骤')}`, ...steps.map((s, i) => `${i + 1}. ${md(s)}`)].join('\n')));
  } else {
    els.push(markdown('**流程**：手册未给出此项的流程图'));
  }
  els.push(sourceLine(a));
  return els;
}

/** One row in a few lines, for answers with several rows. */
function compactElements(a: AnswerItem, mention: MentionLookup): CardElement[] {
  const lines = [
    `**〔${SCOPE_LABEL[a.scope]}〕${md(itemTitle(a.item))}**`,
    `${md(place(a))} ｜ 岗位：${md(a.post)}`,
    `牵头：${people(a.lead, mention)} ｜ 辅助：${people(a.assistants, mention)}`,
  ];
  if (a.flow) {
    const head = flowHead(a);
    const steps = a.flow.steps.length > 0 ? brief(a.flow.steps.join(' → '), 120) : '';
    lines.push(`流程：${md([head, steps].filter(Boolean).join(' · '))}`);
  }
  if (a.timeLimit) lines.push(`时限：${md(a.timeLimit)}`);
  return [markdown(lines.join('\n')), sourceLine(a)];
}

function exampleButtons(): CardElement {
  return buttons(EXAMPLE_QUESTIONS.map((q) => button(q, { action: 'ask', q }, 'primary_text')));
}

export function helpCard(commandHelp: string[] = []): Card {
  const els = [markdown(md(CAPABILITIES))];
  if (commandHelp.length > 0) els.push(markdown(['**其他用法**', ...commandHelp.map((h) => `- ${h}`)].join('\n')));
  els.push(markdown('点下面的例子试一试：', { grey: true }), exampleButtons());
  return card('岗责通能帮你做什么', els, { template: 'wathet', summary: '岗责通使用说明' });
}

export function noticeCard(title: string, text: string, template: Card['header']['template'] = 'grey'): Card {
  return card(title, [markdown(text)], { template });
}

/** The cards for an engine answer: one row in full, several rows compactly, a person's whole list, or not covered. */
export function answerCards(answer: Answer, mention: MentionLookup = noMentions): Card[] {
  if (!answer.found) {
    const els = [markdown(md(answer.text)), markdown('可以试试这些问题：', { grey: true }), exampleButtons()];
    return [card('没有找到相关职责', els, { template: 'orange', summary: '没有找到相关职责' })];
  }
  if (answer.intent === 'person' && answer.person) return personCards(answer, mention);
  const summary = answer.summary ? [markdown(md(answer.summary))] : [];
  if (answer.answers.length === 1) {
    const a = answer.answers[0]!;
    return [
      card(itemTitle(a.item), [...summary, ...itemElements(a, mention), rowButtons(a)], { subtitle: place(a), summary: itemTitle(a.item) }),
    ];
  }
  const scopes = [...new Set(answer.answers.map((a) => SCOPE_LABEL[a.scope]))];
  const subtitle = scopes.length > 1 ? `${scopes.join('、')}各有规定；问题里加上“市局”或“区里”可只看一处` : answer.question;
  const blocks = answer.answers.map((a, i) => [...(i > 0 ? [hr()] : []), ...compactElements(a, mention), rowButtons(a)]);
  if (summary.length > 0) blocks.unshift(summary);
  return paged(`找到 ${answer.answers.length} 条相关职责`, blocks, { subtitle, summary: answer.question });
}

function personCards(answer: Answer, mention: MentionLookup): Card[] {
  const person = answer.person!;
  const leads = answer.answers.filter((a) => a.lead.includes(person));
  const assists = answer.answers.filter((a) => !a.lead.includes(person));
  const posts = [...new Set(answer.answers.map((a) => `${a.post}（${place(a)}）`))];
  const line = (a: AnswerItem, i: number) => {
    const codes = a.flow?.codes.length ? ` 〔${a.flow.codes.join(' ')}〕` : '';
    const who = a.lead.includes(person) ? '' : `（牵头：${people(a.lead, mention)}）`;
    return `${i + 1}. ${md(itemTitle(a.item))}${md(codes)}${who}`;
  };
  const chunk = (title: string, list: AnswerItem[]): CardElement[][] => {
    const out: CardElement[][] = [];
    for (let i = 0; i < list.length; i += 15) {
      const part = list.slice(i, i + 15);
      out.push([markdown([i === 0 ? `**${title}（${list.length} 项）**` : `**${title}（续）**`, ...part.map((a, j) => line(a, i + j))].join('\n'))]);
    }
    return out;
  };
  const who = mention(person) ? `<at id=${mention(person)}></at>` : md(person);
  const blocks: CardElement[][] = [
    [markdown(`${who} 在手册中参与 **${answer.answers.length}** 项工作（牵头 ${leads.length} 项，辅助 ${assists.length} 项）。\n岗位：${md(posts.join('；'))}`)],
    ...chunk('牵头负责', leads),
    ...chunk('辅助参与', assists),
  ];
  return paged(`${person} 负责的工作`, blocks, { template: 'turquoise', summary: `${person} 负责的工作` });
}

/** Every item of one post, complete, paged where long. */
export function postCards(post: { post: string; place: string }, items: AnswerItem[], mention: MentionLookup): Card[] {
  const lines = items.map((a, i) => {
    const codes = a.flow?.codes.length ? ` 〔${a.flow.codes.join(' ')}〕` : '';
    return `${i + 1}. **${md(itemTitle(a.item))}**${md(codes)}\n牵头：${people(a.lead, mention)}${a.assistants.length ? ` ｜ 辅助：${people(a.assistants, mention)}` : ''}${a.timeLimit ? ` ｜ 时限：${md(a.timeLimit)}` : ''}`;
  });
  const blocks: CardElement[][] = [];
  for (let i = 0; i < lines.length; i += 8) blocks.push([markdown(lines.slice(i, i + 8).join('\n'))]);
  return paged(`${post.post}：共 ${items.length} 项工作`, blocks, { subtitle: post.place, template: 'indigo', summary: post.post });
}

/** The full flow of one row: every step, the whole duty text. */
export function flowCard(a: AnswerItem, mention: MentionLookup): Card {
  return card(`完整流程：${itemTitle(a.item)}`, itemElements(a, mention, { allSteps: true }), { subtitle: place(a), template: 'green' });
}

export { place as placeOf };
