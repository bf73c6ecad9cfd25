/** Text runs of a PDF page: cleaning, clustering into lines, joining CJK and Latin text. */

/** One text item as positioned on the page (PDF user space, y up; `y` is the baseline). */
export interface Run {
  text: string;
  x: number;
  y: number;
  w: number;
  size: number;
  /** Tagged PDFs: the run belongs to a structure element (its marked content has an id)… */
  tagged?: boolean;
  /** …and that element is a table header cell (TH). */
  th?: boolean;
}

export interface Line {
  runs: Run[];
  /** Baseline of the line (the first run's). */
  y: number;
  x: number;
  right: number;
  size: number;
}

/**
 * CJK Radicals Supplement → the ideograph a Simplified Chinese font draws with the same glyph (checked against
 * Noto Sans CJK SC's cmap; a few more by meaning). These have no NFKC mapping.
 */
const RADICALS_SUPPLEMENT: Record<number, string> = {
  0x2e81: '厂', 0x2e82: '乛', 0x2e83: '乚', 0x2e84: '乙', 0x2e85: '亻', 0x2e86: '冂', 0x2e87: '几', 0x2e89: '刂',
  0x2e8a: '卜', 0x2e8b: '㔾', 0x2e8c: '小', 0x2e8d: '小', 0x2e8e: '兀', 0x2e8f: '尣', 0x2e90: '尢', 0x2e92: '巳',
  0x2e93: '幺', 0x2e94: '彑', 0x2e95: '彐', 0x2e96: '忄', 0x2e97: '心', 0x2e98: '扌', 0x2e99: '攵', 0x2e9b: '旡',
  0x2e9c: '日', 0x2e9e: '歺', 0x2e9f: '母', 0x2ea0: '民', 0x2ea1: '氵', 0x2ea3: '灬', 0x2ea4: '爫', 0x2ea6: '丬',
  0x2ea7: '牛', 0x2ea8: '犭', 0x2ea9: '王', 0x2eaa: '疋', 0x2eac: '示', 0x2ead: '礻', 0x2eae: '竹', 0x2eaf: '糹',
  0x2eb0: '纟', 0x2eb1: '罓', 0x2eb3: '㓁', 0x2eb7: '羊', 0x2eb9: '耂', 0x2eba: '肀', 0x2ebb: '聿', 0x2ebe: '艹',
  0x2ec1: '虎', 0x2ec2: '衤', 0x2ec4: '西', 0x2ec5: '见', 0x2ec6: '角', 0x2ec8: '讠', 0x2ec9: '贝', 0x2ecb: '车',
  0x2ecc: '辶', 0x2ed0: '钅', 0x2ed1: '長', 0x2ed2: '镸', 0x2ed3: '长', 0x2ed4: '门', 0x2ed6: '阝', 0x2ed7: '雨',
  0x2ed8: '青', 0x2ed9: '韦', 0x2eda: '页', 0x2edb: '风', 0x2edc: '飞', 0x2edd: '食', 0x2edf: '飠', 0x2ee0: '饣',
  0x2ee2: '马', 0x2ee3: '骨', 0x2ee4: '鬼', 0x2ee5: '鱼', 0x2ee6: '鸟', 0x2ee7: '卤', 0x2ee8: '麦', 0x2ee9: '黄',
  0x2eea: '黾', 0x2eeb: '斉', 0x2eec: '齐', 0x2eee: '齿', 0x2eef: '竜', 0x2ef0: '龙', 0x2ef1: '龜', 0x2ef2: '亀',
  0x2ef3: '龟',
};

/**
 * Kangxi radicals whose Simplified Chinese glyph is not their NFKC target: ⼾ (NFKC 戶) is drawn as 户 by SC fonts,
 * so a `门⼾网站` in a Chromium-printed PDF meant 门户.
 */
const KANGXI_SIMPLIFIED: Record<number, string> = { 0x2f3e: '户' };

/**
 * Kangxi radicals and CJK compatibility ideographs → unified ideographs. Fonts that share one glyph between a
 * radical and its ideograph make ToUnicode maps pick the radical (Chromium prints `⼯作` for `工作`). NFKC is
 * applied to those code points only: on the whole text it would also turn `（：` into ASCII.
 */
export function unifyIdeographs(text: string): string {
  return text.replace(/[\u2e80-\u2fdf\uf900-\ufaff\u{2f800}-\u{2fa1f}]/gu, (ch) => {
    const cp = ch.codePointAt(0)!;
    if (cp < 0x2f00) return RADICALS_SUPPLEMENT[cp] ?? ch;
    return KANGXI_SIMPLIFIED[cp] ?? ch.normalize('NFKC');
  });
}

const CJK = /[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f\u{20000}-\u{2ffff}]/u;
export const isCjk = (ch: string | undefined): boolean => !!ch && CJK.test(ch);

/**
 * Joins two pieces of one logical text (wrapped lines): nothing between CJK, a space between Latin words,
 * nothing inside a number a narrow cell broke over two lines.
 */
export function joinPieces(a: string, b: string): string {
  if (!a) return b;
  if (!b) return a;
  const last = [...a].pop();
  const first = [...b][0];
  // Two codes on two lines ("4-1-2-2" / "4-1-2-3") stay two codes.
  if (/\d-\s*\d+$/.test(a) && /^\d+\s*-/.test(b)) return `${a} ${b}`;
  if (/\s$/.test(a) || /^\s/.test(b) || isCjk(last) || isCjk(first) || (/\d/.test(last!) && /\d/.test(first!))) return a + b;
  return `${a} ${b}`;
}

export const centreY = (r: Run): number => r.y + r.size * 0.35;
export const runRight = (r: Run): number => r.x + r.w;

/** Clusters runs into lines by baseline (tolerance relative to the font size), top to bottom, left to right. */
export function toLines(runs: Run[]): Line[] {
  const sorted = [...runs].sort((a, b) => centreY(b) - centreY(a) || a.x - b.x);
  const lines: { runs: Run[]; cy: number; size: number }[] = [];
  for (const run of sorted) {
    const cy = centreY(run);
    let target: (typeof lines)[number] | undefined;
    for (let i = lines.length - 1; i >= 0 && i >= lines.length - 3; i--) {
      const l = lines[i]!;
      if (Math.abs(l.cy - cy) <= 0.45 * Math.max(l.size, run.size)) {
        target = l;
        break;
      }
    }
    if (target) {
      target.runs.push(run);
      target.size = Math.max(target.size, run.size);
    } else lines.push({ runs: [run], cy, size: run.size });
  }
  return lines.map((l) => {
    const rs = dedupe(l.runs.sort((a, b) => a.x - b.x));
    return {
      runs: rs,
      y: rs[0]!.y,
      x: rs[0]!.x,
      right: Math.max(...rs.map(runRight)),
      size: l.size,
    };
  });
}

/** Drops runs drawn twice at (almost) the same place: fake bold and shadowed text. */
function dedupe(runs: Run[]): Run[] {
  const out: Run[] = [];
  for (const r of runs) {
    const dup = out.some((o) => o.text === r.text && Math.abs(o.x - r.x) < 1.5 && Math.abs(o.y - r.y) < 1.5);
    if (!dup) out.push(r);
  }
  return out;
}

/** The text of one line: runs in x order, a space where Latin runs stand apart. */
export function lineText(line: Line | Run[]): string {
  const runs = Array.isArray(line) ? line : line.runs;
  let out = '';
  let prev: Run | undefined;
  for (const r of runs) {
    if (!prev) out = r.text;
    else {
      const gap = r.x - runRight(prev);
      const cjk = isCjk([...out].pop()) || isCjk([...r.text][0]);
      // A space between CJK words shows only as a gap (an eighth of an em or more); runs split by a font change touch.
      const spaced = gap > (cjk ? 0.12 : 0.18) * Math.max(r.size, prev.size);
      out += spaced && !/\s$/.test(out) ? ` ${r.text}` : r.text;
    }
    prev = r;
  }
  return out.trim();
}

/** The text of stacked lines (a wrapped cell or paragraph): CJK joined directly, Latin with a space. */
export function linesText(lines: Line[]): string {
  // A line that stops a character or more short of the widest one broke at a space or ended an entry (a
  // name, a list item): keep its words apart ("刘晓琳" / "何芳" → "刘晓琳 何芳", not one five-character word).
  const widest = Math.max(...lines.map((l) => l.right));
  return lines.reduce((acc, l, i) => {
    const prev = lines[i - 1];
    const text = lineText(l);
    if (prev && acc && text && !/\s$/.test(acc) && widest - prev.right > prev.size * 0.9 && /[\p{L}\p{N}]$/u.test(acc) && /^[\p{L}\p{N}]/u.test(text))
      return `${acc} ${text}`;
    return joinPieces(acc, text);
  }, '');
}

/**
 * Splits a run into per-character runs (widths shared out evenly) when it crosses one of the x boundaries:
 * a cell's text that overflows its border, or a run that pdf.js merged across a column gap.
 */
export function splitAcross(run: Run, xs: number[]): Run[] {
  const chars = [...run.text];
  if (chars.length < 2) return [run];
  const crosses = xs.some((x) => x > run.x + run.size * 0.3 && x < runRight(run) - run.size * 0.3);
  if (!crosses) return [run];
  const step = run.w / chars.length;
  return chars.map((ch, i) => ({ ...run, text: ch, x: run.x + i * step, w: step }));
}
