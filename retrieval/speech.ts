/**
 * What everyday speech wraps around a topic. A question is cut into words; words that only carry the
 * speech act (fillers, politeness, pronouns, time-of-asking, vague verbs) weigh nothing, and what
 * remains is the topic. General Chinese office speech, not tied to any manual.
 */

/** Filler and politeness words, vague verbs and errand nouns of everyday office speech. */
export const FILLER_WORDS = new Set([
  // politeness and asking
  '请问', '请教', '麻烦', '麻烦问', '问下', '问一下', '想问', '想问下', '想问问', '打听', '咨询', '了解', '知道', '请', '您好', '你好', '谢谢', '多谢', '劳驾', '帮忙', '帮我', '告诉', '说说', '讲讲', '查查', '查一下', '看看', '看一下',
  // forms of address
  '老哥', '大哥', '大姐', '姐', '哥', '老师', '师傅', '同志', '各位', '大家', '亲', '兄弟', '领导您',
  // particles and interjections
  '啊', '呀', '吧', '呢', '吗', '嘛', '么', '哈', '哦', '噢', '喔', '呗', '啦', '咯', '哎', '诶', '嗯', '的话', '来着',
  // pronouns and deictics
  '我', '我们', '咱', '咱们', '俺', '你', '你们', '您', '他', '她', '他们', '这', '那', '这个', '那个', '这块', '那块', '这边', '那边', '这里', '那里', '这儿', '那儿', '这事', '那事', '这种', '那种', '这些', '那些', '哪', '哪儿', '哪里', '啥', '什么', '怎么', '怎样', '咋', '咋样', '如何', '谁', '哪位', '哪个', '哪些', '哪一个', '多少', '几', '某', '某个', '一些', '有些',
  // time of asking and frequency
  '现在', '目前', '当前', '如今', '最近', '近来', '近期', '平时', '平常', '一般', '通常', '往常', '今天', '明天', '昨天', '后天', '今年', '明年', '去年', '下个月', '这个月', '上个月', '下周', '这周', '本周', '马上', '回头', '之前', '以前', '以后', '后面', '刚才', '刚', '已经', '正在', '在', '都', '也', '还', '又', '就', '才', '再', '先', '总', '总是', '一直', '经常', '老', '大概', '大约', '差不多', '具体', '到底', '究竟', '主要', '一下子', '一点', '一起', '尽快', '赶紧', '急', '着急',
  // vague verbs and helpers
  '弄', '搞', '干', '整', '忙', '做', '办', '去', '来', '找', '问', '想', '要', '需要', '得', '能', '能够', '可以', '会', '该', '应该', '让', '叫', '给', '把', '被', '被', '有', '是', '算', '算是', '属于', '归', '在弄', '在管', '在干', '在做', '对接', '联系', '交给', '交', '送', '拿', '安排', '接手', '负责人', '管事', '管',
  // one's own bureau or office, said in passing
  '局里', '本局', '我局', '咱局', '我们局', '咱们局', '单位里', '科里', '所里', '队里', '中心里', '上去', '下来', '出来', '过来', '上来',
  // errand nouns: what one carries to whoever is responsible
  '事', '事儿', '事情', '活', '活儿', '东西', '材料', '资料', '手续', '情况', '问题', '方面', '一块', '块', '部分', '个', '件', '份', '项', '下', '里', '上', '中', '时候',
  // connectives
  '和', '与', '跟', '及', '或', '或者', '还是', '然后', '所以', '因为', '如果', '要是', '但是', '不过', '而且', '就是', '那么', '那就', '的', '了', '着', '过', '地', '得',
]);

/** jieba tags of words that never carry a topic: pronouns, adverbs, prepositions, conjunctions, particles, time and place-of-speech words, numerals, measure words. */
const FILLER_TAGS = /^(?:r|rr|rz|ry|d|dg|p|c|u|uj|ul|uz|ug|ud|uv|y|e|o|zg|q|m|mq|t|tg|f|x|w)$/;
/** Tags of words that, when the manuals never use them, are ways of saying rather than topics: verbs, idioms, adjectives. */
const SPEECH_TAGS = /^(?:v|vd|vg|vi|l|i|a|ad|ag|z)$/;

/** Characters of light verbs and their complements: a word of only these that the manuals never use is speech ("办完", "问问"). */
const LIGHT = /^[办弄搞做干完好了过来去下上出问看找要想能会把给让交送拿跑]+$/;

/** True when a question word carries no topic at all. */
export function isFiller(word: string, tag: string | null, knownInManuals: boolean): boolean {
  if (FILLER_WORDS.has(word)) return true;
  if (!knownInManuals && LIGHT.test(word)) return true;
  if (/^[\d\s]+$/.test(word)) return true;
  // A time word the manuals use (汛期, 节假日, 年底) says when the work happens: topic, not time of asking;
  // a date's single characters (月, 日) are not.
  if (tag === 't' && knownInManuals && [...word].length >= 2) return false;
  // So does how often it recurs (每月, 每季度), where the manuals say it.
  if (/^每./.test(word) && knownInManuals) return false;
  if (tag && FILLER_TAGS.test(tag)) return !knownInManuals || /^(?:r\w?|p|c|u\w?|y|e|o|f|t|tg)$/.test(tag);
  return false;
}

/**
 * How much a word the manuals never use still counts as topic: a noun fully less a little (it may be a
 * topic the manuals do not cover: "公积金", or a detail of one they do: "发票" of 报销); a verb, idiom
 * or adjective half (more often a way of saying: "借出来", "审完").
 */
export function unknownWeight(tag: string | null): number {
  if (tag && SPEECH_TAGS.test(tag)) return 0.5;
  return 0.7;
}

/** Single characters that are speech wherever they stand (particles, pronouns, "谁"/"啥"). */
const SPEECH_CHARS = /[啊呀吧呢吗嘛么哈哦啦咯呗嗯我你您他她咱俺这那啥谁咋]/g;
const LONG_FILLERS = [...FILLER_WORDS].filter((w) => [...w].length >= 2).sort((a, b) => b.length - a.length);

/**
 * Speech removed by string matching, for segmenters without part-of-speech tags (the character
 * bigram fallback on Workers): multi-character fillers first, then speech characters.
 */
export function stripSpeech(text: string): string {
  let out = text;
  for (const w of LONG_FILLERS) if (out.includes(w)) out = out.split(w).join(' ');
  return out.replace(SPEECH_CHARS, ' ');
}

const ALL_FILLERS = [...FILLER_WORDS].sort((a, b) => b.length - a.length);

/** How many characters at the start of a question are only speech ("请问", "你知道", "那个"). */
export function leadingSpeech(text: string): number {
  let at = 0;
  for (;;) {
    const rest = text.slice(at).replace(/^[，,、。！!？?\s]+/, '');
    const skipped = text.length - at - rest.length;
    const w = ALL_FILLERS.find((f) => rest.startsWith(f));
    if (!w) return at + skipped;
    at += skipped + w.length;
  }
}
