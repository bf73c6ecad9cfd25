/**
 * Numbering families of Chinese official documents (GB/T 9704 order: 一、 > （一） > 1. > （1））, plus
 * 第X章/节/条 and circled digits. Level 0 is a chapter, `article` an article of a regulation.
 */
export type Marker = { level: number; article: boolean; marker: string; rest: string };

const FAMILIES: { re: RegExp; level: number; article?: boolean }[] = [
  { re: /^(第[一二三四五六七八九十百零〇\d]+[章节编部分])\s*/, level: 0 },
  { re: /^(第[一二三四五六七八九十百零〇\d]+条)\s*/, level: 1, article: true },
  { re: /^([一二三四五六七八九十]{1,3}\s*[、.．])\s*/, level: 1 },
  { re: /^([（(]\s*[一二三四五六七八九十]{1,3}\s*[)）])\s*[、.．]?\s*/, level: 2 },
  { re: /^(\d{1,2}\s*[.、．](?!\d))\s*/, level: 3 },
  { re: /^([（(]\s*\d{1,2}\s*[)）])\s*/, level: 4 },
  { re: /^([①-⑳])\s*/, level: 5 },
];

/** The numbering a line starts with, or null. A cross-reference ("1.的规定") is not numbering. */
export function markerOf(line: string): Marker | null {
  const t = line.trim();
  for (const f of FAMILIES) {
    const m = f.re.exec(t);
    if (!m) continue;
    const rest = t.slice(m[0].length);
    if (!rest || /^(?:的|规定|所述|中|之|至|和|或)/.test(rest)) return null;
    return { level: f.level, article: f.article ?? false, marker: m[1]!.replace(/\s+/g, ''), rest };
  }
  return null;
}

/** A line that reads as a heading: short, no sentence inside, or ending in a colon. */
export function headingLike(text: string): boolean {
  const t = text.trim();
  if (!t) return false;
  if (/[:：]$/.test(t) && [...t].length <= 30) return true;
  return [...t].length <= 26 && !/[。；;，,]/.test(t.replace(/[。]$/, '').slice(0, -1)) && !/[。；;]$/.test(t);
}
