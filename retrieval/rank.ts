import type { DutyRecord } from '../ingest/record.js';
import type { Lexicon } from './lexicon.js';
import type { ParsedQuery, Term } from './query.js';

export interface Scored {
  record: DutyRecord;
  /** Final score in [0, 1]. */
  score: number;
  /** Weighted share of the question's words found anywhere in the record. */
  coverage: number;
}

export interface Signals {
  lexical: Map<string, number>;
  vector: Map<string, number>;
}

function bigramShare(word: string, text: string): number {
  const chars = [...word];
  if (chars.length < 3) return 0;
  let hit = 0;
  for (let i = 0; i + 1 < chars.length; i++) if (text.includes(chars[i]! + chars[i + 1]!)) hit++;
  return hit / (chars.length - 1);
}

/** How well a term is matched by a text: 1 for a form found whole, partial credit for most of its bigrams. */
export function termMatch(term: Term, text: string): number {
  let best = 0;
  for (const form of term.forms) {
    if (text.includes(form)) return 1;
    const share = bigramShare(form, text);
    if (share >= 0.5) best = Math.max(best, share * 0.8);
  }
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
  const units = q.places.filter((p) => p.kind === 'unit' && p.scope !== 'city').map((p) => p.name);
  if (units.length > 0) narrow((r) => units.includes(r.unit));
  const depts = q.places.filter((p) => p.kind === 'department').map((p) => p.name);
  if (depts.length > 0) narrow((r) => r.department !== null && depts.includes(r.department));
  if (q.persons.length > 0) narrow((r) => q.persons.some((p) => r.lead.includes(p) || r.assistants.includes(p)));
  return pool;
}

/**
 * Hybrid score: matches in the item and chart titles count most, then the post and sub-flow names, then
 * the whole row; full-text bm25 and vector similarity add recall for wording the fields do not share.
 */
export function rank(q: ParsedQuery, pool: DutyRecord[], lex: Lexicon, signals: Signals): Scored[] {
  const maxLex = Math.max(0, ...pool.map((r) => signals.lexical.get(r.id) ?? 0));
  const scored = pool.map((record) => {
    const t = lex.texts.get(record.id)!;
    const title = weighted(q.terms, t.title);
    const label = weighted(q.terms, t.label);
    const coverage = weighted(q.terms, t.full);
    const lexical = maxLex > 0 ? (signals.lexical.get(record.id) ?? 0) / maxLex : 0;
    const vector = Math.max(0, signals.vector.get(record.id) ?? 0);
    let score = 0.75 * (0.5 * title + 0.15 * label + 0.35 * coverage) + 0.12 * lexical + 0.13 * vector;
    if (q.intent === 'leadership' && record.kind === 'leader') score += 0.1;
    return { record, score: Math.min(1, score), coverage };
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
    if (m >= 0.5) out.push({ record, score: Math.min(1, 0.6 + 0.4 * m), coverage: m });
  }
  return out.sort((a, b) => b.score - a.score);
}
