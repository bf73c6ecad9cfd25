import type { Scope } from '../ingest/record.js';
import type { Lexicon, Place } from './lexicon.js';
import { fold } from './recordText.js';
import type { Segmenter } from './segmenter.js';

export type Intent = 'duty' | 'flow' | 'timeLimit' | 'person' | 'leadership';

/** A content word of the question with the forms that count as a match. */
export interface Term {
  text: string;
  forms: string[];
  weight: number;
}

export interface ParsedQuery {
  question: string;
  intent: Intent;
  /** Scope named by the question (市局 / 区里 / 街道), or null for "both, labelled". */
  scope: Scope | null;
  places: Place[];
  persons: string[];
  /** A name-like word asked about as a person that no manual names ("李四是哪个岗位的"). */
  unknownPerson: string | null;
  terms: Term[];
  /** Tokens for the full-text index. */
  indexTokens: string[];
  /** What the question asks about, scaffolding removed: the text embedded for vector search. */
  topic: string;
}

const CITY = /市局|市里|全市|市级|市本级|本市|我市|市自然资源|市规划|市政府/;
const DISTRICT = /区局|区里|全区|区级|区本级|本区|我区|山亭|区自然资源局|区政府/;
const SUBDISTRICT = /街道|专班|中山路/;

const FLOW = /流程|步骤|环节|怎么办|如何办|办理程序|程序是|怎么走|流程图|编号/;
const TIME = /时限|多久|几天|几个工作日|多少个工作日|期限|多长时间|截止|办结时间/;
const LEAD = /分管|主管领导|谁主持|主持.*工作/;
const PERSON_ASK = /负责(?:哪些|什么)|管(?:哪些|什么)|是哪个|在哪个|哪个岗|参与|职责|干什么|做什么|的工作|岗位|是谁/;

/** Question scaffolding that carries no topic. Longest first. */
const SCAFFOLD = [
  /请问|麻烦问一下|想问一下|我想问|想知道|一下/g,
  /(?:是)?由谁(?:来)?(?:负责|牵头|办理|承担|管理?|编制)?|谁来?(?:负责|牵头|办理|承担|管理?|组织|审核|排|制定|编制)?|找谁|归谁管?|是谁的事/g,
  /(?:是)?(?:哪个|哪一个|什么)(?:岗位?|部门|科室|单位|人)(?:负责|的)?|哪些人|哪位/g,
  /的?流程图?编号(?:是)?(?:多少)?|的?(?:办理)?流程(?:图|是什么|是怎样的|怎么走)?|步骤|环节|怎么办|如何办理?|怎么办理?/g,
  /的?(?:办理)?时限(?:是)?(?:多少|多久)?|(?:要|需要)?(?:多久|多长时间|几个工作日|几天)(?:能|可以)?(?:办完|办好|办结|完成|出结果)?/g,
  /负责(?:哪些|什么)工作|负责哪些|负责什么|参与哪些工作|在哪个岗位|是哪个岗位的?/g,
  /吗|呢|吧|啊|呀|么|？|\?|！|!|。|，|,/g,
];

const STOP = new Set([
  '的', '了', '和', '与', '及', '是', '在', '有', '由', '找', '管', '归', '谁', '哪个', '哪些', '什么', '怎么', '如何',
  '负责', '岗位', '岗', '事', '人', '部门', '编号', '多少', '一下', '请问', '要', '去', '我', '我们', '这个', '那个',
  '市局', '市里', '全市', '区里', '区局', '全区', '山亭', '市', '区', '里', '工作', '分管', '办完', '办好', '办', '做',
  '搞', '弄', '问',
]);

const SURNAMES =
  '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝候';

/** Splits off synonym phrases first (so "盖章" survives segmentation), then segments the rest. */
function extractTerms(text: string, lex: Lexicon, seg: Segmenter): Term[] {
  let rest = text;
  const terms: Term[] = [];
  const keys = Object.keys(lex.synonyms).sort((a, b) => b.length - a.length);
  for (const key of keys) {
    if (!rest.includes(key)) continue;
    rest = rest.split(key).join(' ');
    terms.push({ text: key, forms: [key, ...(lex.synonyms[key] ?? [])].map(fold), weight: 0 });
  }
  for (const w of seg.words(rest)) {
    if (STOP.has(w) || /^[\d\s]+$/.test(w)) continue;
    if (terms.some((t) => t.text === w)) continue;
    terms.push({ text: w, forms: [fold(w)], weight: 0 });
  }
  for (const t of terms) {
    const idf = Math.max(...t.forms.map((f) => lex.idf(f)));
    t.weight = [...t.text].length === 1 ? idf * 0.3 : idf;
  }
  return terms;
}

function detectScope(q: string): Scope | null {
  const hits: Scope[] = [];
  if (CITY.test(q)) hits.push('city');
  if (DISTRICT.test(q)) hits.push('district');
  if (SUBDISTRICT.test(q)) hits.push('subdistrict');
  return hits.length === 1 ? hits[0]! : null;
}

function detectPlaces(q: string, lex: Lexicon): Place[] {
  return lex.places.filter((p) => p.aliases.some((a) => q.includes(a)));
}

/** A name-like word (surname + one or two characters) asked about as a person, that no record holds. */
function unknownPersonIn(q: string, lex: Lexicon): string | null {
  const m = /^([\u4e00-\u9fa5]{2,3}?)(?:是|在|负责|参与|的|干|做|管)/.exec(q);
  if (!m) return null;
  const name = m[1]!;
  if (!SURNAMES.includes(name[0]!) || lex.isPerson(name) || lex.known(name)) return null;
  return PERSON_ASK.test(q.slice(name.length)) ? name : null;
}

export function parseQuery(question: string, lex: Lexicon, seg: Segmenter): ParsedQuery {
  const q = question.trim().replace(/\s+/g, '');
  const persons = lex.persons.filter((p) => q.includes(p));
  const places = detectPlaces(q, lex);
  let scope = detectScope(q);
  if (!scope && places.length > 0 && new Set(places.map((p) => p.scope)).size === 1) scope = places[0]!.scope;

  let topic = q;
  for (const p of persons) topic = topic.split(p).join(' ');
  for (const re of SCAFFOLD) topic = topic.replace(re, ' ');
  topic = topic.replace(/\s+/g, ' ').trim();
  const terms = extractTerms(topic, lex, seg);

  let intent: Intent = 'duty';
  if (LEAD.test(q)) intent = 'leadership';
  else if (persons.length > 0 && (terms.length === 0 || PERSON_ASK.test(q))) intent = 'person';
  else if (TIME.test(q)) intent = 'timeLimit';
  else if (FLOW.test(q)) intent = 'flow';

  return {
    question,
    intent,
    scope,
    places,
    persons,
    unknownPerson: persons.length === 0 ? unknownPersonIn(q, lex) : null,
    terms,
    indexTokens: seg.index(topic),
    topic,
  };
}
