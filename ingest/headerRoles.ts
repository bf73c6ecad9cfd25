import vocabFile from '../seeds/header-vocab.json' with { type: 'json' };
import { matchForm } from './normalise.js';

/** What a table column holds, read from its header text. */
export type ColumnRole =
  | 'seq'
  | 'unit'
  | 'department'
  | 'post'
  | 'task'
  | 'subtask'
  | 'kind'
  | 'duty'
  | 'resp'
  | 'accountability'
  | 'process'
  | 'lead'
  | 'assist'
  | 'deadline'
  | 'basis'
  | 'note'
  | 'phone'
  | 'place'
  | 'headcount'
  | 'condition'
  | 'fee';

interface RoleWords {
  exact: string[];
  contains: string[];
  not?: string[];
}

export interface HeaderVocab {
  roles: Record<ColumnRole, RoleWords>;
  deadlinePreference: string[];
}

export const DEFAULT_VOCAB = vocabFile as unknown as HeaderVocab;

/** Header text as matched: no spaces (headers are often letter-spaced: "岗　位"), no brackets' content markers. */
export function headerKey(text: string): string {
  return matchForm(text).replace(/[\s\u3000*＊:：]/g, '').replace(/（/g, '(').replace(/）/g, ')');
}

export interface RoleMatch {
  role: ColumnRole;
  /** 1 for an exact header word, less for a contained one. */
  score: number;
}

/** The role a header cell names, or null. Exact words first, then the longest contained word. */
export function roleOf(header: string, vocab: HeaderVocab = DEFAULT_VOCAB): RoleMatch | null {
  const key = headerKey(header);
  if (!key || key.length > 24) return null;
  const bare = key.replace(/\(.*?\)$/, '');
  for (const [role, words] of Object.entries(vocab.roles) as [ColumnRole, RoleWords][]) {
    if (words.exact.some((w) => headerKey(w) === key || headerKey(w) === bare)) return { role, score: 1 };
  }
  let best: RoleMatch & { len: number } = { role: 'note', score: 0, len: 0 };
  for (const [role, words] of Object.entries(vocab.roles) as [ColumnRole, RoleWords][]) {
    if (words.not?.some((w) => key.includes(headerKey(w)))) continue;
    for (const w of words.contains) {
      const k = headerKey(w);
      if (k && key.includes(k) && k.length > best.len) best = { role, score: 0.6 + 0.3 * (k.length / key.length), len: k.length };
    }
  }
  return best.len > 0 ? { role: best.role, score: best.score } : null;
}

/** A cell that reads as a header word rather than data: short, no sentence punctuation, few digits. */
export function headerLike(text: string): boolean {
  const t = text.trim();
  if (!t) return false;
  if (t.length > 16 || /[。；;，,]/.test(t)) return false;
  return !/^\d+([.-]\d+)*$/.test(t);
}
