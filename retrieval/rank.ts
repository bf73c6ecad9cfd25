import type { DutyRecord } from '../ingest/record.js';
import type { FieldIndex, WeightedToken } from './fieldIndex.js';
import type { Lexicon } from './lexicon.js';
import type { ParsedQuery, Term } from './query.js';
import type { FieldName } from './recordText.js';

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

function bigramShare(word: string, text: string): number {
  const chars = [...word];
  if (chars.length < 3) return 0;
  let hit = 0;
  for (let i = 0; i + 1 < chars.length; i++) if (text.includes(chars[i]! + chars[i + 1]!)) hit++;
  return hit / (chars.length - 1);
}

/**
 * How well a term is matched by a text: 1 for the word itself, a little less for a synonym's manual
 * word (the user's own word is the better evidence), partial credit for most of a compound's bigrams.
 */
export function termMatch(term: Term, text: string): number {
  let best = 0;
  term.forms.forEach((form, i) => {
    const full = i === 0 ? 1 : 0.85;
    if (text.includes(form)) best = Math.max(best, full);
    else {
      const share = bigramShare(form, text);
      if (share >= 0.5) best = Math.max(best, share * 0.7 * full);
    }
  });
  if (best === 0 && term.part && text.includes(term.part.text)) best = term.part.credit;
  return best;
}

function weighted(terms: Term[], text: string): number {
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
export function queryTokens(q: ParsedQuery, fields: FieldIndex): WeightedToken[] {
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
  for (let len = chars.length; len >= 3; len--) {
    for (let i = 0; i + len <= chars.length; i++) {
      const sub = chars.slice(i, i + len).join('');
      if (text.includes(sub)) return sub;
    }
  }
  return '';
}

/**
 * Hybrid score over the whole record: BM25F across the weighted fields, how much of the topic the row
 * holds and in which field, the longest verbatim stretch of the topic, and vector similarity.
 */
export function rank(q: ParsedQuery, pool: DutyRecord[], lex: Lexicon, fields: FieldIndex, signals: Signals): Scored[] {
  const bm25 = fields.score(queryTokens(q, fields));
  const topic = q.topic.replace(/\s+/g, '');
  const topicLen = [...topic].length;
  // A flow question is about the steps: a match in them says as much as one in the item.
  const focusOf = (f: FieldName) => (q.intent === 'flow' && f === 'steps' ? 0.95 : FIELD_FOCUS[f]);
  const inPool = pool.filter((r) => bm25.has(r.id) || signals.vector.has(r.id));
  const maxBm = Math.max(0, ...inPool.map((r) => bm25.get(r.id) ?? 0));
  const scored = inPool.map((record) => {
    const t = lex.texts.get(record.id)!;
    const coverage = weighted(q.terms, t.full);
    let focus = 0;
    let total = 0;
    for (const term of q.terms) {
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
    let phrase = 0;
    if (topicLen >= 3 && coverage > 0) {
      const shared = longestShared(topic, t.full);
      if (shared) {
        const field = FOCUS_FIELDS.find((f) => t.fields[f].includes(shared)) ?? 'steps';
        phrase = ([...shared].length / topicLen) ** 2 * (0.7 + 0.3 * focusOf(field));
      }
    }
    const lexical = maxBm > 0 ? (bm25.get(record.id) ?? 0) / maxBm : 0;
    const vector = Math.max(0, signals.vector.get(record.id) ?? 0);
    let score = 0.25 * lexical + 0.25 * focus + 0.25 * coverage + 0.15 * phrase + 0.1 * vector;
    // What the question asks for must be in the row to answer it: a time limit, a flow.
    if (q.intent === 'timeLimit' && record.timeLimit) score += 0.08;
    if (q.intent === 'flow' && record.flow && record.flow.steps.length > 0) score += 0.05;
    return { record, score: Math.min(1, score), coverage, focus, phrase };
  });
  return scored.sort((a, b) => b.score - a.score || a.record.source.line - b.record.source.line);
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
