import type { DutyRecord } from '../ingest/record.js';
import type { ParsedQuery } from './query.js';
import type { Scored } from './rank.js';

/** Rows that describe a leader's post: leaders' rows, task-force roles, and rows whose text names a role. */
const isLeaderRow = (r: DutyRecord) => r.kind === 'leader' || r.kind === 'taskforce-role';

/** "副局长" → deputy; "局长", "组长", "一把手", "主持全面工作" → principal. */
function rankOf(r: DutyRecord): 'principal' | 'deputy' | 'other' {
  const text = `${r.post}|${r.item}`;
  if (/副/.test(text)) return 'deputy';
  if (/正职|^组长$|主持|全面工作/.test(text)) return 'principal';
  // A head's title as the whole post ("科长", "所长", "支队长"): the office's principal.
  if (/^[\u4e00-\u9fa5]{0,10}(?:厅长|局长|处长|科长|股长|所长|站长|队长|院长|主任)$/.test(r.post)) return 'principal';
  return 'other';
}

/** The level a role word names: a whole bureau (局), a section (科/股/室), a task force (组). */
function levelOf(role: string | null, q: string): 'unit' | 'section' | 'group' | null {
  const w = role ?? '';
  if (/局长|一把手|书记/.test(w)) return 'unit';
  if (/科长|股长/.test(w)) return 'section';
  if (/组长/.test(w)) return 'group';
  if (/局机关|局党组|全局/.test(q)) return 'unit';
  if (/科内|科室|本科/.test(q)) return 'section';
  return null;
}

/**
 * Leadership rows for a role question ("局长是谁", "某某科科长是谁", "副组长有哪些人", "谁主持全面工作"):
 * rows of the asked rank at the asked level, within the places the question names. Empty when the
 * manuals hold no such row: then no one is named.
 */
export function roleHolders(q: ParsedQuery, pool: readonly DutyRecord[]): Scored[] {
  const question = q.question.replace(/\s+/g, '');
  const role = q.role;
  const principal = !role || !role.startsWith('副');
  const level = levelOf(role, question);
  const bare = role?.replace(/^副/, '') ?? '';
  let rows = pool.filter(isLeaderRow);
  // A role printed in the row itself ("某某办事处主任", "组长") names its holder most directly.
  if (bare && !/局长|科长|股长|一把手/.test(bare)) {
    const printed = printedRole(question, role!, pool);
    if (printed.length > 0) return printed.map((record) => ({ record, score: 0.9, coverage: 1, focus: 1, phrase: 1 }));
    // A role the rows never print (主任, 队长 of a body the manual only names) has no holder to stand behind.
    if (!/组长|书记/.test(bare)) return [];
  }
  rows = rows.filter((r) => (principal ? rankOf(r) === 'principal' : rankOf(r) === 'deputy') || (bare === '组长' && r.post === role));
  if (level === 'unit') rows = rows.filter((r) => r.kind === 'leader' && r.department === null);
  if (level === 'section') rows = rows.filter((r) => r.department !== null);
  if (level === 'group') rows = rows.filter((r) => r.kind === 'taskforce-role');
  // Bureau-level leaders before section heads before task-force roles, where the question names no level.
  const order = (r: DutyRecord) => (r.kind === 'leader' && r.department === null ? 0 : r.kind === 'leader' ? 1 : 2);
  rows.sort((a, b) => order(a) - order(b));
  if (level === null && rows.length > 0) rows = rows.filter((r) => order(r) === order(rows[0]!));
  return rows.map((record) => ({ record, score: 0.9, coverage: 1, focus: 1, phrase: 1 }));
}

/** Where the role is printed in a row with people: the longest phrase ending in the role that some row holds. */
function printedRole(question: string, role: string, pool: readonly DutyRecord[]): DutyRecord[] {
  const at = question.indexOf(role);
  const before = [...question.slice(0, at)];
  const deputy = role.startsWith('副');
  const text = (r: DutyRecord) => `${r.post}|${r.duties.join('|')}`;
  const holds = (t: string, phrase: string) => {
    for (let i = t.indexOf(phrase); i >= 0; i = t.indexOf(phrase, i + 1)) if (deputy || t[i - 1] !== '副') return true;
    return false;
  };
  const withPeople = pool.filter((r) => r.lead.length > 0);
  for (let k = Math.min(6, before.length); k >= 0; k--) {
    const phrase = before.slice(before.length - k).join('') + role;
    const rows = withPeople.filter((r) => holds(text(r), phrase));
    if (rows.length > 0) return rows;
  }
  return [];
}
