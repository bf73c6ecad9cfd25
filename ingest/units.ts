import type { Scope } from './record.js';

/**
 * What names an organisation: the endings of unit names in Chinese public administration. Longest first
 * so "自然资源和规划局" wins over "局".
 */
const ORG_ENDINGS = [
  '自然资源和规划局', '自然资源与规划局', '规划和自然资源局', '自然资源和规划分局', '自然资源分局', '自然资源局',
  '自然资源厅', '国土资源厅', '国土资源分局', '国土资源局', '国土资源所', '自然资源所', '综合行政执法局', '综合执法支队', '综合执法大队', '执法支队',
  '执法大队', '执法中队', '综合行政执法队', '执法队', '人民政府', '街道办事处', '办事处', '委员会', '领导小组', '工作专班', '指挥部', '服务中心',
  '发展中心', '管理中心', '事务中心', '中心', '管理站', '管理所', '分局', '支队', '大队', '中队', '林场', '局', '厅', '院', '所', '站', '队',
  '专班', '办公室', '公司',
];

const ORG_END = new RegExp(`(?:${ORG_ENDINGS.join('|')})`, 'g');

/** Words that follow a unit's name in a document title: the kind of document, not the unit. */
const DOC_KINDS =
  /^(?:\d{4}年(?:度)?)?(?:关于|的|“|《|[（(]|\s|$|[:：])|清单|手册|表$|目录|一览|汇总|指南|方案|报告|通知|办法|规定|制度|细则|意见|规则|说明|职责|职能|流程|承诺|公告|公示|(?:领导|班子成员|工作)?分工/;

/** The administrative words that set a unit's level, and the levels they set. */
const LEVEL_MARKS: [RegExp, Scope][] = [
  [/(?:省|自治区)/g, 'province'],
  [/(?:市|州|盟)/g, 'city'],
  [/(?:区|县|旗)/g, 'district'],
  [/(?:街道|镇|乡|苏木)/g, 'subdistrict'],
];

/** Words containing a level character that do not name a level ("保护区", "市场", "县域"). */
const NOT_A_LEVEL = /保护区|风景区|景区|园区|矿区|林区|库区|片区|社区|小区|城区|区域|区划|地区|市场|城市|县域|乡村|城镇|镇村|街道办事处/g;

/**
 * The level of a unit from its name: the last administrative word before the organisation part decides
 * ("青禾市临川县自然资源局" is a county bureau). `unit` where the name says nothing.
 */
export function unitLevel(name: string): Scope {
  const text = name.replace(NOT_A_LEVEL, (m) => (m === '街道办事处' ? '街道' : '·'.repeat(m.length)));
  let best: { at: number; scope: Scope } | null = null;
  for (const [re, scope] of LEVEL_MARKS) {
    for (const m of text.matchAll(re)) {
      if (!best || m.index! > best.at) best = { at: m.index!, scope };
    }
  }
  return best?.scope ?? 'unit';
}

/** True where the text, as a whole, reads as the name of an organisation. */
export function isOrgName(text: string): boolean {
  const t = text.trim();
  if (t.length < 2 || t.length > 40 || /[，。；;,:：]/.test(t)) return false;
  return ORG_ENDINGS.some((e) => t.endsWith(e) && t.length > e.length - (e.length >= 4 ? 0 : -1));
}

/**
 * The unit a title names: "青禾市自然资源和规划局权责清单" → "青禾市自然资源和规划局"; "临川县自然资源局关于
 * 印发…的通知" → "临川县自然资源局". Null where the title names none.
 */
export function unitInTitle(title: string): string | null {
  const t = title
    .replace(/^[\s#*《“"]+|[\s*》”"]+$/g, '')
    .replace(/^\d{4}年(?:度)?/, '')
    .replace(/\s+/g, '');
  let best: string | null = null;
  // "X关于…的通知": the unit is the issuer before 关于.
  const about = t.indexOf('关于');
  let prevEnd = 0;
  for (const m of t.matchAll(ORG_END)) {
    const end = m.index! + m[0].length;
    if (about > 0 && end > about) break;
    // "…局内设中队", "…局办公室": a part of the unit before, not a unit of its own.
    const extension = t.slice(prevEnd, end);
    const prev = t.slice(0, prevEnd);
    prevEnd = end;
    if (best && (/^(?:内设|所属|下属|直属)/.test(extension) || (extension === '办公室' && /[局厅]$/.test(prev)))) continue;
    // "某局及所属单位…": 所 of 所属 ends no name, and "及…" joins a second body to the first.
    if (/^属/.test(t.slice(end)) || (best && /^[及和与]/.test(extension))) continue;
    const candidate = t.slice(0, end).replace(/^关于(?:成立|印发|调整|明确)?/, '');
    // "局机关各科室，各县（区）自然资源局：" addresses several units; it names none.
    if (candidate.length < 3 || candidate.length > 40 || /[，,、]/.test(candidate)) continue;
    if (!DOC_KINDS.test(t.slice(end))) continue;
    // The longest acceptable prefix: "自然资源局执法大队" over "自然资源局".
    if (!best || candidate.length > best.length) best = candidate;
  }
  return best;
}

/** The words ending an administrative place's name, longest-first where one holds another. */
const PLACE_END = '(?:省|自治区|市|州|盟|区|县|旗|街道|镇|乡)';

/** The place part of an organisation's name: "云岭镇人民政府" → "云岭镇"; empty where it names none. */
export function placeOf(org: string): string {
  return new RegExp(`^(.+?${PLACE_END})`).exec(org)?.[1] ?? '';
}

/** The administrative places a unit's name starts with, outermost first: "白石县梧桐镇自然资源所" → 白石县, 白石县梧桐镇. */
export function placesOf(name: string): string[] {
  const out: string[] = [];
  const re = new RegExp(`.+?${PLACE_END}`, 'y');
  for (let m = re.exec(name); m && name.length - re.lastIndex >= 2; m = re.exec(name)) out.push(name.slice(0, re.lastIndex));
  return out;
}

/**
 * A unit's short names, for questions that name it in passing: "青禾市自然资源和规划局" → "青禾市", "青禾";
 * "临川县林业发展中心" stays whole. The caller drops forms other units share.
 */
export function unitShortForms(name: string): string[] {
  const out = new Set<string>();
  const place = placesOf(name)[0];
  if (place) {
    if (place.length >= 3) out.add(place);
    const bare = place.replace(new RegExp(`${PLACE_END}$`), '');
    if (bare.length >= 2) out.add(bare);
  }
  return [...out];
}
