import type { DutyRecord } from '../../ingest/record.js';
import { isNameLike, peopleInSentence } from '../../ingest/people.js';
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
  /**
   * The people the cited records name as responsible (lead, assistants); when given, a person must be
   * one of them, not merely appear somewhere in the text (a duty saying "回答某某负责" names no one).
   */
  people?: ReadonlySet<string>;
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
  // Also run together as a text says them: "某局规划科审批岗".
  const parts = [r.unit, r.department ?? '', r.parentUnit ?? '', r.post, `${r.unit}${r.department ?? ''}${r.post}`, `${r.unit}${r.post}`, r.item, ...r.duties, ...r.responsibilities, r.timeLimit ?? '', ...r.lead, ...r.assistants, ...r.oversees];
  if (r.flow) parts.push(...r.flow.codes, ...r.flow.titles, ...r.flow.steps, ...r.flow.subflows.flatMap((s) => [s.name, ...s.steps]));
  for (const d of r.details ?? []) parts.push(d.label, d.text);
  return parts.join('\n');
}

export function evidenceOf(texts: readonly string[], people?: Iterable<string>): Evidence {
  return { text: digits(squeeze(texts.join('\n'))), ...(people ? { people: new Set([...people].map(squeeze)) } : {}) };
}

/** The people of the records, for evidenceOf: who they name as responsible. */
export const peopleOf = (records: readonly DutyRecord[]): string[] => records.flatMap((r) => (r.kind === 'passage' ? [] : [...r.lead, ...r.assistants]));

const has = (e: Evidence, s: string) => e.text.includes(digits(squeeze(s)));
const named = (e: Evidence, name: string) => (e.people ? e.people.has(name) : has(e, name));

// Common surnames: a name-shaped span next to a role word is checked even when no manual lists the person.
const SURNAMES =
  '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝';
const NAME_BEFORE_ROLE = new RegExp(`([${SURNAMES}][\\u4e00-\\u9fa5]{1,2}?)(?=同志|负责|牵头|主办|承办|协办|配合|协助|分管|主管|担任|兼任|具体负责)`, 'g');
const NAME_AFTER_ROLE = new RegExp(`(?:由|请|联系|找|负责人[是为：:]?|牵头人[是为：:]?|责任人[是为：:]?|经办人[是为：:]?|辅助人员[是为：:]?|配合人员[是为：:]?)([${SURNAMES}][\\u4e00-\\u9fa5]{1,2})(?=[，。、；,;和及与（(）)\\s]|$)`, 'g');

const CODE = /\d{1,2}(?:\s*-\s*\d{1,2})+/g;
const LIMIT = /(\d+|[零〇一二两三四五六七八九十百]+)\s*个?\s*(工作日|自然日|日|天|小时|个月|月|年|周)/g;
// An office or a post no manual names, told by its suffix; the two characters before it must come from the sources.
const OFFICE = /([\u4e00-\u9fa5]{2})(科|股|中心|大队|中队|办公室|岗)(?![\u4e00-\u9fa5]?(?:位|长|员|学|技))/g;
const GENERIC_OFFICE = /^(?:相关|有关|本单|该单|所属|上级|下级|各个|业务|职能|责任|承办|主管|对应|具体|其他|其它|窗口|本岗|该岗|同一|所在|本科|该科|各科|各股|此岗|这个|哪个|那个|什么|哪些|岗位|工作|中心|服务|政务|指挥|数据|信息|调度|监控|技术|定岗|设岗|在岗|到岗|上岗|离岗|转岗|换岗|轮岗)$/;
// Words that begin with a surname character and stand before 负责 etc. without being a name.
const NOT_A_NAME = new RegExp(
  '^(?:' +
    [
      '项目|全面|全局|全区|全市|全县|全镇|全部|全体|安全|安排|安置|文件|文书|文字|文化|管理|管护|管控|单位|单独|方面|方案|方式|方法|时间|时限|时效|明确|明细',
      '周期|程序|程度|关于|关键|关系|包括|包干|常规|常态|施工|施行|齐全|申请|申报|符合|纪律|纪检|季度|解决|解释|路线|车辆|房屋|房产|费用|卫生|应急|应当|宗地',
      '查处|查询|查验|商业|任务|任何|任免|付款|严格|成果|成本|成立|成员|农业|农村|农田|司法|党组|党委|党建|林业|林地|林木|金融|武装|向上|向下|高效|连续|江河',
    ].join('|') +
    ')$',
);

/**
 * Checks a model's text against its sources: every person, flow code, time limit, office and post it
 * states must be found there. Returns the first fact that is not, or null when all are backed.
 * `persons` are all names known from the manuals (any of them in the text must be in the sources).
 */
export function checkText(text: string, evidence: Evidence, persons: readonly string[] = [], offices: readonly string[] = []): GuardViolation | null {
  const flat = squeeze(text);
  for (const p of persons) if (p.length >= 2 && flat.includes(p) && !named(evidence, p)) return { kind: 'person', span: p };
  const said = peopleInSentence(flat);
  for (const p of [...said.lead, ...said.assistants]) if (!named(evidence, p)) return { kind: 'person', span: p };
  for (const re of [NAME_BEFORE_ROLE, NAME_AFTER_ROLE]) {
    for (const m of flat.matchAll(re)) {
      const name = m[1]!;
      // Any reading the sources back passes ("张三负责" with 张三 in the record; "和张三负责"); common words are no names.
      const readings = [name, name.slice(0, 2), name.slice(1)].filter((r) => r.length >= 2);
      if (!isNameLike(name) || readings.some((r) => NOT_A_NAME.test(r) || named(evidence, r) || (!evidence.people?.size && has(evidence, r)))) continue;
      return { kind: 'person', span: name };
    }
  }
  // Units, departments and posts the manuals name elsewhere: named in the text, they must be the cited ones.
  for (const o of offices) if (o.length >= 3 && flat.includes(o) && !has(evidence, o)) return { kind: /岗/.test(o) ? 'post' : 'unit', span: o };
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
