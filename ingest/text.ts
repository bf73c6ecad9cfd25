/** Cleaning helpers for PDF-to-text manual cells. */

const CN_DIGITS: Record<string, number> = { 一: 1, 二: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9, 十: 10 };

/** "十六" → 16, "二十" → 20, "五" → 5. */
export function chineseNumeral(text: string): number | null {
  if (!/^[一二三四五六七八九十]+$/.test(text)) return null;
  if (text === '十') return 10;
  const tenAt = text.indexOf('十');
  if (tenAt < 0) return CN_DIGITS[text] ?? null;
  const tens = tenAt === 0 ? 1 : (CN_DIGITS[text.slice(0, tenAt)] ?? 0);
  const ones = tenAt === text.length - 1 ? 0 : (CN_DIGITS[text.slice(tenAt + 1)] ?? 0);
  return tens * 10 + ones;
}

/** The ordinal a work item starts with ("三、档案借阅审批" → 3), or null. */
export function itemOrdinal(item: string): number | null {
  const m = /^\s*([一二三四五六七八九十]+)\s*[、.．]/.exec(item);
  return m ? chineseNumeral(m[1]!) : null;
}

/** Drops HTML tags, turning list items and paragraphs into line breaks. */
export function stripHtml(cell: string): string {
  // Most cells hold no markup, entity, tab, ideographic space, line break or double space: nothing to replace.
  if (!/[<&\t\u3000\n]| {2}/.test(cell)) return cell.trim();
  return cell
    .replace(/<\s*(li|p|br)\b[^>]*>/gi, '\n')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&nbsp;/g, ' ')
    .replace(/[ \t\u3000]+/g, ' ')
    .replace(/ *\n[ \n]*/g, '\n')
    .trim();
}

/** A cell as one line of clean text. */
export function cleanCell(cell: string | undefined): string {
  return stripHtml(cell ?? '').replace(/\n/g, ' ').trim();
}

/**
 * Splits a duties / responsibilities cell into its entries. Entries are numbered ("1.", "2、", "3，"),
 * separated by list markup, or by "；". Numbering is dropped.
 */
export function splitEntries(cell: string): string[] {
  const text = stripHtml(cell);
  const out: string[] = [];
  for (const block of text.split('\n')) {
    const parts = block
      .split(/(?:^|\s|(?<=[。；;]))(?=\d{1,2}\s*[.、，,．]\s*[^\d])/)
      .flatMap((p) => p.split(/[；;]\s*/))
      .flatMap((p) => p.split(/(?<=。)\s+(?=\S)/));
    for (const p of parts) {
      const entry = p.replace(/^\s*\d{1,2}\s*[.、，,．]\s*/, '').replace(/\s+/g, ' ').trim();
      if (entry && !/^[。；;，,、\s]+$/.test(entry)) out.push(entry);
    }
  }
  return out;
}

/**
 * Names as printed in a person cell. PDF justification spreads names ("何 芳", "何 芳 刘 平 陈 立"):
 * runs of single characters are rejoined two by two (a run of three is one three-character name).
 */
export function splitNames(cell: string | undefined): string[] {
  const tokens = cleanCell(cell)
    .split(/[\s、，,；;]+/)
    .map((t) => t.trim())
    .filter(Boolean);
  const names: string[] = [];
  let run: string[] = [];
  const flush = () => {
    while (run.length > 0) {
      const take = run.length === 3 ? 3 : Math.min(2, run.length);
      names.push(run.splice(0, take).join(''));
    }
  };
  for (const t of tokens) {
    if ([...t].length === 1) run.push(t);
    else {
      flush();
      names.push(t);
    }
  }
  flush();
  return names.filter((n) => /^[\u4e00-\u9fa5·]{2,4}$/.test(n));
}

/** Removes every space inside CJK text ("何  芳" → "何芳"). */
export function squeezeCjk(text: string): string {
  return text.replace(/(?<=[\u4e00-\u9fa5])\s+(?=[\u4e00-\u9fa5])/g, '');
}

/** Post cell normalised: "综合岗2: 档案…岗" → "综合岗2：档案…岗". */
export function normalisePost(cell: string | undefined): string {
  return cleanCell(cell)
    .replace(/\s*[:：]\s*/, '：')
    .replace(/\s+/g, '')
    .trim();
}

/** Work item normalised: trailing "。" dropped, spaces folded. */
export function normaliseItem(cell: string | undefined): string {
  return cleanCell(cell).replace(/[。.\s]+$/, '').replace(/\s+/g, ' ');
}

export const FLOW_CODE = /^\d{1,2}(?:-\d{1,2})+$/;

/** "详见 07-2-1 07-2-2" → ["07-2-1", "07-2-2"]. */
export function flowCodes(cell: string | undefined): string[] {
  // A code wrapped at its hyphen ("09-" / "2-1" on two lines of a cell) is one code.
  const text = cleanCell(cell).replace(/详见/g, ' ').replace(/(\d)\s*-\s*(?=\d)/g, '$1-');
  return text.split(/[\s,，、;；]+/).filter((t) => FLOW_CODE.test(t));
}

/** True where the cell holds nothing but flow codes. */
export function isFlowCodeCell(cell: string | undefined): boolean {
  const text = cleanCell(cell).replace(/详见/g, ' ').replace(/(\d)\s*-\s*(?=\d)/g, '$1-').trim();
  return text.length > 0 && text.split(/\s+/).every((t) => FLOW_CODE.test(t));
}

const NUMERIC_LIMIT = /((?:\d+|[一二三四五六七八九十]+)\s*个?\s*(?:工作日|自然日|日|天|个月|小时)内?)/;
const STATUTORY_LIMIT = /在?法定(?:期限|时限)内(?:办结|完成|作出决定|办理)?/;
// Immediacy words count only with the act they time ("立即受理", "当场告知", "当日办结"), or 即办 alone.
const WORD_LIMIT =
  /(?:立即|当场|即时|当日|当天)(?:予以|进行|作出)?(?:受理|办理|办结|答复|告知|出具|核发|发放|处理|登记|审核|审查|决定|送达|转办|转报|上报|报告|移交|作出决定)|即来即办|即办件?|即时办结/;

/**
 * The time limits a row states, as printed and joined with "；": "受理、审查5个工作日" → "5个工作日";
 * "在法定时限内办结"; "齐全、符合法定形式的，立即受理" → "立即受理". Vague words ("及时", "尽快") are no limit.
 */
export function extractTimeLimit(texts: string[]): string | null {
  const found: string[] = [];
  const add = (phrase: string) => {
    const p = phrase.replace(/\s+/g, '');
    if (!found.some((f) => f.includes(p) || p.includes(f))) found.push(p);
  };
  for (const t of texts) {
    const m = NUMERIC_LIMIT.exec(t);
    if (m && /时限|内|办结|审查|受理|办理|完成|答复|告知/.test(t)) add(m[1]!);
  }
  for (const t of texts) {
    const m = WORD_LIMIT.exec(t.replace(/\s+/g, ''));
    if (m) add(m[0]);
  }
  for (const t of texts) {
    const m = STATUTORY_LIMIT.exec(t.replace(/\s+/g, ''));
    if (m) add(m[0].startsWith('在') ? m[0] : `在${m[0]}`);
  }
  return found.length > 0 ? found.slice(0, 3).join('；') : null;
}

/** A number written in digits or in Chinese ("15", "十五"), or null. */
export function anyNumeral(text: string): number | null {
  return /^\d+$/.test(text) ? Number(text) : chineseNumeral(text);
}

/** The days a time limit counts ("5个工作日" → 5 working days, "十日" → 10 calendar days), or null. */
export function limitDays(limit: string | null): { days: number; working: boolean } | null {
  const m = limit ? /(\d+|[一二三四五六七八九十]+)\s*个?(工作日|日|天)/.exec(limit) : null;
  const days = m ? anyNumeral(m[1]!) : null;
  return days === null ? null : { days, working: m![2] === '工作日' };
}

/** Working days in a time limit ("5个工作日" → 5), or null. */
export function workingDays(limit: string | null): number | null {
  const d = limitDays(limit);
  return d?.working ? d.days : null;
}

const NOT_A_STEP = new Set(['时限', '其他', '其它', '保密']);

const RESPONSIBILITY_LABEL = /^([\u4e00-\u9fa5、]{1,16}?)的?(?:责任|职责)\s*[:：。.]\s*/;

/** A step named by the text of a responsibility: its first clause, cut to a readable length. */
export function shortStep(text: string, max = 24): string {
  const clauses = text
    .replace(/\s+/g, ' ')
    .split(/[，,。；;：:！!？?]/)
    .map((c) => c.trim())
    .filter(Boolean);
  let step = clauses[0] ?? '';
  // A lead-in too short to say anything ("及时", "对于…") takes the next clause with it.
  for (let i = 1; i < clauses.length && [...step].length < 8; i++) step = `${step}，${clauses[i]}`;
  const chars = [...step];
  if (chars.length <= max) return step;
  // Cut after a whole listed term ("…申请、购买…" → "…申请…") where one ends late enough to say something.
  const head = chars.slice(0, max - 1).join('');
  const at = Math.max(head.lastIndexOf('、'), head.lastIndexOf('-'));
  return `${at >= 10 ? head.slice(0, at) : head}…`;
}

/**
 * Ordered step names from numbered responsibilities ("1. 受理责任: …" → "受理"), used where the
 * chart image is gone and the row has no arrow text. Where responsibilities share their labels ("落实责任"
 * three times, "管理、落实、落实") the labels say nothing about the order, so each step is named by its own text.
 * A single responsibility is no sequence: no steps.
 */
export function stepsFromResponsibilities(entries: string[]): string[] {
  const parsed = entries.map((e) => {
    const text = e.trim().replace(/^\d{1,2}\s*[.、，,．]\s*/, '');
    const m = RESPONSIBILITY_LABEL.exec(text);
    return { label: m ? m[1]!.replace(/的$/, '') : null, rest: m ? text.slice(m[0].length).trim() : text };
  });
  const kept = parsed.filter((p) => !(p.label && NOT_A_STEP.has(p.label)));
  const labels = kept.map((p) => p.label).filter((l): l is string => l !== null);
  if (labels.length === 0) return [];
  const distinct = new Set(labels).size;
  const duplicates = labels.length - distinct;
  const labelsSayLittle = duplicates > 0 && (distinct < 3 || duplicates * 3 > labels.length);
  const raw = labelsSayLittle ? kept.map((p) => shortStep(p.rest || p.label || '')) : labels;
  const steps: string[] = [];
  for (const s of raw) if (s && !steps.includes(s)) steps.push(s);
  return steps.length >= 2 ? steps : [];
}

/** Steps of one arrow chain: "A→B→C。" → [A, B, C]. */
export function arrowSteps(chain: string): string[] {
  return chain
    .split(/\s*(?:→|->|—>)\s*/)
    .map((s) => s.replace(/^[\s:：;；,，。]+|[\s:：;；,，。]+$/g, '').trim())
    .filter(Boolean);
}

/**
 * Duty or responsibility entries as one sentence: each entry's own closing punctuation is dropped and
 * the entries are joined with "；", so no "。；", "；；" or "。。" appears; the text ends with "。".
 * Self-contained (no outside names): the web console embeds its source in the page script.
 */
export const joinDuties = (list: readonly string[]): string => {
  const parts = list
    .map((d) => d.replace(/\s+/g, ' ').replace(/^[\s。；;，,、]+|[\s。；;，,、]+$/g, '').replace(/([。；;，,、])[。；;，,、]+/g, '$1'))
    .filter((d) => d.length > 0);
  return parts.length > 0 ? `${parts.join('；')}。` : '';
};
