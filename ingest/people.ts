import { splitNames } from './text.js';

/** Words for positions and roles: never a person's name, though as short as one. */
const POSITION =
  /(?:(?:办|责任|联系|当事|申请|代理|委托|代表|审核|审批|签发|牵头|填报|报送|制表|记录|核查|受理)人|长|主任|领导|人员|干部|科员|队员|职员|文员|专员|负责人|同志|书记|主席|委员|组员|成员|联络员|会计|出纳|局|科|股|室|处|岗|中心|所|站|队|办|单位|部门|机关|机构|班子|全体|各|等|工作|窗口|本人|职工|员工)$/;

const HAN_NAME = /^[\u4e00-\u9fa5·]{2,4}$/;

/** A token that can be a person's name: 2–4 Han characters that are not a position or an office. */
export function isNameLike(token: string): boolean {
  const t = token.replace(/[\s\u3000]/g, '');
  // "各县", "全市": a place or a group of them, not a person.
  return HAN_NAME.test(t) && !POSITION.test(t) && !/^(?:无|暂无|待定|空缺|未定|见上|同上)$/.test(t) && !/^[各全本该]|[省市县区镇乡]$/.test(t);
}

/** Names in a person cell or list ("何 芳、刘晓琳（科员）"), positions and offices dropped. */
export function namesIn(text: string | undefined): string[] {
  if (!text) return [];
  const positions: string[] = [];
  const bare = text.replace(/[（(]([^（）()]{1,20})[)）]/g, (_m, p: string) => {
    positions.push(p);
    return ' ';
  });
  const out: string[] = [];
  for (const part of bare.split(/[、，,；;\n/／]+/)) {
    const p = part.trim();
    if (!p) continue;
    // "局长张三", "副组长 李四": a position word then a name.
    const titled = /^(?:.*?(?:长|主任|书记|主席|委员|联络员|专员))\s*([\u4e00-\u9fa5](?:[\s\u3000]?[\u4e00-\u9fa5]){1,2})(?:同志)?$/.exec(p);
    if (titled && isNameLike(titled[1]!)) {
      out.push(titled[1]!.replace(/[\s\u3000]/g, ''));
      continue;
    }
    for (const name of splitNames(p.replace(/同志/g, ' ').replace(/\u3000/g, ' '))) if (isNameLike(name)) out.push(name);
  }
  return [...new Set(out)];
}

/** "由张三负责", "责任人：李四", "张三牵头，李四配合": names a sentence puts in charge and in support. */
export function peopleInSentence(text: string): { lead: string[]; assistants: string[] } {
  const lead: string[] = [];
  const assistants: string[] = [];
  const t = text.replace(/\s+/g, '');
  for (const m of t.matchAll(/(?:责任人|负责人|承办人|经办人|牵头人|A角)[:：]([^；;。，,（(]{2,20})/g)) lead.push(...namesIn(m[1]));
  for (const m of t.matchAll(/(?:配合人员?|协办人|辅助人员|B角)[:：]([^；;。（(]{2,20})/g)) assistants.push(...namesIn(m[1]));
  for (const m of t.matchAll(/由([\u4e00-\u9fa5]{2,3}?)(?:同志)?(?:负责|牵头|承办|具体负责|兼任|担任)/g)) {
    if (isNameLike(m[1]!)) lead.push(m[1]!);
  }
  return { lead: [...new Set(lead)], assistants: [...new Set(assistants)].filter((n) => !lead.includes(n)) };
}

/** A name tagged as the backup: "李四（B角）", "王五(协办)". */
const BACKUP_TAG = /([\u4e00-\u9fa5·]{2,4})\s*[（(]\s*(?:B角|B岗|协办|配合|备岗|后备|替岗)\s*[)）]/g;

/**
 * Names of a person cell split by their tags: "张三（A角）、李四（B角）" → lead 张三, assistants 李四. Untagged
 * names stay in charge.
 */
export function taggedPeople(text: string | undefined): { lead: string[]; assistants: string[] } {
  const names = namesIn(text);
  const backups = new Set([...(text ?? '').replace(/\s+/g, '').matchAll(BACKUP_TAG)].map((m) => m[1]!));
  return { lead: names.filter((n) => !backups.has(n)), assistants: names.filter((n) => backups.has(n)) };
}

const AB_TAG = /([AB])[角岗]\s*[:：]?\s*([\u4e00-\u9fa5·]{2,4}(?:\s*[、，,]\s*[\u4e00-\u9fa5·]{2,4})*)/g;

/** "A角：张三　B角：李四" (one cell or line): A is who leads, B who stands in. Null where no A角/B角 names anyone. */
export function abPeople(text: string | undefined): { lead: string[]; assistants: string[] } | null {
  const lead: string[] = [];
  const assistants: string[] = [];
  for (const m of (text ?? '').matchAll(AB_TAG)) {
    const names = namesIn(m[2]);
    (m[1] === 'A' ? lead : assistants).push(...names.filter((n) => !lead.includes(n) && !assistants.includes(n)));
  }
  return lead.length > 0 ? { lead, assistants } : null;
}

const ASSIGN_VERB = /(牵头|具体负责|负责|主办|承办|配合|协助|协办)/;
/** An organisation's name ending, so "某某所张三同志" keeps only the person. */
const ORG_PREFIX = /^.*?(?:所|局|股|室|队|中心|科|处|办|站)(?=[\u4e00-\u9fa5]{2,3}$)/;

/**
 * Who a task sentence assigns: "由张三同志牵头，李四同志负责，王五、赵六同志配合" → lead 张三, 李四; assistants
 * 王五, 赵六. Only clauses naming people count; "各镇配合" names none. Null where no clause names anyone.
 */
export function assignment(text: string): { lead: string[]; assistants: string[] } | null {
  const lead: string[] = [];
  const assistants: string[] = [];
  for (const clause of text.replace(/\s+/g, '').split(/[，,。；;]/)) {
    // "这项工作由张三同志具体负责": what comes before 由 is the task, not the person.
    // "单位负责人：…": 负责人 is a title, not someone 负责-ing (负责人员培训, 负责人事 still are).
    const m = new RegExp(`^(?:[^由]{0,12}由)?(.{2,24}?)(同志)?${ASSIGN_VERB.source}(?!人(?![员口事才]))`).exec(clause);
    if (!m) continue;
    const titled = m[2] !== undefined;
    const who = m[1]!.replace(/同志/g, '');
    const names = who
      .split(/[、和及]/)
      .map((p) => p.replace(ORG_PREFIX, ''))
      .filter((p) => isNameLike(p) && [...p].length <= 3 && !/^[各全本该其诸相]/.test(p) && !/[府委部厅院组会县市区镇乡村]$/.test(p));
    if (names.length === 0 || (!titled && names.join('') !== who.replace(/[、和及]/g, ''))) continue;
    (/配合|协助|协办/.test(m[3]!) ? assistants : lead).push(...names);
  }
  if (lead.length + assistants.length === 0) return null;
  const l = [...new Set(lead)];
  return { lead: l, assistants: [...new Set(assistants)].filter((n) => !l.includes(n)) };
}

/** "张三与李四互为A/B角" → pairs of people who stand in for each other. */
export function mutualBackups(text: string): [string, string][] {
  const out: [string, string][] = [];
  for (const m of text.replace(/\s+/g, '').matchAll(/([\u4e00-\u9fa5]{2,3})(?:同志)?(?:与|和)([\u4e00-\u9fa5]{2,3})(?:同志)?互为(?:A\/?B角|AB角|A、B角|备岗)/g)) {
    if (isNameLike(m[1]!) && isNameLike(m[2]!)) out.push([m[1]!, m[2]!]);
  }
  return out;
}
