import type { DutyRecord, RecordKind, Scope } from '../ingest/record.js';
import { chartLabels } from '../ingest/flowCharts.js';
import { joinDuties } from '../ingest/text.js';
import type { Intent, ParsedQuery } from './query.js';
import { personPosts } from './organisation.js';
import { termMatch } from './rank.js';

/** One answer row of the JSON contract (../shared/eval/README.md). */
export interface AnswerItem {
  id: string;
  kind: RecordKind;
  scope: Scope;
  unit: string;
  department: string | null;
  post: string;
  item: string;
  lead: string[];
  assistants: string[];
  peopleInherited: boolean;
  flow: { codes: string[]; titles: string[]; steps: string[]; subflow: string | null } | null;
  duties: string[];
  timeLimit: string | null;
  /** Other labelled facts of the row (实施依据, 办理地点, 人员配备 …). */
  details: { label: string; text: string }[];
  source: { file: string; line: number; ref?: string };
  score: number;
}

export interface Answer {
  question: string;
  intent: Intent;
  found: boolean;
  answers: AnswerItem[];
  /** A line above the rows where the question asks for more than a row: "张三（局长）分管：…". */
  summary: string | null;
  /** The person a person question is about. */
  person: string | null;
  /** Topics close to an unanswered question. */
  nearTopics: string[];
  /**
   * How sure the engine is: `sure` answers; `plausible` shows its best match as "最可能是…" with up to two
   * alternatives to re-ask; `none` is not found.
   */
  band: Band;
  /** Other rows the question may mean, each with a question that asks for it. */
  alternatives: Alternative[];
  /**
   * Set where the question fits several units equally and names none (a deployment for many bureaus): the
   * units, best first. `answers` then holds one row of each of the first few, `alternatives` the question
   * asked of each, and `text` says to name the unit.
   */
  unitChoice?: string[];
  text: string;
  /** The model that picked these rows where the engine was unsure (LLM_MODE assist/compose); absent otherwise. */
  pickedBy?: string;
}

export type Band = 'sure' | 'plausible' | 'none';

export interface Alternative {
  item: string;
  unit: string;
  question: string;
}

export const SCOPE_LABEL: Record<Scope, string> = {
  province: '省级',
  city: '市局',
  district: '区局',
  subdistrict: '街道',
  unit: '其他单位',
};

/** The sub-flow the question names, where a row holds several; otherwise the row's own steps. */
function chooseFlow(r: DutyRecord, q: ParsedQuery | null): AnswerItem['flow'] {
  if (!r.flow) return null;
  const base = { codes: r.flow.codes, titles: r.flow.titles };
  if (q && r.flow.subflows.length > 0 && q.terms.length > 0) {
    let best = { score: 0, index: -1 };
    r.flow.subflows.forEach((s, index) => {
      const total = q.terms.reduce((a, t) => a + t.weight, 0);
      const text = `${s.name} ${s.steps.join(' ')}`;
      const score = total > 0 ? q.terms.reduce((a, t) => a + t.weight * termMatch(t, text), 0) / total : 0;
      if (score > best.score) best = { score, index };
    });
    const sub = r.flow.subflows[best.index];
    if (sub && best.score >= 0.3) return { ...base, steps: sub.steps, subflow: sub.name || null };
  }
  return { ...base, steps: r.flow.steps, subflow: null };
}

export function toItem(r: DutyRecord, score: number, q: ParsedQuery | null): AnswerItem {
  const passage = r.kind === 'passage';
  return {
    id: r.id,
    kind: r.kind,
    details: r.details ?? [],
    scope: r.scope,
    unit: r.unit,
    department: r.department,
    post: r.post,
    item: r.item,
    // A passage is quoted, never read as naming who is responsible.
    lead: passage ? [] : r.lead,
    assistants: passage ? [] : r.assistants,
    peopleInherited: passage ? false : r.peopleInherited,
    flow: chooseFlow(r, q),
    duties: r.duties,
    timeLimit: r.timeLimit,
    source: r.source,
    score: Math.round(score * 100) / 100,
  };
}

const brief = (text: string, max: number) => ([...text].length > max ? `${[...text].slice(0, max).join('')}…` : text);

const names = (list: string[]) => (list.length > 0 ? list.join('、') : '手册未列明');

/** One row as the chat shows it. */
export function itemBlock(a: AnswerItem, intent: Intent): string {
  const lines: string[] = [`【${a.item}】`];
  lines.push(`单位/科室：${a.department ? `${a.unit} ${a.department}` : a.unit}`);
  if (a.kind === 'passage') {
    lines.push(`原文：${brief(a.duties.join(''), 300)}`);
    lines.push(sourceText(a));
    return lines.join('\n');
  }
  lines.push(`岗位：${a.post || '手册未列明'}`);
  if (a.duties.length > 0) lines.push(`职责：${brief(joinDuties(a.duties), 90)}`);
  if (intent === 'timeLimit') lines.push(`时限：${a.timeLimit ?? '手册未写明时限'}`);
  lines.push(`牵头负责人：${names(a.lead)}${a.peopleInherited ? '（沿用本岗位人员）' : ''}`);
  lines.push(`辅助人员：${names(a.assistants)}`);
  if (a.flow) {
    const chart = chartLabels(a.flow).join('；');
    const head = [chart, a.flow.subflow ? `（${a.flow.subflow}）` : ''].filter(Boolean).join(' ');
    lines.push(`流程：${head || '见下列步骤'}`);
    a.flow.steps.forEach((s, i) => lines.push(`  ${i + 1}. ${s}`));
    if (a.flow.steps.length === 0) lines.push('  （手册未列出办理步骤）');
  } else if (intent === 'flow') {
    lines.push('流程：手册未给出此项的流程图');
  }
  if (intent !== 'timeLimit' && a.timeLimit) lines.push(`时限：${a.timeLimit}`);
  for (const d of a.details.slice(0, 6)) lines.push(`${d.label}：${brief(d.text, 60)}`);
  lines.push(sourceText(a));
  return lines.join('\n');
}

/** "来源：文件 第7行（表2 第6行）". */
export function sourceText(a: Pick<AnswerItem, 'source'>): string {
  return `来源：${a.source.file} 第${a.source.line}行${a.source.ref ? `（${a.source.ref}）` : ''}`;
}

export function answersText(items: AnswerItem[], intent: Intent): string {
  if (items.length === 1) return itemBlock(items[0]!, intent);
  const scopes = [...new Set(items.map((a) => SCOPE_LABEL[a.scope]))];
  const head =
    scopes.length > 1
      ? `找到 ${items.length} 条相关职责（${scopes.join('、')}各有规定，问题里加上“市局”或“区里”可只看一处）：`
      : `找到 ${items.length} 条相关职责：`;
  return [head, ...items.map((a, i) => `${i + 1}. 〔${SCOPE_LABEL[a.scope]}〕${itemBlock(a, intent)}`)].join('\n\n');
}

/** Label words too common to say which fact a question asks about. */
const LABEL_FRAME = new Set(['工作', '负责', '人员', '岗位', '事项', '情况', '内容', '要求', '责任', '职责', '时间', '名称']);

/**
 * What a person question asks beyond the person's work: who stands in for them, or a fact of their rows.
 * `rest`: the question without the person's name.
 */
export function personAsked(person: string, items: AnswerItem[], o: { backup?: boolean; rest?: string } = {}): string[] {
  const leads = items.filter((a) => a.lead.includes(person));
  const asked: string[] = [];
  if (o.backup) {
    // Who stands in: the assistants (B角, 配合人员) of the rows the person leads, most often named first.
    const subs = new Map<string, number>();
    for (const a of leads) for (const n of a.assistants) subs.set(n, (subs.get(n) ?? 0) + 1);
    const list = [...subs].sort((a, b) => b[1] - a[1]).map(([n, c]) => `${n}（${c} 项）`);
    asked.push(list.length > 0 ? `${person} 不在时，手册为其牵头事项列出的辅助（B角）人员：${list.join('、')}` : `手册没有为 ${person} 牵头的事项列出辅助（B角）人员。`);
  }
  // A row fact the question asks about by its label ("包联哪几个村" → 包联村（社区）：…): a two-character
  // piece of the label, other than the words every row's labels share, printed in the question.
  const rest = o.rest ?? '';
  // The person's own rows (those they lead) say their facts; rows they only assist say someone else's.
  for (const a of leads.length > 0 ? leads : items) {
    for (const d of a.details) {
      const core = [...d.label.replace(/[（(].*$/, '')];
      const hit = core.slice(0, -1).some((c, i) => {
        const pair = c + core[i + 1]!;
        return !LABEL_FRAME.has(pair) && rest.includes(pair);
      });
      if (hit) asked.push(`${d.label}：${d.text}（${a.item}）`);
    }
  }
  return asked;
}

/** A person's work, after what the question asked about them (personAsked). */
export function personText(person: string, items: AnswerItem[], o: { backup?: boolean; rest?: string } = {}): string {
  const leads = items.filter((a) => a.lead.includes(person));
  const assists = items.filter((a) => !a.lead.includes(person) && a.assistants.includes(person));
  const posts = personPosts(person, items);
  const asked = personAsked(person, items, o);
  const line = (a: AnswerItem, i: number) => {
    const codes = a.flow?.codes.length ? `〔${a.flow.codes.join(' ')}〕` : '';
    const who = a.lead.includes(person) ? '' : `（牵头：${names(a.lead)}）`;
    return `  ${i + 1}. ${a.item}${codes}${who} — ${a.source.file} 第${a.source.line}行`;
  };
  const out = [...asked, `${person} 在手册中参与 ${items.length} 项工作（牵头 ${leads.length} 项，辅助 ${assists.length} 项）。`];
  out.push(`岗位：${posts.held.join('；') || '（不牵头任何事项）'}`);
  if (posts.assisted.length > 0) out.push(`辅助：${posts.assisted.join('；')}`);
  if (leads.length > 0) out.push('牵头负责：', ...leads.map(line));
  if (assists.length > 0) out.push('辅助参与：', ...assists.map(line));
  return out.join('\n');
}

/** What the bot can answer, with examples taken from the loaded manuals. */
export function capabilitiesText(examples: readonly string[]): string {
  const ex = (i: number, fallback: string) => (examples[i] ? `（如“${examples[i]}”）` : fallback);
  return `我能回答：谁负责某项工作${ex(0, '')}、某项工作的流程和时限${ex(1, '')}、某人负责哪些工作（输入姓名加“负责哪些工作”）、谁分管某个科室或谁是某个岗位的领导${ex(2, '')}。`;
}

export function notFoundText(
  question: string,
  nearTopics: string[],
  o: { unknownPerson?: string | null; unknownOffice?: string | null; role?: string | null; examples?: readonly string[] } = {},
): string {
  const lines = o.unknownPerson
    ? [`手册中没有名为“${o.unknownPerson}”的人员，请核对姓名，或直接问工作事项。`]
    : o.unknownOffice
      ? [`现有手册里没有“${o.unknownOffice}”的岗位和人员信息。`]
      : o.role
        ? [`现有手册没有写明这个${o.role}由谁担任，无法回答“${question.trim()}”。`]
        : [`抱歉，现有手册里没有找到与“${question.trim()}”相关的岗位职责。`];
  lines.push(capabilitiesText(o.examples ?? []));
  if (nearTopics.length > 0) lines.push(`相近的主题：${nearTopics.join('、')}`);
  return lines.join('\n');
}

/** The plausible band: the best match, said to be a guess, and what else the question may mean. */
export function plausibleText(best: AnswerItem, intent: Intent, alternatives: Alternative[]): string {
  const lines = [`没有完全对上的事项，最可能是：${best.item.replace(/^[一二三四五六七八九十百]+、/, '')}`, '', itemBlock(best, intent)];
  if (alternatives.length > 0) lines.push('', `是不是想问：${alternatives.map((a) => `“${a.question}”`).join('、')}`);
  return lines.join('\n');
}
