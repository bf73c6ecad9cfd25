import { namesIn, peopleInSentence } from '../people.js';
import type { DutyRecord, Source } from '../record.js';
import { extractTimeLimit, splitEntries, squeezeCjk } from '../text.js';
import { isOrgName } from '../units.js';
import { type DocContext, makeRecord, shortTitle } from './context.js';
import { flowFromText } from './flowText.js';

/** Roles a notice names people for (组长：张三（局长）). Spaces inside are allowed ("组  长"). */
export const ROLE_WORDS = [
  '总林长', '副总林长', '林长', '总河长', '副总河长', '河长', '常务副组长', '副组长', '组长', '总召集人', '召集人',
  '副召集人', '总指挥', '副总指挥', '指挥长', '副指挥长', '办公室主任', '办公室副主任', '副主任', '主任', '秘书长',
  '联络员', '信息员', '成员', '组员',
];
const ROLE_LINE = new RegExp(
  `^(?:[（(]?[一二三四五六七八九十\\d]{1,2}[)）、.．]?\\s*)?(${ROLE_WORDS.map((w) => [...w].join('\\s*')).join('|')})\\s*[:：]\\s*(.+)$`,
);
/** "由张三同志任组长", "张三任办公室主任", "主任由李四兼任". */
const ROLE_BY = new RegExp(
  `(?<=由|^|[，,。；;、\\s])(?!由)([\\u4e00-\\u9fa5]{2,3}?)(?:同志)?(?:任|担任|兼任)((?:专班|领导小组|工作组)?(?:办公室)?(?:${ROLE_WORDS.join('|')}))`,
  'g',
);
const ROLE_FROM = new RegExp(`(${ROLE_WORDS.join('|')})由(?:[^，。；]{0,16}?)([\\u4e00-\\u9fa5]{2,3}?)(?:同志)?(?:兼任|担任)`, 'g');

export interface RoleLine {
  role: string;
  names: string[];
  positions: string[];
  members: string[];
}

/** "组长：张三（局长）、李四" → role 组长, names, positions; "成员：各科室负责人" → members. */
export function roleLine(text: string): RoleLine | null {
  const m = ROLE_LINE.exec(text.trim());
  if (!m) return null;
  const role = m[1]!.replace(/\s+/g, '');
  const rest = m[2]!.trim();
  const positions = [...rest.matchAll(/[（(]([^（）()]{2,30})[)）]/g)].map((p) => p[1]!);
  const names = namesIn(rest);
  const members =
    names.length === 0
      ? rest
          .replace(/[。.]$/, '')
          .split(/[、，,；;]/)
          .map((s) => s.trim())
          .filter((s) => s.length >= 2)
      : [];
  return { role, names, positions, members };
}

/** People a sentence puts in a role: "由张三同志任组长" → [{role: 组长, names: [张三]}]. */
export function rolesInSentence(text: string): { role: string; names: string[] }[] {
  const t = squeezeCjk(text);
  const out: { role: string; names: string[] }[] = [];
  for (const m of t.matchAll(ROLE_BY)) {
    const names = namesIn(m[1]);
    if (names.length > 0) out.push({ role: m[2]!, names });
  }
  for (const m of t.matchAll(ROLE_FROM)) {
    const names = namesIn(m[2]);
    if (names.length > 0) out.push({ role: m[1]!, names });
  }
  return out;
}

const ORG_TAIL = '(?:局|分局|支队|大队|中队|中心|所|站|办公室|办|部门|政府|委员会|领导小组|专班|科|股|室|处|组)';
/** "县自然资源局：负责…", "（三）规划股：…". */
const ORG_COLON = /^([^，。：:；;]{2,30}?)\s*[:：]\s*(.{4,})$/;
/** "市综合执法支队负责…", "各县（区）自然资源局负责…". */
const ORG_VERB = new RegExp(
  `^((?:各|市|县|区|镇|乡)?[^，。：:；;由]{1,28}?${ORG_TAIL}(?:[（(][^）)]{1,12}[）)])?)(?:具体)?(?:负责|承担|牵头|主管|主要负责|组织|履行)(.{4,})$`,
);

/** A unit or office and the duties a sentence gives it, or null. */
export function orgDuty(text: string): { org: string; body: string } | null {
  const t = text.trim();
  const colon = ORG_COLON.exec(t);
  if (colon && isOrgName(colon[1]!.replace(/^[各]/, ''))) return { org: colon[1]!.trim(), body: colon[2]!.trim() };
  const verb = ORG_VERB.exec(t);
  if (verb && /^本(?:办法|规定|制度|细则|方案)/.test(verb[1]!)) return null;
  if (verb && (isOrgName(verb[1]!.replace(/^各/, '')) || /^各/.test(verb[1]!))) return { org: verb[1]!.trim(), body: t.slice(verb[1]!.length).trim() };
  return null;
}

/** "规划股设股长1名、工作人员2名，主要负责…" → the office, its head count and its duties. */
const HEADCOUNT = new RegExp(
  `^([^，。：:；;]{2,24}?(?:${ORG_TAIL.slice(3, -1)}|岗|组))(?:设|设置|配备|核定|共有|现有|定编)([^。]*?\\d+[^。]*?名[^，。；]*)[，,。；;]\\s*(?:主要)?(?:负责|承担|职责(?:是|为)?[:：]?)(.+)$`,
);

export function headcountDuty(text: string): { post: string; headcount: string; body: string } | null {
  const m = HEADCOUNT.exec(text.trim());
  return m ? { post: m[1]!.trim(), headcount: m[2]!.trim(), body: m[3]!.trim() } : null;
}

/** "股长由张三同志担任", "副大队长由李四兼任": a head's title and the one person the sentence gives it to. */
export function headsNamed(text: string): { position: string; names: string[] }[] {
  const out: { position: string; names: string[] }[] = [];
  const re = /(?<=^|[。；;，,、\s])((?:副)?[\u4e00-\u9fa5]{0,6}?(?:长|主任|书记))由([\u4e00-\u9fa5]{2,3}?)(?:同志)?(?:担任|兼任)/g;
  for (const m of squeezeCjk(text).matchAll(re)) {
    const names = namesIn(m[2]);
    if (names.length > 0) out.push({ position: m[1]!, names });
  }
  return out;
}

/** A post named by a heading: "一、咨询岗位职责" → "咨询岗位"; "（二）审核岗：" → "审核岗". */
export function postHeading(text: string): string | null {
  const t = text.trim().replace(/[:：。]$/, '');
  const m = /^(.{1,20}?(?:岗位|岗|职位|窗口|角色))(?:的)?(?:主要)?(?:工作)?(?:职责|职能|工作职责|工作内容|任务)?$/.exec(t);
  if (!m || /^(?:各|所有|全体|本)/.test(m[1]!)) return null;
  return m[1]!;
}

/** An office named by a heading: "（三）规划股", "二、执法大队职责". */
export function officeHeading(text: string): string | null {
  const t = text.trim().replace(/[:：。]$/, '').replace(/(?:的)?(?:主要)?(?:工作)?(?:职责|职能|工作职责|工作任务)$/, '');
  return isOrgName(t) || /^[\u4e00-\u9fa5]{2,16}(?:处|科|股|室|部)$/.test(t) ? t : null;
}

/** A record for a sentence of duties given to a post or office. */
export function dutySentenceRecord(
  ctx: DocContext,
  post: string,
  text: string,
  source: Source,
  people: { lead: string[]; assistants: string[] } = { lead: [], assistants: [] },
  department?: string | null,
): DutyRecord {
  const own = peopleInSentence(text);
  const lead = own.lead.length > 0 ? own.lead : people.lead;
  const assistants = own.lead.length > 0 || own.assistants.length > 0 ? own.assistants : people.assistants;
  return makeRecord(ctx, {
    department,
    post,
    item: shortTitle(text),
    duties: splitEntries(text).length > 0 ? splitEntries(text) : [text],
    flow: /→|->/.test(text) ? flowFromText(text.slice(Math.max(0, text.search(/[\u4e00-\u9fa5]+\s*(?:→|->)/)))) : null,
    timeLimit: extractTimeLimit([text]) ?? wordTimeLimit(text),
    lead,
    assistants,
    peopleInherited: own.lead.length === 0 && people.lead.length > 0,
    source,
  });
}

/** Time limits written as words: 立即, 当场, 即办, 当日, 随到随办. */
export function wordTimeLimit(text: string): string | null {
  const m = /(即时办结|即办件?|当场办结|当场|立即(?:办理|受理|办结)?|当日办结|当天办结|随到随办)/.exec(text);
  return m ? m[1]! : null;
}

/** Words a leader's position ends with: 局长, 副处长, 中队长, 主任, 党组书记, 院长, 负责人. */
const POSITION_END = '(?:长|主任|书记|负责人|总工程师|总规划师)';
const LEADER_POSITION = new RegExp(`^[\\u4e00-\\u9fa5]{0,10}?${POSITION_END}$`);
const NAME_TOKEN = '[\\u4e00-\\u9fa5](?:[\\s\\u3000]?[\\u4e00-\\u9fa5]){1,3}';

export interface LeaderLine {
  /** `rest`: what this holder does where the line says it per person ("李四（分管一中队）"). */
  holders: { position: string; names: string[]; rest?: string }[];
  /** What the line says they do: "主持大队全面工作", "分管一中队、二中队". */
  rest: string;
  /** Other labelled fields printed on the same line after wide spaces ("服务时间：…"), or ''. */
  others: string;
}

/** A second "label：value" field on one line, after a space: "负责人：张三　　服务时间：…". */
const NEXT_FIELD = /[\s\u3000]+(?=[\u4e00-\u9fa5]{2,8}[:：])/;

/**
 * A line naming leaders: "大队长：张三，主持全面工作。", "副大队长：李四，分管一中队", "负责人：处长 张三；副处长
 * 李四". Null where the line is anything else (a 负责人 column label with no position, a task force role).
 */
export function leaderLine(text: string): LeaderLine | null {
  const [first, ...fields] = text.trim().split(NEXT_FIELD);
  const others = fields.map((f) => f.trim()).filter(Boolean).join(' ');
  const t = first!.trim().replace(/[。.]$/, '');
  // "副主任：张三（分管…）、李四（分管…）": each holder with their own 分管 in brackets.
  const bracketed = new RegExp(`^([\\u4e00-\\u9fa5]{0,12}?${POSITION_END})\\s*[:：]\\s*((?:${NAME_TOKEN}\\s*[（(][^（）()]+[)）]\\s*[、，,；;]?\\s*)+)$`).exec(t);
  if (bracketed && LEADER_POSITION.test(bracketed[1]!)) {
    const holders = [...bracketed[2]!.matchAll(new RegExp(`(${NAME_TOKEN})\\s*[（(]([^（）()]+)[)）]`, 'g'))].map((m) => ({ position: bracketed[1]!, names: namesIn(m[1]), rest: m[2]!.trim() }));
    if (holders.length > 0 && holders.every((h) => h.names.length === 1)) return { holders, rest: '', others };
  }
  const single = new RegExp(`^([\\u4e00-\\u9fa5]{0,12}?${POSITION_END})\\s*[:：]\\s*(${NAME_TOKEN}(?:[、，,](?:${NAME_TOKEN}))*)(?:\\s*(?:同志)?\\s*[，,；;。]\\s*(.*))?$`).exec(t);
  if (single && single[1] !== '负责人') {
    const names = namesIn(single[2]);
    if (names.length > 0 && LEADER_POSITION.test(single[1]!)) return { holders: [{ position: single[1]!, names }], rest: single[3]?.trim() ?? '', others };
  }
  // "负责人：处长 张三；副处长 李四", "单位负责人：院长 张三"
  const list = /^(?:[\u4e00-\u9fa5]{0,8}负责人|领导|领导成员)\s*[:：]\s*(.+)$/.exec(t);
  if (!list) return null;
  const holders: { position: string; names: string[] }[] = [];
  for (const part of list[1]!.split(/[；;，,]/)) {
    const m = new RegExp(`^\\s*([\\u4e00-\\u9fa5]{0,10}?${POSITION_END})\\s*[:：]?\\s*(${NAME_TOKEN})\\s*$`).exec(part);
    if (!m) return null;
    const names = namesIn(m[2]);
    if (names.length === 0) return null;
    holders.push({ position: m[1]!, names });
  }
  return holders.length > 0 ? { holders, rest: '', others } : null;
}

/** A leader's positions in a 分工 heading line: "局党组书记、局长", "四级调研员". */
const HEADER_POSITIONS = `[\\u4e00-\\u9fa5、，,]{0,30}(?:${POSITION_END}|调研员|巡视员|督察员)`;

/**
 * "张三　局党组书记、局长" or "局党组书记、局长　张三": a leader's name and the positions held, on a line of
 * their own; the 分工 follows in the next paragraph or in labelled lines ("工作职责：…", "分管股室：…").
 */
export function nameWithPositions(text: string): { names: string[]; position: string } | null {
  const t = text.trim();
  const nameFirst = new RegExp(`^(${NAME_TOKEN})[\\s\\u3000]+([\\u4e00-\\u9fa5、，,]{2,30}${POSITION_END})$`).exec(t);
  const positionFirst = nameFirst ? null : new RegExp(`^(${HEADER_POSITIONS})[\\s\\u3000]+(${NAME_TOKEN})$`).exec(t);
  const [name, position] = nameFirst ? [nameFirst[1], nameFirst[2]!] : positionFirst ? [positionFirst[2], positionFirst[1]!] : [undefined, ''];
  if (!name || [...position].length < 2) return null;
  const names = namesIn(name);
  return names.length === 1 ? { names, position } : null;
}

/** What a leader's duty text says they 分管: "分管办公室、财务股。" → ["办公室", "财务股"]. */
export function overseen(text: string): string[] {
  const out: string[] = [];
  // "分管办公室", and the labelled form "分管股室：办公室、财务股" / "联系乡镇：某镇".
  for (const m of text.matchAll(/(?:分管|联系|协管)(?:[\u4e00-\u9fa5]{0,4}[:：])?([^。；;:：]+)(?=$|[。；;])/g)) {
    for (const part of m[1]!.split(/[、，,和及]/)) {
      const name = part.replace(/(?:等)?(?:工作)?[。.]?$/, '').trim();
      if (name && [...name].length <= 20 && !out.includes(name)) out.push(name);
    }
  }
  return out;
}
