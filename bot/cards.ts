import type { DutyRecord } from '../ingest/record.js';
import { chartLabels } from '../ingest/flowCharts.js';
import { joinDuties } from '../ingest/text.js';
import { EXAMPLE_DEADLINES_NOTE } from './reminders/deadlines.js';
import { personPosts } from '../retrieval/organisation.js';
import { type Answer, type AnswerItem, capabilitiesText, SCOPE_LABEL } from '../retrieval/answer.js';

import type { Reminder } from './reminders/store.js';
import type { VersionReport } from './manuals/report.js';

/** Feishu Card JSON 2.0. Unknown properties are errors in 2.0, so only documented ones are used. */
export type CardElement = Record<string, unknown>;

export interface Card {
  schema: '2.0';
  config: { update_multi: true; width_mode: 'fill'; summary?: { content: string } };
  header: {
    title: { tag: 'plain_text'; content: string };
    subtitle?: { tag: 'plain_text'; content: string };
    template: 'blue' | 'green' | 'orange' | 'red' | 'grey' | 'wathet' | 'turquoise' | 'indigo' | 'yellow';
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

const MD_ESCAPES: Record<string, string> = {
  '&': '&#38;', '<': '&#60;', '>': '&#62;', '*': '&#42;', '~': '&#126;', '_': '&#95;', '`': '&#96;', '[': '&#91;', ']': '&#93;', '!': '&#33;', '#': '&#35;', '$': '&#36;', '|': '&#124;', '\\': '&#92;',
};
/**
 * The one escaping function for text shown verbatim in card markdown, whether from the manuals or typed
 * by a user: no tag (`<at id=all>`, `<font>`, `<link>`), link (also a bare https://…), image or emphasis survives it.
 */
export const md = (s: string): string => s.replace(/[&<>*~_`[\]!#$|\\]/g, (c) => MD_ESCAPES[c]!).replace(/:(?=\/\/)/g, '&#58;');

export const itemTitle = (item: string): string => item.replace(/^[一二三四五六七八九十百]+[、.．]\s*/, '');


const brief = (text: string, max: number) => ([...text].length > max ? `${[...text].slice(0, max).join('')}…` : text);

export function people(names: string[], mention: MentionLookup): string {
  if (names.length === 0) return '手册未列明';
  return names.map((n) => (mention(n) ? `<at id=${mention(n)}></at>` : md(n))).join('、');
}

/** The 2.0 markdown component has no colour property: grey notes use a <font> tag inside the content. */
export const markdown = (content: string, opts: { grey?: boolean } = {}): CardElement =>
  opts.grey ? { tag: 'markdown', content: `<font color='grey'>${content}</font>`, text_size: 'notation' } : { tag: 'markdown', content };

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
  const chart = chartLabels(a.flow).join('；');
  return [chart, a.flow.subflow ? `（${a.flow.subflow}）` : ''].filter(Boolean).join(' ');
}

const sourceLine = (a: AnswerItem) =>
  markdown(`来源：${md(a.source.file)} 第 ${a.source.line} 行${a.source.ref ? `（${md(a.source.ref)}）` : ''}`, { grey: true });

function rowButtons(a: AnswerItem): CardElement {
  const list: CardElement[] = [];
  if (a.flow && a.flow.steps.length > 0) list.push(button('完整流程', { action: 'flow', id: a.id }));
  list.push(button('本岗位其他事项', { action: 'post', id: a.id }));
  return buttons(list);
}

/** One row in full: the single-answer card and the "完整流程" card. */
export function itemElements(a: AnswerItem, mention: MentionLookup, o: { allSteps?: boolean } = {}): CardElement[] {
  // A passage no layout recogniser structured: quoted as written, never read as naming who is responsible.
  if (a.kind === 'passage') return [markdown(`**原文**：${md(o.allSteps ? a.duties.join('') : brief(a.duties.join(''), 400))}`), sourceLine(a)];
  const facts = [
    `**岗位**：${md(a.post)}`,
    `**牵头负责人**：${people(a.lead, mention)}${a.peopleInherited ? '（沿用本岗位人员）' : ''}`,
    `**辅助人员**：${people(a.assistants, mention)}`,
    `**时限**：${a.timeLimit ? md(a.timeLimit) : '手册未写明'}`,
  ];
  const els: CardElement[] = [markdown(facts.join('\n'))];
  if (a.duties.length > 0) els.push(markdown(`**职责**：${md(o.allSteps ? joinDuties(a.duties) : brief(joinDuties(a.duties), 160))}`));
  if (a.details.length > 0) els.push(markdown(a.details.slice(0, 6).map((d) => `**${md(d.label)}**：${md(brief(d.text, 80))}`).join('\n')));
  if (a.flow) {
    const steps = o.allSteps || a.flow.steps.length <= 12 ? a.flow.steps : [...a.flow.steps.slice(0, 10), `……共 ${a.flow.steps.length} 步，点“完整流程”查看`];
    const head = flowHead(a);
    const listed = steps.length > 0 ? steps.map((s, i) => `${i + 1}. ${md(s)}`) : ['手册未列出办理步骤'];
    els.push(markdown([`**流程**：${md(head || '见下列步骤')}`, ...listed].join('\n')));
  } else {
    els.push(markdown('**流程**：手册未给出此项的流程图'));
  }
  els.push(sourceLine(a));
  return els;
}

/** One row in a few lines, for answers with several rows. */
function compactElements(a: AnswerItem, mention: MentionLookup): CardElement[] {
  if (a.kind === 'passage') return [markdown(`**〔${SCOPE_LABEL[a.scope]}〕${md(itemTitle(a.item))}**\n${md(brief(a.duties.join(''), 120))}`), sourceLine(a)];
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

/** Buttons that ask a question again when clicked: examples, and the alternatives of a plausible answer. */
function askButtons(questions: readonly string[]): CardElement {
  return buttons(questions.map((q) => button(q, { action: 'ask', q }, 'primary_text')));
}

/** The help card; `examples` come from the loaded manuals (the engine's `examples()`). */
export function helpCard(commandHelp: string[] = [], examples: readonly string[] = []): Card {
  const els = [markdown(md(capabilitiesText(examples)))];
  if (commandHelp.length > 0) els.push(markdown(['**其他用法**', ...commandHelp.map((h) => `- ${h}`)].join('\n')));
  if (examples.length > 0) els.push(markdown('点下面的例子试一试：', { grey: true }), askButtons(examples));
  return card('岗责通能帮你做什么', els, { template: 'wathet', summary: '岗责通使用说明' });
}

export function noticeCard(title: string, text: string, template: Card['header']['template'] = 'grey'): Card {
  return card(title, [markdown(text)], { template });
}

/** The cards for an engine answer: one row in full, several rows compactly, a person's whole list, or not covered. */
export function answerCards(answer: Answer, mention: MentionLookup = noMentions, examples: readonly string[] = []): Card[] {
  if (answer.pickedBy && answer.found) return pickedNote(answerCards({ ...answer, pickedBy: undefined }, mention, examples), answer.pickedBy);
  if (!answer.found) {
    const els = [markdown(md(answer.text))];
    if (examples.length > 0) els.push(markdown('可以试试这些问题：', { grey: true }), askButtons(examples));
    return [card('没有找到相关职责', els, { template: 'orange', summary: '没有找到相关职责' })];
  }
  if (answer.unitChoice) {
    const els: CardElement[] = [markdown(md(answer.text))];
    if (answer.alternatives.length > 0) els.push(askButtons(answer.alternatives.map((x) => x.question)));
    return [card('请说明是哪个单位', els, { template: 'yellow', summary: '请说明是哪个单位' })];
  }
  if (answer.intent === 'person' && answer.person) return personCards(answer, mention);
  if (answer.band === 'plausible' && answer.answers[0]) {
    // A guess is said to be one, with the other readings one click away.
    const a = answer.answers[0];
    const els: CardElement[] = [markdown(`没有完全对上的事项，**最可能是**：${md(itemTitle(a.item))}`, { grey: true }), ...itemElements(a, mention), rowButtons(a)];
    if (answer.alternatives.length > 0) els.push(hr(), markdown('是不是想问：', { grey: true }), askButtons(answer.alternatives.map((x) => x.question)));
    return [card(`最可能是：${itemTitle(a.item)}`, els, { subtitle: place(a), template: 'yellow', summary: `最可能是：${itemTitle(a.item)}` })];
  }
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
  const posts = personPosts(person, answer.answers);
  const postLine = `岗位：${md(posts.held.join('；') || '（不牵头任何事项）')}${posts.assisted.length ? `\n辅助：${md(posts.assisted.join('；'))}` : ''}`;
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
    // What the question asked about the person (who stands in, one of their facts) comes first.
    ...(answer.summary ? [[markdown(`**${md(answer.summary)}**`)]] : []),
    [markdown(`${who} 在手册中参与 **${answer.answers.length}** 项工作（牵头 ${leads.length} 项，辅助 ${assists.length} 项）。\n${postLine}`)],
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

// ——— Reminders ———

/** What a reminder card shows besides the reminder itself. */
export interface ReminderView {
  r: Reminder;
  record: DutyRecord | null;
  /** "2026年11月30日（星期一）". */
  due: string;
  /** "还有 3 个工作日" / "今天到期" / "已逾期 2 个工作日". */
  distance: string;
  /** From the shipped sample calendar (`seeds/deadlines.json` still marked as an example). */
  example?: boolean;
}

const ORIGIN_LABEL = { chat: '群聊设置', manual: '手册时限', calendar: '周期日历' } as const;

function who(v: ReminderView, mention: MentionLookup): string {
  if (v.r.assigneeOpenId) return `<at id=${v.r.assigneeOpenId}></at>`;
  if (v.r.assigneeName) return people([v.r.assigneeName], mention);
  if (v.record && v.record.lead.length > 0) return people(v.record.lead, mention);
  return v.r.creator ? `<at id=${v.r.creator}></at>` : '未指定';
}

const flowCodes = (record: ReminderView['record']) => (record?.flow?.codes.length ? ` 〔${record.flow.codes.join(' ')}〕` : '');

export function reminderButtons(id: number): CardElement {
  return buttons([
    button('完成', { action: 'remind.done', id: String(id) }, 'primary'),
    button('顺延1个工作日', { action: 'remind.postpone', id: String(id) }),
  ]);
}

/** The confirmation of a new or changed reminder, with the date spelled out so a wrong parse shows. */
export function reminderCard(title: string, v: ReminderView, mention: MentionLookup, o: { warning?: string | null; note?: string | null } = {}): Card {
  const lines = [
    `**事项**：${md(v.r.title)}`,
    `**截止**：${v.due}（${v.distance}）`,
    `**负责人**：${who(v, mention)}`,
  ];
  if (v.record) {
    lines.push(`**关联手册事项**：${md(itemTitle(v.record.item))}${md(flowCodes(v.record))}`);
    lines.push(`**岗位**：${md(v.record.post)}（${md([v.record.unit, v.record.department].filter(Boolean).join(' · '))}）`);
    if (v.record.timeLimit) lines.push(`**手册时限**：${md(v.record.timeLimit)}`);
  }
  lines.push(`**编号**：#${v.r.id} ｜ 来源：${ORIGIN_LABEL[v.r.origin]}`);
  const els: CardElement[] = [markdown(lines.join('\n'))];
  if (v.example) els.push(markdown(md(EXAMPLE_DEADLINES_NOTE), { grey: true }));
  if (o.warning) els.push(markdown(`<font color='red'>${md(o.warning)}</font>`));
  if (o.note) els.push(markdown(md(o.note), { grey: true }));
  els.push(markdown(`改期：发送“改期 ${v.r.id} 12月5日”；取消：发送“取消 ${v.r.id}”`, { grey: true }));
  if (v.r.status === 'open') els.push(reminderButtons(v.r.id));
  return card(title, els, { template: v.r.status === 'open' ? 'green' : 'grey', summary: `${title}：${v.r.title}` });
}

function reminderLine(v: ReminderView, mention: MentionLookup): string {
  return `**#${v.r.id} ${v.example ? '〔示例〕' : ''}${md(v.r.title)}**${md(flowCodes(v.record))}\n${who(v, mention)} ｜ ${v.due}${v.r.dueTime ? ` ${v.r.dueTime}` : ''} ｜ ${v.distance}`;
}

/** A list of reminders ("我的提醒", "本群提醒"), complete, paged where long. */
export function reminderListCards(title: string, views: ReminderView[], mention: MentionLookup, empty: string): Card[] {
  if (views.length === 0) return [card(title, [markdown(empty)], { template: 'grey' })];
  const blocks = views.map((v, i) => [...(i > 0 ? [hr()] : []), markdown(reminderLine(v, mention)), reminderButtons(v.r.id)]);
  if (views.some((v) => v.example)) blocks.push([markdown(`〔示例〕${md(EXAMPLE_DEADLINES_NOTE)}`, { grey: true })]);
  return paged(`${title}（${views.length} 条）`, blocks, { template: 'wathet' });
}

/** The morning digest of one chat. */
export function digestCards(date: string, sections: { overdue: ReminderView[]; today: ReminderView[]; soon: ReminderView[] }, mention: MentionLookup): Card[] {
  const blocks: CardElement[][] = [];
  const section = (label: string, color: string, list: ReminderView[]) => {
    if (list.length === 0) return;
    blocks.push([markdown(`<font color='${color}'>**${label}（${list.length}）**</font>`)]);
    list.forEach((v) => blocks.push([markdown(reminderLine(v, mention)), reminderButtons(v.r.id)]));
  };
  section('已逾期', 'red', sections.overdue);
  section('今天到期', 'orange', sections.today);
  section('近 3 个工作日内到期', 'blue', sections.soon);
  const all = [...sections.overdue, ...sections.today, ...sections.soon];
  if (all.some((v) => v.example)) blocks.push([markdown(`〔示例〕${md(EXAMPLE_DEADLINES_NOTE)}`, { grey: true })]);
  blocks.push([markdown('发送“本群提醒”查看全部，“取消订阅”停止每日提醒。', { grey: true })]);
  const total = sections.overdue.length + sections.today.length + sections.soon.length;
  return paged(`每日提醒 · ${date}`, blocks, { template: sections.overdue.length > 0 ? 'red' : 'orange', summary: `今日提醒 ${total} 条` });
}

// ——— Onboarding and browsing ———

export function welcomeCard(o: { newcomers?: { name: string; openId: string | null }[]; groupJoin?: boolean; examples?: readonly string[]; units?: readonly string[] } = {}): Card {
  const hello = o.newcomers && o.newcomers.length > 0
    ? `欢迎 ${o.newcomers.map((u) => (u.openId ? `<at id=${u.openId}></at>` : md(u.name))).join('、')} ！`
    : '你好，我是岗责通。';
  const els: CardElement[] = [
    markdown(`${hello}我根据本局的“定岗定责定流程”手册回答：谁负责哪项工作、流程怎么走、办理时限、某位同事负责什么、谁分管哪个股室；还能设截止提醒。`),
    ...(o.units?.length ? [markdown(`${o.groupJoin ? '本群' : '你'}的问题默认按 **${md(o.units.join('、'))}** 的手册回答；问其他单位的事项请在问题里写明单位。`)] : []),
    markdown('**新同事**：发送“入职 你的岗位”（岗位名称照手册写，也可以说“入职 某某的岗位”），我会发一份入职指南：岗位职责、每个流程的步骤、分管领导和同事、周期性截止事项和第一周清单。'),
    markdown(o.groupJoin ? '在群里提问请先 @我。点下面的例子试一试：' : '点下面的例子试一试：', { grey: true }),
  ];
  if (o.examples?.length) els.push(askButtons(o.examples.slice(0, 3)));
  return card('欢迎使用岗责通', els, { template: 'turquoise', summary: '欢迎使用岗责通' });
}

/** Several posts match: one button each. */
export function choiceCard(title: string, hint: string, options: { label: string; value: CardAction }[]): Card {
  const els: CardElement[] = [markdown(md(hint))];
  for (const o of options.slice(0, 20)) els.push(button(o.label, o.value));
  if (options.length > 20) els.push(markdown(`还有 ${options.length - 20} 个，请说得更具体些。`, { grey: true }));
  return card(title, els, { template: 'yellow' });
}

interface PackView {
  post: { post: string; unit: string; department: string | null; key: string };
  leaders: { names: string[]; post: string; via: 'oversees' | 'principal' }[];
  people: { leads: string[]; assistants: string[] };
  colleagues: { post: string; people: string[] }[];
  items: (AnswerItem & { subflows: { name: string; steps: string[] }[] })[];
  deadlines: { title: string; next: string | null; example: boolean }[];
  checklist: { flows: string[]; meet: string[] };
}

/** The onboarding pack: the post, its people, every item with its flow, deadlines and a first-week checklist. */
export function packCards(p: PackView, mention: MentionLookup): Card[] {
  const where = [p.post.unit, p.post.department].filter(Boolean).join(' · ');
  const leaderText = p.leaders.length
    ? p.leaders.map((l) => `${l.names.length ? people(l.names, mention) : '（手册未列姓名）'}（${md(l.post)}${l.via === 'oversees' ? '，分管' : '，主持全面工作'}）`).join('；')
    : '本岗位即单位负责人';
  const head: CardElement[] = [
    markdown(
      [
        `**单位/科室**：${md(where)}`,
        `**岗位**：${md(p.post.post)}`,
        `**分管领导**：${leaderText}`,
        `**本岗位人员**：牵头 ${people(p.people.leads, mention)}${p.people.assistants.length ? `；辅助 ${people(p.people.assistants, mention)}` : ''}`,
        `**工作事项**：共 ${p.items.length} 项，流程 ${p.checklist.flows.length} 个`,
      ].join('\n'),
    ),
  ];
  if (p.colleagues.length > 0) {
    head.push(markdown(`**同单位同事**\n${p.colleagues.map((c) => `- ${md(c.post)}：${people(c.people, mention)}`).join('\n')}`));
  }
  const blocks: CardElement[][] = [head];
  p.items.forEach((a, i) => {
    const lines = [`**${i + 1}. ${md(itemTitle(a.item))}**${a.flow?.codes.length ? ` 〔${md(a.flow.codes.join(' '))}〕` : ''}`];
    if (a.duties.length) lines.push(`职责：${md(brief(joinDuties(a.duties), 140))}`);
    lines.push(`牵头：${people(a.lead, mention)}${a.assistants.length ? ` ｜ 辅助：${people(a.assistants, mention)}` : ''}`);
    if (a.subflows.length > 1) {
      for (const sf of a.subflows) lines.push(`流程（${md(sf.name || '未命名')}）：${md(sf.steps.join(' → '))}`);
    } else if (a.flow && a.flow.steps.length > 0) {
      const head = a.flow.titles[0] ? `${md(a.flow.titles[0])}：` : '';
      lines.push(`流程：${head}${md(a.flow.steps.join(' → '))}`);
    }
    if (a.timeLimit) lines.push(`时限：${md(a.timeLimit)}`);
    blocks.push([hr(), markdown(lines.join('\n'))]);
  });
  if (p.deadlines.length > 0) {
    const note = p.deadlines.some((d) => d.example) ? [markdown(md(EXAMPLE_DEADLINES_NOTE), { grey: true })] : [];
    blocks.push([hr(), markdown(`**本岗位的周期性截止事项**\n${p.deadlines.map((d) => `- ${d.example ? '〔示例〕' : ''}${md(d.title)}${d.next ? `：下一次 ${spellDateShort(d.next)}` : ''}`).join('\n')}`), ...note]);
  }
  const checklist = [
    '**第一周清单**',
    `1. 读懂本岗位的流程：${md(p.checklist.flows.join('；')) || '本岗位手册未列流程图'}`,
    `2. 认识这些同事：${people(p.checklist.meet, mention) || '—'}`,
    '3. 订阅本岗位的截止提醒（点下方按钮），每个工作日早上收到到期事项',
    '4. 有不清楚的事项，直接问我，例如“' + (p.items[0] ? `${itemTitle(p.items[0].item)}的流程` : '谁负责某项工作') + '”',
  ];
  blocks.push([hr(), markdown(checklist.join('\n')), buttons([button('订阅本岗位提醒', { action: 'onboard.subscribe', key: p.post.key }, 'primary')])]);
  return paged(`入职指南：${p.post.post}`, blocks, { subtitle: where, template: 'turquoise', summary: `入职指南：${p.post.post}` });
}

const spellDateShort = (date: string) => `${Number(date.slice(0, 4))}年${Number(date.slice(5, 7))}月${Number(date.slice(8, 10))}日`;

/** All posts of a unit or section, complete, each with its people and number of items. */
export function unitPostsCards(name: string, posts: { post: string; unit: string; department: string | null; leads: string[]; items: number; key: string }[], mention: MentionLookup): Card[] {
  const blocks = posts.map((p, i) => [
    markdown(`**${i + 1}. ${md(p.post)}**${p.department && !name.includes(p.department) ? `（${md(p.department)}）` : ''}\n人员：${people(p.leads, mention)} ｜ ${p.items} 项工作`),
    buttons([button('看事项', { action: 'onboard.items', key: p.key }), button('入职指南', { action: 'onboard.pack', key: p.key })]),
  ]);
  return paged(`${name}：共 ${posts.length} 个岗位`, blocks, { template: 'indigo' });
}

/** What a manual version card shows about the version itself (see bot/manuals). */
export interface VersionView {
  id: number;
  status: 'draft' | 'active' | 'superseded' | 'discarded';
  madeBy: string;
  madeAt: number;
  baseId: number | null;
  note: string;
  sources: { name: string; kind: 'file' | 'doc'; url: string | null }[];
  report: VersionReport | null;
}

const VERSION_STATUS: Record<VersionView['status'], string> = { draft: '草稿', active: '使用中', superseded: '已替换', discarded: '已放弃' };
const REPORT_LIST = 25;

/** Who made a version: an admin's open_id becomes a mention, anything else plain text. */
const maker = (by: string) => (/^ou_[\w-]{1,80}$/.test(by) ? `<at id=${by}></at>` : md(by));

const beijingTime = (ms: number) => new Date(ms + 8 * 3600_000).toISOString().slice(0, 16).replace('T', ' ');

function capped<T>(list: T[], line: (x: T) => string, max = REPORT_LIST): string {
  const shown = list.slice(0, max).map((x) => `- ${line(x)}`);
  if (list.length > max) shown.push(`- ……另有 ${list.length - max} 项（网页控制台 /admin/manuals 可看全部）`);
  return shown.join('\n');
}

/**
 * The report of a manual version, for an admin to check before switching it on: files (added, 替换 X),
 * people changes first, other changes, new and removed items, items per unit and post, warnings and errors
 * with where they are. With `actions`, a draft gets 启用 / 放弃.
 */
export function manualReportCards(v: VersionView, o: { actions?: boolean; message?: string } = {}): Card[] {
  const r = v.report;
  const blocks: CardElement[][] = [];
  const head = [`**版本 #${v.id}**（${VERSION_STATUS[v.status]}）· ${md(v.note)} · ${maker(v.madeBy)} · ${beijingTime(v.madeAt)}`];
  if (v.baseId !== null) head.push(`基于版本 #${v.baseId}`);
  if (o.message) head.push(md(o.message));
  blocks.push([markdown(head.join('\n'))]);
  if (!r) return [card(`手册版本 #${v.id}`, blocks.flat(), { template: 'grey' })];
  if (r.refused) blocks.push([markdown(`<font color='red'>**不能启用**：${md(r.refused)}</font>\n原来的版本继续回答问题。`)]);
  // A refused reading has no meaningful differences: only what was read and why it stops there.
  const diff = !r.refused;
  blocks.push([
    markdown(
      (diff ? `**事项**：${r.records} 条（原 ${r.before} 条）；新增 ${r.added.length}，修改 ${r.changed.length}，删除 ${r.removed.length}\n` : '**文件**\n') +
        [
          ...r.sources
            .filter((s) => s.action !== 'kept')
            .map((s) => `- ${s.action === 'replaced' && s.replaces ? `替换 ${md(s.replaces.name)}（${md(s.replaces.why)}）→ ` : '新增 '}${md(s.name)}：${s.error ? `无法读取（${md(s.error)}）` : `${s.records} 条`}`),
          ...r.removedSources.filter((n) => !r.sources.some((s) => s.replaces?.name === n)).map((n) => `- 移除 ${md(n)}`),
        ].join('\n'),
    ),
  ]);
  const people = diff ? r.changed.filter((c) => c.people) : [];
  const other = diff ? r.changed.filter((c) => !c.people) : [];
  const label = (x: { item: string; post: string; unit: string }) => `${md(itemTitle(x.item))}（${md(x.unit)} · ${md(x.post)}）`;
  if (people.length) blocks.push([markdown(`**人员变动（${people.length}）**\n${capped(people, (c) => `${label(c)}：${md(c.changes.join('；'))}`)}`)]);
  if (other.length) blocks.push([markdown(`**其他修改（${other.length}）**\n${capped(other, (c) => `${label(c)}：${md(c.changes.join('；'))}`)}`)]);
  if (diff && r.added.length) blocks.push([markdown(`**新增事项（${r.added.length}）**\n${capped(r.added, (a) => `${label(a)} · ${md(a.where)}`)}`)]);
  if (diff && r.removed.length) blocks.push([markdown(`**删除事项（${r.removed.length}）**\n${capped(r.removed, (a) => `${label(a)} · ${md(a.where)}`)}`)]);
  if (diff && r.units.length) {
    blocks.push([
      markdown(
        `**各单位、岗位事项数**\n${capped(r.units, (u) => `${md(u.unit)}（${u.records}）：${md(u.posts.slice(0, 12).map((p) => `${p.post} ${p.records}`).join('、'))}${u.posts.length > 12 ? `……共 ${u.posts.length} 个岗位` : ''}`, 15)}`,
      ),
    ]);
  }
  const notes = [...r.errors.map((e) => `错误：${e}`), ...r.warnings.map((w) => `提示：${w}`)];
  if (notes.length) blocks.push([markdown(`**提示与错误（${notes.length}）**\n${capped(notes, (n) => md(n), 15)}`, { grey: true })]);
  if (o.actions && v.status === 'draft' && !r.refused) {
    blocks.push([
      buttons([button('启用', { action: 'manual_activate', id: String(v.id) }, 'primary'), button('放弃', { action: 'manual_discard', id: String(v.id) })]),
    ]);
  }
  const template = r.refused ? 'red' : v.status === 'draft' ? 'blue' : v.status === 'active' ? 'green' : 'grey';
  const cards = paged(`手册版本 #${v.id}：${r.refused ? '未通过检查' : VERSION_STATUS[v.status]}`, blocks, { template, summary: `手册版本 #${v.id}` });
  return cards;
}

/** The versions of the manuals, newest first, with 回滚 where there is one to go back to. */
export function manualVersionsCard(versions: VersionView[], o: { canRollBack: boolean; activeId: number | null }): Card {
  const lines = versions.map(
    (v) =>
      `- **#${v.id}** ${VERSION_STATUS[v.status]} · ${md(v.note)} · ${maker(v.madeBy)} · ${beijingTime(v.madeAt)}${v.report ? ` · ${v.report.records} 条` : ''}${v.baseId !== null ? ` · 基于 #${v.baseId}` : ''}`,
  );
  const els: CardElement[] = [markdown(lines.join('\n') || '还没有版本')];
  if (o.canRollBack && o.activeId !== null) {
    els.push(markdown('发送“回滚”或点下面的按钮，回到当前版本之前使用的版本。', { grey: true }), buttons([button('回滚', { action: 'manual_rollback', from: String(o.activeId) })]));
  }
  return card('手册版本', els, { template: 'wathet' });
}
// --- Answers the bureau's model helped with (retrieval/llm): a note on rows it picked, its composed text on top.

/** The element a composed answer is written into (streamed into the card entity under this id). */
export const COMPOSED_ELEMENT_ID = 'llm_answer';

function pickedNote(cards: Card[], model: string): Card[] {
  const [first, ...rest] = cards;
  if (!first) return cards;
  const note = markdown(`以下事项由大模型（${md(model)}）按问题从手册中挑选，内容均为手册原文`, { grey: true });
  return [{ ...first, body: { elements: [note, ...first.body.elements] } }, ...rest];
}

/** The model's short answer as card markdown (escaped here), with the note saying whose words they are. */
export const composedContent = (text: string): string =>
  `${md(text)}\n<font color='grey'>（由大模型依据下列手册记录整理，人员、时限以下列原文为准）</font>`;

/** The first card with `content` (card markdown: composedContent, a placeholder, or COMPOSE_FALLBACK) above the manual's facts. */
export function withComposedText(cards: Card[], content: string): Card[] {
  const [first, ...rest] = cards;
  if (!first) return cards;
  const els: CardElement[] = [{ tag: 'markdown', content, element_id: COMPOSED_ELEMENT_ID }, hr()];
  return [{ ...first, body: { elements: [...els, ...first.body.elements] } }, ...rest];
}

/** What the composed element says when the model's text was not used: the manual's own rows follow. */
export const COMPOSE_FALLBACK = "<font color='grey'>（本次未采用大模型的表述，以下为手册原文）</font>";

