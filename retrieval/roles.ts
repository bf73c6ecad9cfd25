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

/** A post that is a head's title on its own: 所长, 副主任, 大队长, 院长, 负责人. */
const HEAD_TITLE = /^[\u4e00-\u9fa5]{0,8}(?:厅长|局长|处长|科长|股长|所长|站长|队长|院长|主任|书记|组长|负责人)$/;

/**
 * The units the question names, the innermost where it names a unit and one it belongs to; where it names no
 * place at all, the asker's own units ("我们所的领导是谁" asked in a station's chat).
 */
function namedUnits(q: ParsedQuery, home: readonly string[] = []): Set<string> {
  const units = q.places.filter((p) => p.kind === 'unit');
  const inner = units.filter((u) => !units.some((o) => o !== u && u.covers.includes(o.name)));
  if (inner.length === 0 && q.places.length === 0) return new Set(home);
  return new Set(inner.map((u) => u.name));
}

/**
 * The heads of the unit the question names, from its own rows ("某所所长是谁", "某中心的领导是谁"): rows of that
 * unit whose post is a head's title, the asked one where the question names a role (written as the question
 * writes it: 大队长, not 中队长), principals before deputies. Empty where the question names no unit or the
 * unit's own rows name no head: then the question is answered as before.
 */
export function ownHeads(q: ParsedQuery, pool: readonly DutyRecord[], home: readonly string[] = []): Scored[] {
  const units = namedUnits(q, home);
  if (units.size === 0) return [];
  const question = q.question.replace(/\s+/g, '');
  const heads = pool.filter(
    (r) => units.has(r.unit) && r.kind !== 'passage' && r.kind !== 'taskforce-role' && r.lead.length > 0 && HEAD_TITLE.test(r.post),
  );
  let rows: DutyRecord[];
  if (q.role) {
    const deputy = q.role.startsWith('副');
    const bare = q.role.replace(/^副/, '');
    const before = [...question.slice(0, question.indexOf(q.role))];
    const fits = (post: string, phrase: string) => post.endsWith(phrase) && post.includes('副') === deputy;
    rows = [];
    // The longest stretch of the question ending in the role that some head's post ends with.
    for (let k = Math.min(3, before.length); k >= 0 && rows.length === 0; k--) {
      const phrase = before.slice(before.length - k).join('') + bare;
      rows = heads.filter((r) => fits(r.post, phrase));
    }
  } else {
    // No role named ("的领导是谁"): the unit's own heads, not its sections' ones.
    rows = heads.filter((r) => r.department === null || r.kind === 'leader');
    rows = rows.filter((r) => r.department === null || !rows.some((o) => o.department === null));
  }
  const rank = (r: DutyRecord) => (r.post.includes('副') ? 1 : 0);
  rows = [...rows].sort((a, b) => rank(a) - rank(b));
  // One row per person and post: a head printed in two documents is one answer.
  const seen = new Set<string>();
  rows = rows.filter((r) => {
    const key = `${r.unit}|${r.post}|${r.lead.join('、')}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  return rows.map((record) => ({ record, score: 0.95, coverage: 1, focus: 1, phrase: 1 }));
}

/**
 * The line that says whose heads these are, where every row is a head of a unit the question names:
 * "某所：所长 张三；副所长 李四". Null otherwise.
 */
export function headsLine(q: ParsedQuery, rows: readonly Scored[], home: readonly string[] = []): string | null {
  const units = namedUnits(q, home);
  if (rows.length === 0 || !rows.every((s) => units.has(s.record.unit) && HEAD_TITLE.test(s.record.post))) return null;
  const byUnit = new Map<string, string[]>();
  for (const { record: r } of rows) byUnit.set(r.unit, [...(byUnit.get(r.unit) ?? []), `${r.department ? `${r.department}` : ''}${r.post} ${r.lead.join('、')}`]);
  return [...byUnit].map(([unit, heads]) => `${unit}：${heads.join('；')}。`).join('\n');
}

/**
 * Leadership rows for a role question ("局长是谁", "某某科科长是谁", "副组长有哪些人", "谁主持全面工作"):
 * rows of the asked rank at the asked level, within the places the question names. Empty when the
 * manuals hold no such row: then no one is named.
 */
export function roleHolders(q: ParsedQuery, pool: readonly DutyRecord[], home: readonly string[] = []): Scored[] {
  const question = q.question.replace(/\s+/g, '');
  const role = q.role;
  const principal = !role || !role.startsWith('副');
  // "哪个局长/哪位局长…": which one of them, the deputies as much as the principal.
  const which = !!role && new RegExp(`哪[个位名]${role}`).test(question);
  const level = levelOf(role, question);
  const bare = role?.replace(/^副/, '') ?? '';
  // A unit named with its head's title: that unit's own head, where its rows name one.
  const own = ownHeads(q, pool, home).filter((h) => !principal || !h.record.post.includes('副'));
  if (own.length > 0) return own;
  let rows = pool.filter(isLeaderRow);
  // A role printed in the row itself ("某某办事处主任", "组长") names its holder most directly.
  if (bare && !/局长|科长|股长|一把手/.test(bare)) {
    const printed = printedRole(question, role!, pool);
    if (printed.length > 0) return printed.map((record) => ({ record, score: 0.9, coverage: 1, focus: 1, phrase: 1 }));
    // A role the rows never print (主任, 队长 of a body the manual only names) has no holder to stand behind.
    if (!/组长|书记/.test(bare)) return [];
  }
  rows = rows.filter((r) => (which ? rankOf(r) !== 'other' : principal ? rankOf(r) === 'principal' : rankOf(r) === 'deputy') || (bare === '组长' && r.post === role));
  if (level === 'unit') rows = rows.filter((r) => r.kind === 'leader' && r.department === null);
  // A bureau named with 局长: its own leaders, not the heads of the centres it covers.
  const named = namedUnits(q);
  if (level === 'unit' && named.size > 0) rows = rows.filter((r) => named.has(r.unit));
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
