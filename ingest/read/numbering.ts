/** Word auto-numbering: number formats and `lvlText` templates rendered the way Word shows them. */

const CN_DIGITS = '零一二三四五六七八九';
const CN_LEGAL = '零壹贰叁肆伍陆柒捌玖';
const TIANGAN = '甲乙丙丁戊己庚辛壬癸';
const DIZHI = '子丑寅卯辰巳午未申酉戌亥';
const CIRCLED = '①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳';

/** Chinese counting numerals as Word writes them: 十一, 二十, 一百零五, 一千二百. */
export function chineseCounting(n: number, digits = CN_DIGITS, units = ['', '十', '百', '千']): string {
  if (n <= 0) return digits[0]!;
  if (n >= 10_000) {
    const high = Math.floor(n / 10_000);
    const low = n % 10_000;
    return chineseCounting(high, digits, units) + '万' + (low ? (low < 1000 ? digits[0] : '') + chineseCounting(low, digits, units) : '');
  }
  if (n >= 10 && n < 20 && digits === CN_DIGITS) return '十' + (n % 10 ? digits[n % 10] : '');
  const parts: string[] = [];
  let zero = false;
  for (let p = 3; p >= 0; p--) {
    const d = Math.floor(n / 10 ** p) % 10;
    if (d === 0) {
      if (parts.length) zero = true;
      continue;
    }
    if (zero) parts.push(digits[0]!);
    zero = false;
    parts.push(digits[d]! + units[p]!);
  }
  return parts.join('');
}

function letters(n: number, upper: boolean): string {
  // Word repeats the letter: 27 → AA, 28 → BB.
  const ch = String.fromCharCode((upper ? 65 : 97) + ((n - 1) % 26));
  return ch.repeat(Math.floor((n - 1) / 26) + 1);
}

function roman(n: number): string {
  const table: [number, string][] = [
    [1000, 'M'], [900, 'CM'], [500, 'D'], [400, 'CD'], [100, 'C'], [90, 'XC'], [50, 'L'], [40, 'XL'], [10, 'X'], [9, 'IX'], [5, 'V'], [4, 'IV'], [1, 'I'],
  ];
  let out = '';
  for (const [v, s] of table) while (n >= v) (out += s), (n -= v);
  return out;
}

/** One number in a Word numFmt; null for formats that are not numbers (bullet, none). */
export function formatNumber(n: number, numFmt: string): string | null {
  switch (numFmt) {
    case 'none':
    case 'bullet':
      return null;
    case 'decimalZero':
      return n < 10 ? `0${n}` : String(n);
    case 'decimalFullWidth':
    case 'decimalFullWidth2':
      return String(n).replace(/\d/g, (d) => String.fromCharCode(0xff10 + Number(d)));
    case 'chineseCounting':
    case 'chineseCountingThousand':
    case 'japaneseCounting':
    case 'taiwaneseCounting':
    case 'taiwaneseCountingThousand':
    case 'ideographDigital':
      return chineseCounting(n);
    case 'chineseLegalSimplified':
    case 'japaneseLegal':
      return chineseCounting(n, CN_LEGAL, ['', '拾', '佰', '仟']);
    case 'ideographTraditional':
      return n >= 1 && n <= 10 ? TIANGAN[n - 1]! : String(n);
    case 'ideographZodiac':
      return n >= 1 && n <= 12 ? DIZHI[n - 1]! : String(n);
    case 'decimalEnclosedCircle':
    case 'decimalEnclosedCircleChinese':
    case 'ideographEnclosedCircle':
      return n >= 1 && n <= 20 ? CIRCLED[n - 1]! : String(n);
    case 'decimalEnclosedParen':
      return n >= 1 && n <= 20 ? String.fromCharCode(0x2474 + n - 1) : `(${n})`;
    case 'decimalEnclosedFullstop':
      return n >= 1 && n <= 20 ? String.fromCharCode(0x2488 + n - 1) : `${n}.`;
    case 'upperLetter':
      return letters(n, true);
    case 'lowerLetter':
      return letters(n, false);
    case 'upperRoman':
      return roman(n);
    case 'lowerRoman':
      return roman(n).toLowerCase();
    default:
      return String(n);
  }
}

export interface Level {
  start: number;
  numFmt: string;
  lvlText: string;
  isLgl: boolean;
}

/**
 * A marker from a level's template: `%1`…`%9` take the counters of levels 1–9 in their own formats
 * (decimal under `isLgl`). Null when the level shows no number (numFmt none or bullet).
 */
export function renderMarker(levels: (Level | undefined)[], counters: number[], ilvl: number): string | null {
  const level = levels[ilvl];
  if (!level || level.numFmt === 'none' || level.numFmt === 'bullet') return null;
  const text = level.lvlText.replace(/%([1-9])/g, (_, k: string) => {
    const i = Number(k) - 1;
    const ref = levels[i];
    const n = counters[i] ?? ref?.start ?? 1;
    return formatNumber(n, level.isLgl && i !== ilvl ? 'decimal' : (ref?.numFmt ?? 'decimal')) ?? '';
  });
  return text.trim() ? text.trim() : null;
}
