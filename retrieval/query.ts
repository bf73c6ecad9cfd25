import type { Scope } from '../ingest/record.js';
import { classify, cueScores } from './intent.js';
import type { Lexicon } from './lexicon.js';
import { isLevelWord, levelOf, type Place, placesIn } from './places.js';
import { fold } from './recordText.js';
import type { Segmenter, TaggedWord } from './segmenter.js';
import { isFiller, leadingSpeech, stripSpeech, unknownWeight } from './speech.js';

export type Intent = 'duty' | 'flow' | 'timeLimit' | 'person' | 'leadership';

/** A content word of the question with the forms that count as a match. */
export interface Term {
  text: string;
  /** The word itself first, then its synonyms' manual words. */
  forms: string[];
  weight: number;
  /** No record holds the word or any of its forms. */
  unknown: boolean;
  /** For an unknown compound, the longest part the manuals do use, with the share of the word it is. */
  part: { text: string; credit: number } | null;
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
  /** An office or body named in the question that no manual holds ("某某局"). */
  unknownOffice: string | null;
  terms: Term[];
  /** What the question asks about, speech removed: the text embedded for vector search. */
  topic: string;
  /** The role a leadership question asks about ("局长", "副组长"), if any. */
  role: string | null;
  /** A person question asking who stands in for them ("外出时谁替他", "B角是谁"). */
  backup: boolean;
}

/** Words that frame a question (who, which post, what work) rather than name its topic. */
const FRAME = new Set([
  '负责', '牵头', '承担', '角色', '职务', '身份', '职位', '位置', '办理', '岗位', '岗', '科', '股', '室', '科室', '股室', '部门', '单位', '工作', '职责', '业务', '分工', '人', '人员', '同事', '编号', '流程', '流程图', '步骤', '环节', '程序', '时限', '期限', '多久', '几天', '工作日', '分管', '主管', '领导', '主持', '全面', '手里', '手上', '参与', '具体', '哪方面', '方面',
]);

const FRAME_WORDS = [...FRAME].filter((w) => [...w].length >= 2).sort((a, b) => b.length - a.length);

/** Multi-character question frames removed before segmentation, so their pieces do not become topic words. */
const FRAMES = [
  /是谁|谁是|由谁|找谁|归谁|谁来|谁在|哪位|哪个人|哪些人|什么人|哪个岗位?|什么岗位?|哪个部门|哪个单位|哪个科室?|哪个股室?|哪个领导|哪位领导/g,
  /的?(?:办理)?流程图?(?:编号)?|的?(?:办理)?时限|办理时间|多长时间|几个工作日|多少个?工作日|多少天|几天|多久/g,
  /负责(?:哪些|什么|啥)(?:工作)?|[分主]管(?:哪些|什么|啥|的)?|管(?:哪些|什么|啥)|干(?:什么|啥|嘛)|做(?:什么|啥)|有什么事|有哪些事|忙(?:些)?(?:什么|啥)/g,
  /[？?！!。，,、；;：:“”"'（）()\s]+/g,
];

/** Role words of leaders; "副" in front makes a deputy. */
const ROLE = /(副)?(局长|科长|股长|主任|组长|书记|队长|所长|站长|处长|一把手|班长)(?=是|有|叫|分管|主管|管|负责|都|呢|啊|吗|们|[？?，,。]|$)/;

const SURNAMES =
  '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝候';

/** Words ending like the name of a body: "某某局", "某某科", "某某中心". */
const OFFICE = /^[\u4e00-\u9fa5]{1,8}(?:局|厅|委|办|科|股|室|中心|大队|支队|所|站|院|部)$/;

function tagged(text: string, seg: Segmenter, lex?: Lexicon): TaggedWord[] {
  if (seg.tag) return seg.tag(text);
  if (lex) return corpusWords(text, lex).map((word) => ({ word, tag: '' }));
  return seg.words(text).map((word) => ({ word, tag: '' }));
}

/**
 * Without a dictionary segmenter: the manuals are the dictionary. Longest stretch (up to four
 * characters) the manuals use, left to right; characters they never use together stay one word.
 */
function corpusWords(text: string, lex: Lexicon): string[] {
  const out: string[] = [];
  for (const run of text.match(/[\u4e00-\u9fa5]+|[A-Za-z0-9]+/g) ?? []) {
    const chars = [...run];
    let pending = '';
    for (let i = 0; i < chars.length; ) {
      let len = Math.min(4, chars.length - i);
      while (len >= 2 && !lex.known(chars.slice(i, i + len).join(''))) len--;
      if (len >= 2) {
        if (pending) out.push(pending);
        pending = '';
        out.push(chars.slice(i, i + len).join(''));
        i += len;
      } else {
        pending += chars[i];
        i++;
      }
    }
    if (pending) out.push(pending);
  }
  return out;
}

const DATE = /(?:\d{4}年)?\d{1,2}月\d{1,2}[日号]/g;

/** Splits off synonym phrases first (so "盖章" survives segmentation), then segments the rest and drops speech. */
function extractTerms(text: string, lex: Lexicon, seg: Segmenter): Term[] {
  let rest = text;
  const terms: Term[] = [];
  const keys = lex.synonymKeys;
  for (const key of keys) {
    if (!rest.includes(key)) continue;
    rest = rest.split(key).join(' ');
    terms.push({ text: key, forms: [key, ...(lex.synonyms[key] ?? [])].map(fold), weight: 0, unknown: false, part: null });
  }
  // A calendar date ("10月2日", "10月2号") is one word: its numbers alone say nothing, together they name a day.
  for (const m of rest.match(DATE) ?? []) {
    const day = fold(m.replace(/^\d{4}年/, '').replace(/号$/, '日'));
    rest = rest.split(m).join(' ');
    if (!terms.some((t) => t.text === day)) terms.push({ text: day, forms: [day], weight: 0, unknown: false, part: null });
  }
  const tags = new Map<string, string | null>();
  if (!seg.tag) {
    // No tagger: speech and frame words go by string, so they are not glued to a topic word ("防火工作").
    rest = stripSpeech(rest);
    for (const w of FRAME_WORDS) if (rest.includes(w)) rest = rest.split(w).join(' ');
  }
  for (const run of rest.split(/\s+/).filter(Boolean)) {
    for (const { word, tag } of tagged(run, seg, lex)) {
      const w = fold(word);
      if (!w || FRAME.has(w) || isLevelWord(w)) continue;
      if (isFiller(w, tag || null, lex.known(w))) continue;
      if (terms.some((t) => t.text === w)) continue;
      tags.set(w, tag || null);
      terms.push({ text: w, forms: [w], weight: 0, unknown: false, part: null });
    }
  }
  // Question order, so the topic read back is the question minus its speech.
  terms.sort((a, b) => text.indexOf(a.text) - text.indexOf(b.text));
  for (const t of terms) {
    t.unknown = t.forms.every((f) => !lex.known(f));
    const idf = Math.max(...t.forms.map((f) => lex.idf(f)));
    t.weight = [...t.text].length === 1 ? idf * 0.3 : idf;
    if (t.unknown) {
      t.weight *= unknownWeight(tags.get(t.text) ?? null);
      t.part = knownPart(t.text, lex);
    }
  }
  return terms;
}

/** The longest stretch (two characters or more) of an unknown word that the manuals use: "讲话" of "讲话稿". */
function knownPart(word: string, lex: Lexicon): Term['part'] {
  const chars = [...word];
  for (let len = chars.length - 1; len >= 2; len--) {
    for (let i = 0; i + len <= chars.length; i++) {
      const sub = chars.slice(i, i + len).join('');
      if (lex.known(sub)) return { text: sub, credit: (0.8 * len) / chars.length };
    }
  }
  return null;
}

/** A name-like word (surname + one or two characters) asked about as a person, that no record holds. */
function unknownPersonIn(q: string, lex: Lexicon, seg: Segmenter): string | null {
  const nameLike = (name: string) => {
    if (!SURNAMES.includes(name[0]!) || lex.isPerson(name) || lex.known(name)) return false;
    if (lex.places.some((p) => p.aliases.includes(name))) return false;
    if (seg.tag) {
      // A dictionary word that is not a name ("程序", "高速") is no person.
      const t = seg.tag(name);
      if (t.length === 1 && !/^nr/.test(t[0]!.tag)) return false;
    }
    return true;
  };
  const asked = (rest: string) => {
    const c = cueScores(rest);
    return c.personAsk > 0 || c.leadership > 0;
  };
  // The name first, once leading speech ("请问", "你知道") is set aside.
  const from = leadingSpeech(q);
  const m = /^([\u4e00-\u9fa5]{2,3}?)(?=最近|平时|现在|主要|都|是|在|负责|参与|的|干|做|管|手里|手上|忙|有|分管|目前)/.exec(q.slice(from));
  if (m && nameLike(m[1]!) && asked(q.slice(from + m[1]!.length))) return m[1]!;
  // Or anywhere, where the tagger reads a personal name ("刚来的同事某某负责什么").
  for (const t of seg.tag?.(q) ?? []) {
    if (/^nr/.test(t.tag) && /^[\u4e00-\u9fa5]{2,3}$/.test(t.word) && nameLike(t.word) && asked(q.slice(q.indexOf(t.word) + t.word.length))) return t.word;
  }
  return null;
}

/** A body the question names ("某某局局长是谁") that no record, unit or section holds. */
function unknownOfficeIn(q: string, lex: Lexicon, seg: Segmenter): string | null {
  const cleaned = q.replace(ROLE, ' ');
  for (const { word } of tagged(cleaned, seg)) {
    if (!OFFICE.test(word) || isLevelWord(word) || /^(?:本|我|该|这|那|哪|各|全)/.test(word)) continue;
    if (lex.known(word) || lex.places.some((p) => p.aliases.some((a) => a.includes(word) || word.includes(a)))) continue;
    return word;
  }
  return null;
}

export function parseQuery(question: string, lex: Lexicon, seg: Segmenter): ParsedQuery {
  const q = question.trim().replace(/\s+/g, '');
  const persons = lex.persons.filter((p) => q.includes(p));
  const placeHits = placesIn(q, lex.places);
  const places = placeHits.map((h) => h.place);
  let scope = levelOf(q, (phrase) => [...phrase].length > 3 && lex.known(phrase));
  if (!scope && places.length > 0 && new Set(places.map((p) => p.scope)).size === 1) scope = places[0]!.scope;

  let topic = q;
  for (const p of persons) topic = topic.split(p).join(' ');
  const role = ROLE.exec(q);
  if (role) topic = topic.split(role[0]).join(' ');
  for (const re of FRAMES) topic = topic.replace(re, ' ');
  topic = topic.replace(/\s+/g, ' ').trim();
  const terms = extractTerms(topic, lex, seg);
  const topicText = terms.map((t) => t.text).join(' ');

  const cues = cueScores(q);
  // Place names narrow the search; they are not what a person question asks about.
  let bare = topic;
  for (const h of placeHits) bare = bare.split(h.alias).join(' ');
  // Words the manuals never use cannot narrow a person's rows: what is left of the topic is only what they use.
  const topicLeft = persons.length > 0 && extractTerms(bare, lex, seg).some((t) => !t.unknown && [...t.text].length >= 2);
  const intent = classify({ ...cues, role: role ? cues.role : 0 }, { person: persons.length > 0, topicLeft });

  return {
    question,
    intent,
    scope,
    places,
    persons,
    unknownPerson: persons.length === 0 ? unknownPersonIn(q, lex, seg) : null,
    unknownOffice: intent === 'leadership' ? unknownOfficeIn(q, lex, seg) : null,
    terms,
    topic: topicText,
    role: role ? role[0] : null,
    backup: intent === 'person' && cues.backup > 0,
  };
}
