/**
 * Text forms for matching only (replies always quote the source as read): radicals and compatibility
 * ideographs that PDF text layers produce, traditional characters, pinyin glosses, stray "?" from lossy
 * encodings. Plus the cleaning of table cell text.
 */
import t2sTable from '../seeds/t2s-chars.json' with { type: 'json' };

/** Traditional → simplified, character by character; built from OpenCC's tables by test/support/buildT2sTable.ts. */
const T2S: Record<string, string> = t2sTable.map;

/**
 * CJK Radicals Supplement forms (U+2E80–U+2EFF) have no NFKC mapping; these are the ones whose equivalent
 * unified ideograph is listed in Unicode's EquivalentUnifiedIdeograph.txt and that occur in simplified text.
 */
const RADICALS_SUPPLEMENT: Record<string, string> = {
  '\u2E81': '厂', '\u2E84': '乙', '\u2E85': '亻', '\u2E86': '冂', '\u2E87': '几', '\u2E89': '刂', '\u2E8C': '小',
  '\u2E8D': '小', '\u2E90': '尢', '\u2E92': '巳', '\u2E93': '幺', '\u2E94': '彑', '\u2E96': '忄', '\u2E98': '扌',
  '\u2E99': '攵', '\u2E9B': '旡', '\u2E9F': '母', '\u2EA0': '民', '\u2EA1': '氵', '\u2EA2': '氺', '\u2EA3': '灬',
  '\u2EA4': '爫', '\u2EA6': '丬', '\u2EA7': '牛', '\u2EA8': '犭', '\u2EA9': '王', '\u2EAA': '疋', '\u2EAB': '目',
  '\u2EAC': '示', '\u2EAD': '礻', '\u2EAF': '糹', '\u2EB0': '纟', '\u2EB3': '罒', '\u2EB6': '羊', '\u2EB9': '耂',
  '\u2EBA': '肀', '\u2EBC': '月', '\u2EBE': '艹', '\u2EBF': '艹', '\u2EC0': '艹', '\u2EC4': '西', '\u2EC5': '见',
  '\u2EC6': '角', '\u2EC8': '讠', '\u2EC9': '贝', '\u2ECA': '足', '\u2ECC': '辶', '\u2ECD': '辶', '\u2ECF': '阝',
  '\u2ED0': '钅', '\u2ED1': '長', '\u2ED3': '长', '\u2ED4': '门', '\u2ED6': '阝', '\u2ED7': '雨', '\u2ED8': '青',
  '\u2EDB': '风', '\u2EDD': '食', '\u2EDF': '飠', '\u2EE0': '饣', '\u2EE2': '马', '\u2EE3': '骨', '\u2EE4': '鬼',
  '\u2EE5': '鱼', '\u2EE6': '鸟', '\u2EE7': '卤', '\u2EE8': '麦', '\u2EE9': '黄', '\u2EEA': '黾', '\u2EEC': '齐',
  '\u2EEE': '齿', '\u2EF0': '龙', '\u2EF3': '龟',
};

const COMPAT = /[\u2F00-\u2FD5\uF900-\uFAFF\u{2F800}-\u{2FA1F}]/gu;
const SUPPLEMENT = /[\u2E80-\u2EFF]/g;
const ZERO_WIDTH = /[\u200B-\u200D\u2060\uFEFF\u00AD]/g;
const HAN = '\\p{Script=Han}';

/** Pinyin glosses in brackets right after a Han character: 規(guī)劃, 规划（gui hua）. */
const GLOSS = new RegExp(`(?<=${HAN})\\s?[(（]([^()（）]{1,40})[)）]`, 'gu');
const SYLLABLE =
  /^(zh|ch|sh|[bpmfdtnlgkhjqxrzcsyw])?(iang|iong|uang|ang|eng|ing|ong|uai|uan|ian|iao|van|ai|ei|ao|ou|an|en|in|un|vn|ia|ie|iu|ua|uo|ui|ve|ue|er|a|o|e|i|u|v|n|ng|m)[1-5]?$/;

function isPinyin(gloss: string): boolean {
  const trimmed = gloss.trim();
  if (!/^[\p{Script=Latin}\s'’·1-5-]+$/u.test(trimmed)) return false;
  const plain = trimmed.normalize('NFD').replace(/u\u0308/gi, 'v').replace(/[\u0300-\u036f]/g, '');
  // Acronyms in brackets (GIS, CAD) are not glosses.
  if (/[A-Z]{2}/.test(plain)) return false;
  const words = plain.toLowerCase().split(/[\s'’·-]+/).filter(Boolean);
  return words.length > 0 && words.every(splitsIntoSyllables);
}

function splitsIntoSyllables(word: string): boolean {
  if (!/^[a-z]+[1-5]?$/.test(word)) return false;
  const ok: boolean[] = [true];
  for (let end = 1; end <= word.length; end++) {
    ok[end] = false;
    for (let start = Math.max(0, end - 7); start < end; start++) {
      if (ok[start] && SYLLABLE.test(word.slice(start, end))) {
        ok[end] = true;
        break;
      }
    }
  }
  return ok[word.length] === true;
}

/** The form of a text used to compare it with other texts: never shown to people. */
export function matchForm(text: string): string {
  // One pass over the code units says which rewrites can apply; most text needs none or one of them.
  let flags = 0;
  for (let i = 0; i < text.length; i++) flags |= TRIGGERS[text.charCodeAt(i)]!;
  if (flags === 0) return text;
  if (flags & REMAP) return matchFormFull(text);
  // The remaining rewrites only remove or replace what sets them off, so none creates work for a later one.
  let out = flags & ZERO ? text.replace(ZERO_WIDTH, '') : text;
  if (flags & BRACKET) out = out.replace(GLOSS, (whole, gloss: string) => (isPinyin(gloss) ? '' : whole));
  if (flags & QUESTION) out = out.replace(STRAY, '');
  return flags & TRAD ? out.replace(TRADITIONAL, (ch) => T2S[ch] ?? ch) : out;
}

/** matchForm running every rewrite in turn, whatever the text holds. */
export function matchFormFull(text: string): string {
  let out = text.replace(ZERO_WIDTH, '');
  out = out.replace(COMPAT, (ch) => ch.normalize('NFKC'));
  out = out.replace(SUPPLEMENT, (ch) => RADICALS_SUPPLEMENT[ch] ?? ch);
  // The look-behind patterns are costly: only run where their bracket or mark occurs at all.
  if (/[(（]/.test(out)) out = out.replace(GLOSS, (whole, gloss: string) => (isPinyin(gloss) ? '' : whole));
  if (/[?？\uFFFD]/.test(out)) out = out.replace(STRAY, '');
  return out.replace(TRADITIONAL, (ch) => T2S[ch] ?? ch);
}

const STRAY = new RegExp(`(?<=${HAN})[?？\\uFFFD]+(?=${HAN})`, 'gu');
/** Every character the table rewrites. */
const TRADITIONAL = new RegExp(`[${Object.keys(T2S).join('').replace(/[\\\]^-]/g, '\\$&')}]`, 'gu');

/** What a UTF-16 code unit can set off in matchForm (0: nothing). */
const ZERO = 1;
/** NFKC or radical forms: their results may be traditional characters, so every rewrite runs after them. */
const REMAP = 2;
const BRACKET = 4;
const QUESTION = 8;
const TRAD = 16;
const TRIGGERS = (() => {
  const t = new Uint8Array(0x10000);
  const mark = (from: number, to: number, flag: number) => {
    for (let c = from; c <= to; c++) t[c]! |= flag;
  };
  for (const c of [0x200b, 0x200c, 0x200d, 0x2060, 0xfeff, 0x00ad]) t[c]! |= ZERO;
  mark(0x2f00, 0x2fd5, REMAP);
  mark(0xf900, 0xfaff, REMAP);
  mark(0x2e80, 0x2eff, REMAP);
  // High surrogates of U+2F800–U+2FA1F; any astral character there or in the table is looked at closely.
  t[0xd87e]! |= REMAP;
  for (const c of ['(', '（']) t[c.charCodeAt(0)]! |= BRACKET;
  for (const c of ['?', '？', '\uFFFD']) t[c.charCodeAt(0)]! |= QUESTION;
  for (const k of Object.keys(T2S)) t[k.charCodeAt(0)]! |= TRAD;
  return t;
})();

/**
 * Cell text cleaned for reading: NBSP/full-width/other Unicode spaces become plain spaces, zero-width
 * characters go, each line is trimmed, blank lines dropped. Spaces inside a line stay as the source has them.
 */
export function normaliseCell(text: string): string {
  return text
    .replace(ZERO_WIDTH, '')
    .replace(/[\u00A0\u1680\u2000-\u200A\u202F\u205F\u3000]/g, ' ')
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .join('\n');
}
