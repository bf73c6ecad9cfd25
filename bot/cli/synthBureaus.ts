import { parseManual } from '../../ingest/parseManual.js';
import type { DutyRecord } from '../../ingest/record.js';

/**
 * Synthetic bureaus for scale tests and benches: copies of one bureau manual under new unit names
 * ("第N区…", its centres renamed the same way) and new, distinct person names per copy, with a
 * per-bureau question list whose expected answers come from the copy's own records. Every name is read
 * from the parsed manual, never written here.
 */

export interface BureauQuestion {
  question: string;
  /** The asker's units (AskContext.units) where the question relies on them; absent: a named-unit question. */
  units?: string[];
  /** The unit the first answer must come from, and a name it must lead with. */
  expect: { unit: string; lead: string[] };
}

export interface SynthBureau {
  /** 1-based copy number: "第N区". */
  n: number;
  file: string;
  text: string;
  /** The copy's top unit (the bureau) and all its units, renamed. */
  bureau: string;
  units: string[];
  /** Old person name → new one. */
  persons: Map<string, string>;
  questions: BureauQuestion[];
}

/** Common surnames and given-name characters: none is a position or office word (see ingest/people.ts). */
const SURNAMES = '赵钱孙周吴郑冯陈褚卫蒋沈韩杨朱秦尤许何吕施孔曹严华金魏陶姜戚谢邹喻柏窦章云苏潘葛奚范彭鲁韦昌马苗凤花方俞任袁柳鲍史唐费廉岑薛雷贺倪汤';
const GIVEN = '嘉怡泽宇梓涵浩然轩欣妍雨桐俊熙思远若曦晨睿哲诗琪语嫣景瑜子墨亦凡';

/** The i-th synthetic name: unique for i below SURNAMES × GIVEN² (about 74k). */
function nameAt(i: number): string {
  const s = [...SURNAMES];
  const g = [...GIVEN];
  return s[i % s.length]! + g[Math.floor(i / s.length) % g.length]! + g[Math.floor(i / (s.length * g.length)) % g.length]!;
}

/** The longest common prefix of the unit names: the region they share ("某某区"). */
function sharedPrefix(names: string[]): string {
  if (names.length === 0) return '';
  let p = names[0]!;
  for (const n of names) while (!n.startsWith(p)) p = p.slice(0, -1);
  const region = /^(.{2,6}?(?:省|自治区|市|自治州|地区|盟|区|县|旗))/.exec(p)?.[1];
  return region ?? p;
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** A name as the manual may print it: characters possibly spaced ("某 某"). */
const spaced = (name: string) => new RegExp([...name].map(escape).join('[ \\t\\u3000]*'), 'g');

const itemName = (r: DutyRecord) => r.item.replace(/^[一二三四五六七八九十百]+[、.．]/, '').replace(/[。；;]$/, '').trim();

/**
 * The fixed questions of a bureau, from its records: who leads chosen work items (named with the unit,
 * and asked without it from inside the unit), and who oversees the first thing a leader's row lists.
 */
export function bureauQuestions(records: readonly DutyRecord[], bureau: string): BureauQuestion[] {
  const own = records.filter((r) => r.unit === bureau);
  const out: BureauQuestion[] = [];
  const count = new Map<string, number>();
  for (const r of own) count.set(itemName(r), (count.get(itemName(r)) ?? 0) + 1);
  const items = own.filter(
    (r) => r.kind === 'item' && r.lead.length > 0 && !r.peopleInherited && count.get(itemName(r)) === 1 && [...itemName(r)].length >= 4 && [...itemName(r)].length <= 14,
  );
  // Spread over the manual: the first, middle and last such item.
  const picks = [...new Set([items[0], items[Math.floor(items.length / 2)], items[items.length - 1]])].filter((r): r is DutyRecord => !!r);
  for (const r of picks) {
    out.push({ question: `${bureau}谁负责${itemName(r)}`, expect: { unit: r.unit, lead: r.lead } });
    out.push({ question: `谁负责${itemName(r)}`, units: [bureau], expect: { unit: r.unit, lead: r.lead } });
  }
  const leader = own.find((r) => r.kind === 'leader' && r.oversees.length > 0 && r.lead.length > 0);
  if (leader) {
    const what = leader.oversees[0]!;
    out.push({ question: `${bureau}谁分管${what}`, expect: { unit: leader.unit, lead: leader.lead } });
    out.push({ question: `谁分管${what}`, units: [bureau], expect: { unit: leader.unit, lead: leader.lead } });
  }
  return out;
}

/**
 * n copies of a bureau manual (text layout), numbered from `first` (default 1): units renamed by their
 * shared region ("某某区" → "第N区"), persons renamed to names used by no other copy nor the original.
 */
export function synthBureaus(n: number, manual: { file: string; text: string }, o: { first?: number } = {}): SynthBureau[] {
  const parsed = parseManual(manual.file, manual.text);
  const units = [...new Set(parsed.records.map((r) => r.unit))];
  const top = parsed.units.find((u) => u.parent === null)?.unit ?? units[0]!;
  const region = sharedPrefix(units);
  if ([...region].length < 2) throw new Error(`${manual.file}: 单位名称没有共同的地区前缀，无法改名`);
  const stem = region.replace(/(?:省|自治区|市|自治州|地区|盟|区|县|旗)$/, '');
  const people = [...new Set(parsed.records.flatMap((r) => [...r.lead, ...r.assistants]))].sort((a, b) => b.length - a.length);
  const taken = new Set(people);
  const first = o.first ?? 1;
  const out: SynthBureau[] = [];
  const patterns = people.map((p) => [p, spaced(p)] as const);
  let next = (first - 1) * people.length;
  for (let k = 0; k < n; k++) {
    const no = first + k;
    const newRegion = `第${no}区`;
    const persons = new Map<string, string>();
    for (const p of people) {
      let name = nameAt(next++);
      while (taken.has(name) || manual.text.includes(name)) name = nameAt(next++);
      persons.set(p, name);
    }
    // Names first (a name never holds the region), then the region and its bare stem.
    let text = manual.text;
    for (const [p, re] of patterns) text = text.replace(re, persons.get(p)!);
    text = text.split(region).join(newRegion);
    if ([...stem].length >= 2) text = text.split(stem).join(newRegion);
    const rename = (u: string) => (u.startsWith(region) ? newRegion + u.slice(region.length) : u);
    const bureau = rename(top);
    const file = `synth_${String(no).padStart(4, '0')}.txt`;
    const records = parsed.records.map((r) => ({
      ...r,
      unit: rename(r.unit),
      lead: r.lead.map((p) => persons.get(p) ?? p),
      assistants: r.assistants.map((p) => persons.get(p) ?? p),
    }));
    out.push({ n: no, file, text, bureau, units: units.map(rename), persons, questions: bureauQuestions(records, bureau) });
  }
  return out;
}
