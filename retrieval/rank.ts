import type { DutyRecord, Flow } from '../ingest/record.js';
import type { FieldScorer, WeightedToken } from './fieldIndex.js';
import type { Lexicon } from './lexicon.js';
import type { ParsedQuery, Term } from './query.js';
import { type FieldName, fold } from './recordText.js';

export interface Scored {
  record: DutyRecord;
  /** Final score in [0, 1]. */
  score: number;
  /** Weighted share of the question's topic words found anywhere in the record. */
  coverage: number;
  /** The same share, each word counted by the strongest field it is found in (item 1 … steps 0.5). */
  focus: number;
  /** Longest stretch of the topic found verbatim in the row, as a share of the topic. */
  phrase: number;
}

export interface Signals {
  /** Cosine similarity by record id. */
  vector: Map<string, number>;
}

/** How much a match in each field says the row is about the word. */
const FIELD_FOCUS: Record<FieldName, number> = {
  item: 1,
  titles: 1,
  post: 0.9,
  oversees: 0.9,
  duties: 0.85,
  unit: 0.6,
  responsibilities: 0.5,
  steps: 0.5,
};
const FOCUS_FIELDS = Object.keys(FIELD_FOCUS) as FieldName[];
/** Bonus for a row holding every topic word the manuals use, as the asker wrote it. */
const ALL_WORDS = 0.08;
/** How many rows, by full-text and vector score, are scored in full. */
const FULL_ROWS = 48;
/** How many leading rows are checked for the longest verbatim stretch of the topic. */
const PHRASE_ROWS = 24;

/** Bonus for a flow question naming a chart or sub-flow of the row by its whole name. */
const NAMED_FLOW = 0.08;

function namesFlow(question: string, flow: Flow): boolean {
  return [...flow.titles, ...flow.subflows.map((s) => s.name)].some((name) => {
    const n = fold(name);
    return [...n].length >= 3 && question.includes(n);
  });
}

/** A question asking who does the work: only a row with its people answers it. */
const ASKS_WHO = /谁|哪位|找哪|哪个(?:岗|部门|科|股|人)/;

/** Each form's character bigrams (forms of three characters or more), computed once per term. */
const formGrams = new WeakMap<Term, string[][]>();

function gramsOf(term: Term): string[][] {
  let g = formGrams.get(term);
  if (!g) {
    g = term.forms.map((form) => {
      const chars = [...form];
      if (chars.length < 3) return [];
      const out: string[] = [];
      for (let i = 0; i + 1 < chars.length; i++) out.push(chars[i]! + chars[i + 1]!);
      return out;
    });
    formGrams.set(term, g);
  }
  return g;
}

/**
 * How well a term is matched by a text: 1 for the word itself, a little less for a synonym's manual
 * word (the user's own word is the better evidence), partial credit for most of a compound's bigrams.
 */
export function termMatch(term: Term, text: string): number {
  let best = 0;
  const grams = gramsOf(term);
  for (let i = 0; i < term.forms.length; i++) {
    const full = i === 0 ? 1 : 0.85;
    if (full <= best) continue;
    if (text.includes(term.forms[i]!)) {
      best = full;
      continue;
    }
    const g = grams[i]!;
    if (g.length === 0) continue;
    let hit = 0;
    for (const b of g) if (text.includes(b)) hit++;
    const share = hit / g.length;
    if (share >= 0.5) best = Math.max(best, share * 0.7 * full);
  }
  if (best === 0 && term.part && text.includes(term.part.text)) best = term.part.credit;
  return best;
}

export function weighted(terms: readonly Term[], text: string): number {
  let total = 0;
  let got = 0;
  for (const t of terms) {
    total += t.weight;
    got += t.weight * termMatch(t, text);
  }
  return total > 0 ? got / total : 0;
}

/** Records the question's scope, places and persons allow. */
export function candidates(q: ParsedQuery, records: readonly DutyRecord[]): DutyRecord[] {
  let pool = [...records];
  const narrow = (keep: (r: DutyRecord) => boolean) => {
    const next = pool.filter(keep);
    if (next.length > 0) pool = next;
  };
  if (q.scope) narrow((r) => r.scope === q.scope);
  const units = new Set(q.places.filter((p) => p.kind !== 'department').flatMap((p) => p.covers));
  if (units.size > 0) narrow((r) => units.has(r.unit));
  const depts = q.places.filter((p) => p.kind === 'department').map((p) => p.name);
  if (depts.length > 0) narrow((r) => r.department !== null && depts.includes(r.department));
  if (q.persons.length > 0) narrow((r) => q.persons.some((p) => r.lead.includes(p) || r.assistants.includes(p)));
  return pool;
}

/** The topic's query tokens: each word's own form at its weight, synonyms' words a little below. */
export function queryTokens(q: ParsedQuery, fields: FieldScorer): WeightedToken[] {
  const out: WeightedToken[] = [];
  for (const t of q.terms) {
    t.forms.forEach((form, i) => {
      const w = i === 0 ? t.weight : (t.weight * 0.8) / (t.forms.length - 1);
      out.push(...fields.formTokens(form, w));
    });
    if (t.part) out.push(...fields.formTokens(t.part.text, t.weight * t.part.credit));
  }
  return out;
}

/** The longest stretch of the topic (speech removed, word order kept) that a text holds verbatim. */
function longestShared(topic: string, text: string): string {
  const chars = [...topic];
  let best = '';
  for (let i = 0; i + Math.max(3, best.length + 1) <= chars.length; i++) {
    // A stretch not in the text cannot be in it longer: grow from each start until it falls out.
    let len = Math.max(3, best.length + 1);
    if (!text.includes(chars.slice(i, i + len).join(''))) continue;
    while (i + len < chars.length && text.includes(chars.slice(i, i + len + 1).join(''))) len++;
    best = chars.slice(i, i + len).join('');
  }
  return best;
}

/**
 * Hybrid score over the whole record: BM25F across the weighted fields, how much of the topic the row
 * holds and in which field, the longest verbatim stretch of the topic, and vector similarity.
 */
export function rank(q: ParsedQuery, pool: DutyRecord[], lex: Lexicon, fields: FieldScorer, signals: Signals): Scored[] {
  const bm25 = fields.score(queryTokens(q, fields));
  const topic = q.topic.replace(/\s+/g, '');
  const topicLen = [...topic].length;
  // A flow question is about the steps: a match in them says as much as one in the item.
  const focusOf = (f: FieldName) => (q.intent === 'flow' && f === 'steps' ? 0.95 : FIELD_FOCUS[f]);
  const maxBm = Math.max(0, ...pool.map((r) => bm25.get(r.id) ?? 0));
  const asksWho = ASKS_WHO.test(q.question);
  const asked = fold(q.question);
  // Full scoring for the rows full-text or vector search put in front; the rest cannot catch up.
  const pre = (r: DutyRecord) => (maxBm > 0 ? (bm25.get(r.id) ?? 0) / maxBm : 0) + 0.5 * Math.max(0, signals.vector.get(r.id) ?? 0);
  const inPool = pool
    .filter((r) => bm25.has(r.id) || signals.vector.has(r.id))
    .sort((a, b) => pre(b) - pre(a))
    .slice(0, FULL_ROWS);
  const scored = inPool.map((record) => {
    const t = lex.texts.get(record.id)!;
    const coverage = weighted(q.terms, t.full);
    let focus = 0;
    let total = 0;
    if (coverage > 0) for (const term of q.terms) {
      total += term.weight;
      let best = 0;
      for (const f of FOCUS_FIELDS) {
        if (focusOf(f) <= best) continue;
        const m = termMatch(term, t.fields[f]);
        if (m > 0) best = Math.max(best, m * focusOf(f));
      }
      focus += term.weight * best;
    }
    focus = total > 0 ? focus / total : 0;
    const lexical = maxBm > 0 ? (bm25.get(record.id) ?? 0) / maxBm : 0;
    const vector = Math.max(0, signals.vector.get(record.id) ?? 0);
    let score = 0.25 * lexical + 0.25 * focus + 0.25 * coverage + 0.1 * vector;
    // Every topic word the manuals use, in the asker's own form, in this one row: the strongest single evidence.
    if (coverage > 0 && q.terms.every((term) => term.unknown || t.full.includes(term.forms[0]!))) score += ALL_WORDS;
    // What the question asks for must be in the row to answer it: a time limit, a flow.
    if (q.intent === 'timeLimit' && record.timeLimit) score += 0.08;
    if (q.intent === 'flow' && record.flow && record.flow.steps.length > 0) score += 0.05;
    // A flow question naming one of the row's charts or sub-flows by its whole name asks for that flow.
    if (q.intent === 'flow' && record.flow && namesFlow(asked, record.flow)) score += NAMED_FLOW;
    // Text no parser structured is the fallback: where a structured row says the same, the row answers; the
    // more so when the question asks who, which a passage never says.
    if (record.kind === 'passage') score -= asksWho ? 0.15 : 0.05;
    return { record, score, coverage, focus, phrase: 0 };
  });
  const order = (a: Scored, b: Scored) => b.score - a.score || a.record.source.line - b.record.source.line;
  scored.sort(order);
  // The verbatim stretch is looked for in the leading rows only: it reorders them, it does not find new ones.
  if (topicLen >= 3) {
    for (const s of scored.slice(0, PHRASE_ROWS)) {
      if (s.coverage === 0) continue;
      const t = lex.texts.get(s.record.id)!;
      const shared = longestShared(topic, t.full);
      if (!shared) continue;
      const field = FOCUS_FIELDS.find((f) => t.fields[f].includes(shared)) ?? 'steps';
      s.phrase = ([...shared].length / topicLen) ** 2 * (0.7 + 0.3 * focusOf(field));
      s.score += 0.15 * s.phrase;
    }
    scored.sort(order);
  }
  for (const s of scored) s.score = Math.min(1, s.score);
  return scored;
}

/** How much of the topic a leader's row says they oversee or do. */
export function overseen(q: ParsedQuery, r: DutyRecord): number {
  return weighted(q.terms, `${r.oversees.join('|')}|${r.duties.join('|')}`);
}

/** Leaders whose 分管 list names what the question asks about. */
export function overseers(q: ParsedQuery, records: readonly DutyRecord[]): Scored[] {
  const out: Scored[] = [];
  for (const record of records) {
    if (record.oversees.length === 0) continue;
    const text = record.oversees.join('|');
    const m = weighted(q.terms, text);
    if (m >= 0.5) out.push({ record, score: Math.min(1, 0.6 + 0.4 * m), coverage: m, focus: m, phrase: 0 });
  }
  return out.sort((a, b) => b.score - a.score);
}
