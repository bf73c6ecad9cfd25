import type { DutyRecord } from '../../ingest/record.js';
import { peopleInSentence } from '../../ingest/people.js';
import { chineseNumeral } from '../../ingest/text.js';

/** Which kind of fact the model stated without a source for it. */
export type GuardKind = 'person' | 'code' | 'timeLimit' | 'unit' | 'post' | 'text';

export interface GuardViolation {
  kind: GuardKind;
  /** The offending text as the model wrote it. */
  span: string;
}

/** What a model's text may state: the text of the cited records (or of the section being read). */
export interface Evidence {
  /** Every field of the sources run together, whitespace removed, numerals in digits. */
  text: string;
}

const squeeze = (s: string) => s.replace(/[\s\u3000]+/g, '');

/** Chinese numerals in digits ("十五个工作日" → "15个工作日"), so "5日" and "五日" compare equal. */
export function digits(text: string): string {
  return text.replace(/[零〇一二两三四五六七八九十百]+/g, (m) => {
    const n = chineseNumeral(m.replace(/两/g, '二'));
    return n === null ? m : String(n);
  });
}

/** The text a record offers as evidence: every field the answer may repeat. */
export function recordText(r: DutyRecord): string {
  const parts = [r.unit, r.department ?? '', r.parentUnit ?? '', r.post, r.item, ...r.duties, ...r.responsibilities, r.timeLimit ?? '', ...r.lead, ...r.assistants, ...r.oversees];
  if (r.flow) parts.push(...r.flow.codes, ...r.flow.titles, ...r.flow.steps, ...r.flow.subflows.flatMap((s) => [s.name, ...s.steps]));
  for (const d of r.details ?? []) parts.push(d.label, d.text);
  return parts.join('\n');
}

export function evidenceOf(texts: readonly string[]): Evidence {
  return { text: digits(squeeze(texts.join('\n'))) };
}

const has = (e: Evidence, s: string) => e.text.includes(digits(squeeze(s)));

// Common surnames: a name-shaped span next to a role word is checked even when no manual lists the person.
const SURNAMES =
  '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝';
const NAME_BEFORE_ROLE = new RegExp(`([${SURNAMES}][\\u4e00-\\u9fa5]{1,2}?)(?=同志|负责|牵头|主办|承办|协办|配合|协助|分管|主管|担任|兼任|具体负责)`, 'g');
const NAME_AFTER_ROLE = new RegExp(`(?:由|请|联系|找|负责人[是为：:]?|牵头人[是为：:]?|责任人[是为：:]?|经办人[是为：:]?|辅助人员[是为：:]?|配合人员[是为：:]?)([${SURNAMES}][\\u4e00-\\u9fa5]{1,2})(?=[，。、；,;和及与（(）)\\s]|$)`, 'g');

const CODE = /\d{1,2}(?:\s*-\s*\d{1,2})+/g;
const LIMIT = /(\d+|[零〇一二两三四五六七八九十百]+)\s*个?\s*(工作日|自然日|日|天|小时|个月|月|年|周)/g;
// An office or a post named by its suffix; the two characters before it must come from the sources.
const OFFICE = /([\u4e00-\u9fa5]{2})(局|科|股|中心|大队|中队|办公室|岗)(?![\u4e00-\u9fa5]?(?:位|长|员))/g;
const GENERIC_OFFICE = /^(?:相关|有关|本单|该单|所属|上级|下级|各个|业务|职能|责任|承办|主管|对应|具体|其他|其它|窗口|本岗|该岗|同一|所在|本科|该科|各科|各股|此岗|这个|哪个|那个|什么|哪些|岗位|工作|中心)$/;

/**
 * Checks a model's text against its sources: every person, flow code, time limit, office and post it
 * states must be found there. Returns the first fact that is not, or null when all are backed.
 * `persons` are all names known from the manuals (any of them in the text must be in the sources).
 */
export function checkText(text: string, evidence: Evidence, persons: readonly string[] = []): GuardViolation | null {
  const flat = squeeze(text);
  for (const p of persons) if (p.length >= 2 && flat.includes(p) && !has(evidence, p)) return { kind: 'person', span: p };
  const said = peopleInSentence(flat);
  for (const p of [...said.lead, ...said.assistants]) if (!has(evidence, p)) return { kind: 'person', span: p };
  for (const re of [NAME_BEFORE_ROLE, NAME_AFTER_ROLE]) {
    for (const m of flat.matchAll(re)) {
      const name = m[1]!;
      // The shortest reading that the sources back is taken: "张三负责" with 张三 in the record passes.
      if (!has(evidence, name) && !has(evidence, name.slice(0, 2))) return { kind: 'person', span: name };
    }
  }
  for (const m of flat.matchAll(CODE)) {
    const code = m[0].replace(/\s+/g, '');
    if (!has(evidence, code)) return { kind: 'code', span: code };
  }
  for (const m of flat.matchAll(LIMIT)) {
    const n = /^\d+$/.test(m[1]!) ? m[1]! : String(chineseNumeral(m[1]!.replace(/两/g, '二')) ?? m[1]);
    // "5个工作日" is backed by "5个工作日" or "5工作日"; the unit must match, not only the number.
    if (!evidence.text.includes(`${n}${m[2]}`) && !evidence.text.includes(`${n}个${m[2]}`)) return { kind: 'timeLimit', span: m[0] };
  }
  for (const m of flat.matchAll(OFFICE)) {
    if (GENERIC_OFFICE.test(m[1]!)) continue;
    if (!has(evidence, m[0])) return { kind: m[2] === '岗' ? 'post' : 'unit', span: m[0] };
  }
  return null;
}
