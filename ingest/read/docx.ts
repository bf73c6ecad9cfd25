/**
 * Word .docx: our own walk over word/document.xml with styles.xml and numbering.xml, because it is the only
 * route that keeps both the table grid (gridSpan, vMerge, gridBefore) and Word's auto-numbers (第一条, （一）).
 */
import { DOMParser, type Element as XmlElement, type Node as XmlNode } from '@xmldom/xmldom';
import type { Block, Cell, DocModel, TableBlock } from '../document.js';
import { ManualParseError } from '../record.js';
import { settleCells } from './grid.js';
import { numberLines, tableBlock } from './model.js';
import { renderMarker, type Level } from './numbering.js';
import { readZip } from './zip.js';

const ELEMENT_NODE = 1;
const PARTS = new Set(['word/document.xml', 'word/styles.xml', 'word/numbering.xml']);

function kids(el: XmlElement | null | undefined, name?: string): XmlElement[] {
  const out: XmlElement[] = [];
  if (!el) return out;
  for (let n = el.firstChild; n; n = n.nextSibling) {
    if (n.nodeType === ELEMENT_NODE && (!name || (n as XmlElement).localName === name)) out.push(n as XmlElement);
  }
  return out;
}

function kid(el: XmlElement | null | undefined, name: string): XmlElement | undefined {
  return kids(el, name)[0];
}

function attr(el: XmlElement | null | undefined, name: string): string | undefined {
  if (!el) return undefined;
  const attrs = el.attributes;
  for (let i = 0; i < attrs.length; i++) {
    const a = attrs.item(i)!;
    if (a.localName === name) return a.value;
  }
  return undefined;
}

function intVal(el: XmlElement | null | undefined): number | undefined {
  const v = attr(el, 'val');
  if (v === undefined) return undefined;
  const n = parseInt(v, 10);
  return Number.isNaN(n) ? undefined : n;
}

/** An on/off property: present without val, or val true/1/on. */
function isOn(el: XmlElement | undefined): boolean {
  if (!el) return false;
  const v = attr(el, 'val');
  return v === undefined || !['0', 'false', 'off'].includes(v);
}

function parseXml(file: string, bytes: Uint8Array | undefined, part: string): XmlElement | null {
  if (!bytes) return null;
  try {
    const doc = new DOMParser({
      // Line/column tracking costs about a third of the parse time and we report no positions.
      locator: false,
      onError: (level, msg) => {
        if (level === 'fatalError') throw new Error(msg);
      },
    }).parseFromString(new TextDecoder('utf-8').decode(bytes), 'text/xml');
    return doc.documentElement as XmlElement | null;
  } catch (err) {
    throw new ManualParseError(file, `Word 文件内部的 ${part} 已损坏（${(err as Error).message.slice(0, 80)}），请在 Word/WPS 中打开后重新另存为 .docx`);
  }
}

interface StyleInfo {
  name: string;
  basedOn?: string;
  outlineLvl?: number;
  numId?: string;
  ilvl?: number;
}

function readStyles(root: XmlElement | null): Map<string, StyleInfo> {
  const styles = new Map<string, StyleInfo>();
  for (const s of kids(root, 'style')) {
    const id = attr(s, 'styleId');
    if (!id) continue;
    const pPr = kid(s, 'pPr');
    const numPr = kid(pPr, 'numPr');
    styles.set(id, {
      name: attr(kid(s, 'name'), 'val') ?? id,
      basedOn: attr(kid(s, 'basedOn'), 'val'),
      outlineLvl: intVal(kid(pPr, 'outlineLvl')),
      numId: attr(kid(numPr, 'numId'), 'val'),
      ilvl: intVal(kid(numPr, 'ilvl')),
    });
  }
  return styles;
}

interface NumDef {
  abstractId: string;
  levels: (Level | undefined)[];
  /** Counters are shared by the nums of one abstractNum unless a num restarts them. */
  counterKey: string;
}

function readLevel(lvl: XmlElement, base?: Level): Level {
  return {
    start: intVal(kid(lvl, 'start')) ?? base?.start ?? 1,
    numFmt: attr(kid(lvl, 'numFmt'), 'val') ?? base?.numFmt ?? 'decimal',
    lvlText: attr(kid(lvl, 'lvlText'), 'val') ?? base?.lvlText ?? '',
    isLgl: kid(lvl, 'isLgl') ? isOn(kid(lvl, 'isLgl')) : (base?.isLgl ?? false),
  };
}

function readNumbering(root: XmlElement | null): Map<string, NumDef> {
  const abstract = new Map<string, (Level | undefined)[]>();
  for (const a of kids(root, 'abstractNum')) {
    const levels: (Level | undefined)[] = [];
    for (const lvl of kids(a, 'lvl')) levels[Number(attr(lvl, 'ilvl') ?? 0)] = readLevel(lvl);
    abstract.set(attr(a, 'abstractNumId') ?? '', levels);
  }
  const nums = new Map<string, NumDef>();
  for (const n of kids(root, 'num')) {
    const numId = attr(n, 'numId') ?? '';
    const abstractId = attr(kid(n, 'abstractNumId'), 'val') ?? '';
    const levels = [...(abstract.get(abstractId) ?? [])];
    let restarts = false;
    for (const o of kids(n, 'lvlOverride')) {
      const ilvl = Number(attr(o, 'ilvl') ?? 0);
      const lvl = kid(o, 'lvl');
      if (lvl) levels[ilvl] = readLevel(lvl, levels[ilvl]);
      const start = intVal(kid(o, 'startOverride'));
      if (start !== undefined) {
        levels[ilvl] = { ...(levels[ilvl] ?? { numFmt: 'decimal', lvlText: `%${ilvl + 1}.`, isLgl: false, start }), start };
        restarts = true;
      }
    }
    nums.set(numId, { abstractId, levels, counterKey: restarts ? `num:${numId}` : `abs:${abstractId}` });
  }
  return nums;
}

interface Para {
  text: string;
  marker?: string;
  heading?: number;
  title: boolean;
}

class DocxWalker {
  readonly body: Block[] = [];
  readonly warnings: string[] = [];
  title?: string;
  private tables = 0;
  private counters = new Map<string, number[]>();

  constructor(
    private readonly styles: Map<string, StyleInfo>,
    private readonly nums: Map<string, NumDef>,
  ) {}

  private styleChain(id: string | undefined): StyleInfo[] {
    const chain: StyleInfo[] = [];
    const seen = new Set<string>();
    while (id && !seen.has(id)) {
      seen.add(id);
      const s = this.styles.get(id);
      if (!s) break;
      chain.push(s);
      id = s.basedOn;
    }
    return chain;
  }

  /** Heading level from the paragraph's own outline level, else its style's name or outline level. */
  private headingLevel(pPr: XmlElement | undefined, chain: StyleInfo[]): { level?: number; title: boolean } {
    const own = intVal(kid(pPr, 'outlineLvl'));
    if (own !== undefined) return { level: own >= 0 && own < 9 ? own + 1 : undefined, title: false };
    for (const s of chain) {
      const m = /^(?:heading|标题)\s*([1-9])$/i.exec(s.name.trim());
      if (m) return { level: Number(m[1]), title: false };
      if (/^(title|标题)$/i.test(s.name.trim())) return { level: 1, title: true };
      if (s.outlineLvl !== undefined) return { level: s.outlineLvl >= 0 && s.outlineLvl < 9 ? s.outlineLvl + 1 : undefined, title: false };
    }
    return { title: false };
  }

  private marker(pPr: XmlElement | undefined, chain: StyleInfo[]): string | undefined {
    const numPr = kid(pPr, 'numPr');
    let numId = attr(kid(numPr, 'numId'), 'val');
    let ilvl = intVal(kid(numPr, 'ilvl'));
    if (numId === undefined) {
      const styled = chain.find((s) => s.numId !== undefined);
      numId = styled?.numId;
      ilvl ??= styled?.ilvl;
    }
    if (numId === undefined || numId === '0') return undefined;
    const def = this.nums.get(numId);
    if (!def) return undefined;
    const level = Math.max(0, Math.min(8, ilvl ?? 0));
    let counters = this.counters.get(def.counterKey);
    if (!counters) this.counters.set(def.counterKey, (counters = []));
    counters[level] = counters[level] === undefined ? (def.levels[level]?.start ?? 1) : counters[level]! + 1;
    for (let k = level + 1; k < counters.length; k++) delete counters[k];
    for (let k = 0; k < level; k++) counters[k] ??= def.levels[k]?.start ?? 1;
    return renderMarker(def.levels, counters, level) ?? undefined;
  }

  /** Text of a paragraph's runs: tracked insertions kept, deletions and field codes left out. */
  private runText(node: XmlElement, inCell: boolean, boxes: XmlElement[]): string {
    let out = '';
    for (let n: XmlNode | null = node.firstChild; n; n = n.nextSibling) {
      if (n.nodeType !== ELEMENT_NODE) continue;
      const el = n as XmlElement;
      switch (el.localName) {
        case 't':
          out += el.textContent ?? '';
          break;
        case 'tab':
        case 'ptab':
          out += inCell ? ' ' : '\t';
          break;
        case 'br':
        case 'cr':
          out += '\n';
          break;
        case 'noBreakHyphen':
          out += '-';
          break;
        case 'txbxContent':
          boxes.push(el);
          break;
        case 'pPr':
        case 'rPr':
        case 'del':
        case 'delText':
        case 'moveFrom':
        case 'instrText':
        case 'delInstrText':
        case 'fldData':
        case 'Fallback':
        case 'tbl':
          break;
        default:
          out += this.runText(el, inCell, boxes);
      }
    }
    return out;
  }

  private paragraph(p: XmlElement, inCell: boolean, boxes: XmlElement[]): Para {
    const pPr = kid(p, 'pPr');
    const chain = this.styleChain(attr(kid(pPr, 'pStyle'), 'val'));
    const marker = this.marker(pPr, chain);
    const { level, title } = this.headingLevel(pPr, chain);
    return { text: this.runText(p, inCell, boxes), marker, heading: level, title };
  }

  /** Walks a body-like container (the body, a text box, a content control) in order. */
  walkContainer(container: XmlElement): void {
    for (const el of kids(container)) {
      switch (el.localName) {
        case 'p': {
          const boxes: XmlElement[] = [];
          const para = this.paragraph(el, false, boxes);
          boxes.forEach((b) => this.walkContainer(b));
          this.emitPara(para);
          break;
        }
        case 'tbl':
          this.table(el).forEach((t) => this.body.push(t));
          break;
        case 'sdt':
          this.walkContainer(kid(el, 'sdtContent') ?? el);
          break;
        case 'customXml':
        case 'ins':
        case 'moveTo':
          this.walkContainer(el);
          break;
        case 'altChunk':
          this.warnings.push('文档中有嵌入的外部内容（altChunk），未读取；请在 Word 中另存为 .docx 后再上传');
          break;
        default:
          break;
      }
    }
  }

  private emitPara(para: Para): void {
    const lines = para.text.split('\n').map((l) => l.replace(/\s+$/, ''));
    let first = true;
    for (const line of lines) {
      if (!line.trim() && !(first && para.marker)) continue;
      const block: Block = para.heading
        ? { kind: 'heading', text: line.trim() ? line : '', level: para.heading, prov: { line: 0 } }
        : { kind: 'para', text: line, prov: { line: 0 } };
      if (first && para.marker) block.marker = para.marker;
      if (first && para.title && !this.title) this.title = line.trim();
      this.body.push(block);
      first = false;
    }
  }

  /** A cell's paragraphs joined by "\n" (auto-numbers rendered in front); nested tables go to `nested`. */
  private cellText(tc: XmlElement, nested: XmlElement[]): string {
    const lines: string[] = [];
    const walk = (container: XmlElement) => {
      for (const el of kids(container)) {
        if (el.localName === 'p') {
          const boxes: XmlElement[] = [];
          const para = this.paragraph(el, true, boxes);
          const text = para.marker ? `${para.marker}${/[、．.]$/.test(para.marker) ? '' : ' '}${para.text}` : para.text;
          lines.push(...text.split('\n'));
          boxes.forEach(walk);
        } else if (el.localName === 'tbl') nested.push(el);
        else if (el.localName === 'sdt') walk(kid(el, 'sdtContent') ?? el);
        else if (el.localName === 'customXml' || el.localName === 'ins') walk(el);
      }
    };
    walk(tc);
    return lines
      .map((l) => l.trim())
      .filter(Boolean)
      .join('\n');
  }

  /** The table, then the tables nested in its cells (each after its parent). */
  private table(tbl: XmlElement): TableBlock[] {
    const rowsOf = (container: XmlElement): XmlElement[] =>
      kids(container).flatMap((el) =>
        el.localName === 'tr' ? [el] : el.localName === 'sdt' ? rowsOf(kid(el, 'sdtContent') ?? el) : el.localName === 'customXml' ? rowsOf(el) : [],
      );
    const cellsOf = (container: XmlElement): XmlElement[] =>
      kids(container).flatMap((el) =>
        el.localName === 'tc' ? [el] : el.localName === 'sdt' ? cellsOf(kid(el, 'sdtContent') ?? el) : el.localName === 'customXml' ? cellsOf(el) : [],
      );
    const trs = rowsOf(tbl);
    const gridCols = kids(kid(tbl, 'tblGrid'), 'gridCol').length;
    const cells: Cell[] = [];
    const nested: XmlElement[] = [];
    /** Open vertical merges by starting column. */
    const open = new Map<number, Cell>();
    let headerRows = 0;
    let headerRun = true;
    let width = gridCols;
    trs.forEach((tr, r) => {
      const trPr = kid(tr, 'trPr');
      if (headerRun && isOn(kid(trPr, 'tblHeader'))) headerRows++;
      else headerRun = false;
      let c = intVal(kid(trPr, 'gridBefore')) ?? 0;
      let last: Cell | undefined;
      for (const tc of cellsOf(tr)) {
        const tcPr = kid(tc, 'tcPr');
        const span = Math.max(1, intVal(kid(tcPr, 'gridSpan')) ?? 1);
        const vMerge = kid(tcPr, 'vMerge');
        const hMerge = kid(tcPr, 'hMerge');
        const text = this.cellText(tc, nested);
        if (hMerge && attr(hMerge, 'val') !== 'restart' && last) {
          last.colSpan += span;
          c += span;
          continue;
        }
        // A vMerge without val="restart" continues the merge above (ECMA-376 §17.4.85).
        if (vMerge && attr(vMerge, 'val') !== 'restart') {
          const anchor = open.get(c);
          if (anchor && anchor.r + anchor.rowSpan === r) {
            anchor.rowSpan++;
            if (!anchor.text && text) anchor.text = text;
            c += span;
            last = undefined;
            continue;
          }
        }
        const cell: Cell = { text, r, c, rowSpan: 1, colSpan: span };
        cells.push(cell);
        for (const k of [...open.keys()]) if (k >= c && k < c + span) open.delete(k);
        if (vMerge) open.set(c, cell);
        last = cell;
        c += span;
      }
      width = Math.max(width, c);
    });
    if (trs.length === 0) return nested.flatMap((t) => this.table(t));
    const n = ++this.tables;
    const block = tableBlock(settleCells(cells, trs.length, Math.max(1, width)), (r) => `表${n} 第${r + 1}行`, { headerRows });
    return [block, ...nested.flatMap((t) => this.table(t))];
  }
}

export function readDocx(file: string, bytes: Uint8Array): DocModel {
  const { parts } = readZip(file, bytes, (name) => PARTS.has(name), 'Word 文件');
  const main = parts.get('word/document.xml');
  if (!main) throw new ManualParseError(file, '压缩包里没有 word/document.xml，不是有效的 Word 文档；请在 Word/WPS 中另存为 .docx 后再上传');
  const root = parseXml(file, main, 'document.xml');
  const styles = readStyles(parseXml(file, parts.get('word/styles.xml'), 'styles.xml'));
  const nums = readNumbering(parseXml(file, parts.get('word/numbering.xml'), 'numbering.xml'));
  const walker = new DocxWalker(styles, nums);
  const body = kid(root, 'body');
  if (!body) throw new ManualParseError(file, 'Word 文档没有正文（document.xml 中缺少 w:body），请在 Word/WPS 中重新另存为 .docx');
  walker.walkContainer(body);
  return { file, format: 'docx', title: walker.title, body: numberLines(walker.body), warnings: walker.warnings };
}
