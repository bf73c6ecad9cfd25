/**
 * PDF reader: pdf.js text runs and ruling lines → paragraphs and tables (lattice first, stream second),
 * page furniture dropped, tables continued over a page break stitched into one.
 */
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import type { Block, Cell, DocModel, Prov, TableBlock, TextBlock } from '../document.js';
import { ManualParseError } from '../record.js';
import { type Grid, type Matrix, type OpCodes, apply, collectRulings, findGrids, multiply } from './pdfLattice.js';
import { type Line, type Run, centreY, joinPieces, lineText, linesText, runRight, splitAcross, toLines, unifyIdeographs } from './pdfRuns.js';
import { findStreamTables } from './pdfStream.js';

type PdfJs = typeof import('pdfjs-dist/legacy/build/pdf.mjs');

let pdfjsPromise: Promise<{ pdfjs: PdfJs; assets: string }> | undefined;

/** pdf.js runs its "worker" on the main thread in Node: hand it the worker module up front. */
function loadPdfJs(): Promise<{ pdfjs: PdfJs; assets: string }> {
  pdfjsPromise ??= (async () => {
    const g = globalThis as { pdfjsWorker?: unknown };
    const workerModule = 'pdfjs-dist/legacy/build/pdf.worker.mjs';
    g.pdfjsWorker ??= await import(workerModule);
    const pdfjs = await import('pdfjs-dist/legacy/build/pdf.mjs');
    const assets = dirname(createRequire(import.meta.url).resolve('pdfjs-dist/package.json'));
    return { pdfjs, assets };
  })();
  return pdfjsPromise;
}

/** A table as found on one page, with what stitching needs. */
interface PageTable {
  kind: 'table';
  top: number;
  page: number;
  xs: number[];
  openTop: boolean;
  openBottom: boolean;
  block: TableBlock;
  /** Per row, what a tagged PDF says its text is: all header cells, all data cells, or nothing known. */
  rowTags: ('th' | 'td' | undefined)[];
}

interface PageText {
  kind: 'text';
  top: number;
  page: number;
  block: TextBlock;
}

type PageItem = PageTable | PageText;

interface PageScan {
  page: number;
  /** The page box's lower and upper y. */
  bottom: number;
  top: number;
  tables: PageTable[];
  lines: Line[];
  chars: number;
}


const SCAN_CHARS = 5;

export async function readPdf(file: string, bytes: Uint8Array): Promise<DocModel> {
  const { pdfjs, assets } = await loadPdfJs();
  const task = pdfjs.getDocument({
    // pdf.js may transfer the buffer: give it a copy so the caller's bytes stay usable.
    data: bytes.slice(),
    cMapUrl: `${assets}/cmaps/`,
    cMapPacked: true,
    standardFontDataUrl: `${assets}/standard_fonts/`,
    disableFontFace: true,
    isEvalSupported: false,
    useSystemFonts: false,
    verbosity: 0,
  });
  let doc: Awaited<typeof task.promise>;
  try {
    doc = await task.promise;
  } catch (err) {
    await task.destroy().catch(() => undefined);
    throw new ManualParseError(file, openFailure(err));
  }
  try {
    const scans: PageScan[] = [];
    const broken: string[] = [];
    for (let p = 1; p <= doc.numPages; p++) {
      try {
        scans.push(await scanPage(await doc.getPage(p), p, pdfjs.OPS as unknown as OpCodes));
      } catch (err) {
        // One damaged page should not cost the rest of the document.
        broken.push(`第${p}页无法解析（${(err as Error)?.message ?? String(err)}），已跳过`);
      }
    }
    if (scans.length === 0) throw new ManualParseError(file, `PDF 的页面都无法解析，文件可能已损坏。${broken[0] ?? ''}`);
    const model = assemble(file, scans);
    model.warnings.unshift(...broken);
    return model;
  } catch (err) {
    if (err instanceof ManualParseError) throw err;
    throw new ManualParseError(file, `PDF 内容无法解析（文件可能已损坏）：${(err as Error)?.message ?? String(err)}`);
  } finally {
    await doc.destroy().catch(() => undefined);
  }
}

function openFailure(err: unknown): string {
  const name = (err as { name?: string })?.name ?? '';
  if (name === 'PasswordException') return 'PDF 已加密，需要密码才能打开，无法读取。请提供未加密的文件，或原始的 Word/Excel 文件。';
  if (name === 'InvalidPDFException') return '文件不是有效的 PDF，或已损坏，无法读取。请重新导出 PDF，或提供原始的 Word/Excel 文件。';
  return `PDF 无法打开（文件可能已损坏）：${(err as Error)?.message ?? String(err)}`;
}

type PdfPage = Awaited<ReturnType<Awaited<ReturnType<PdfJs['getDocument']>['promise']>['getPage']>>;

async function scanPage(page: PdfPage, pageNo: number, OPS: OpCodes): Promise<PageScan> {
  // Work on the page as displayed (its /Rotate applied), y up from the bottom edge.
  const viewport = page.getViewport({ scale: 1 });
  const upright = multiply(viewport.transform as Matrix, [1, 0, 0, -1, 0, viewport.height]);
  const bottom = 0;
  const top = viewport.height;
  const content = await page.getTextContent({ includeMarkedContent: true });
  const runs: Run[] = [];
  let chars = 0;
  // Marked-content ids around each run: in a tagged PDF they tie the run to a structure element (TH, TD, P…).
  const open: (string | null)[] = [];
  const runIds: (string | null)[] = [];
  for (const item of content.items) {
    if (!('str' in item)) {
      if (item.type === 'endMarkedContent') open.pop();
      else if (item.type.startsWith('beginMarkedContent')) open.push(item.id ?? null);
      continue;
    }
    if (!item.str || !item.str.trim()) continue;
    const t = multiply(item.transform as Matrix, upright);
    const size = Math.hypot(t[2], t[3]) || Math.hypot(t[0], t[1]) || item.height || 10;
    const text = unifyIdeographs(item.str);
    chars += text.replace(/\s/g, '').length;
    const [x, y] = apply(upright, item.transform[4] as number, item.transform[5] as number);
    runs.push({ text, x, y, w: item.width, size });
    let id: string | null = null;
    for (let k = open.length - 1; k >= 0 && !id; k--) id = open[k] ?? null;
    runIds.push(id);
    if (id) runs[runs.length - 1]!.tagged = true;
  }
  // A page without text is not worth its operator list: on a scan that would decode every image.
  let grids: Grid[] = [];
  if (chars >= SCAN_CHARS) {
    const ops = await page.getOperatorList();
    grids = findGrids(collectRulings(ops.fnArray, ops.argsArray, OPS, upright));
  }
  // Header cells of a tagged PDF, looked up only where there is a ruled table to tell them for.
  if (grids.length > 0 && runIds.some((id) => id)) {
    const th = await headerContent(page);
    runs.forEach((r, i) => {
      if (th.has(runIds[i]!)) r.th = true;
    });
  }
  page.cleanup();

  const tables: PageTable[] = [];
  let rest = runs;
  for (const grid of grids) {
    const { table, outside } = fillGrid(grid, rest, pageNo);
    if (!table) continue;
    tables.push(table);
    rest = outside;
  }
  return { page: pageNo, bottom, top, tables, lines: toLines(rest), chars };
}

/** Marked-content ids that sit under a TH structure element (a tagged PDF's header cells). */
async function headerContent(page: PdfPage): Promise<Set<string>> {
  const ids = new Set<string>();
  const tree = await page.getStructTree().catch(() => null);
  const walk = (node: StructNode, inTh: boolean): void => {
    if ('id' in node && node.type === 'content') {
      if (inTh) ids.add(node.id);
      return;
    }
    const th = inTh || node.role === 'TH';
    for (const child of node.children ?? []) walk(child, th);
  };
  if (tree) walk(tree as StructNode, false);
  return ids;
}

type StructNode = { role?: string; type?: string; id: string; children?: StructNode[] } | { role?: string; type?: string; children?: StructNode[] };

/** Drops each run into the grid slot holding its centre; a grid with no text or a single cell is no table. */
function fillGrid(grid: Grid, runs: Run[], page: number): { table: PageTable | null; outside: Run[] } {
  const { xs, ys } = grid;
  const rows = ys.length - 1;
  const cols = xs.length - 1;
  const inside: Run[][][] = Array.from({ length: rows }, () => Array.from({ length: cols }, () => [] as Run[]));
  const outside: Run[] = [];
  let any = false;
  for (const run of runs) {
    const cy = centreY(run);
    if (cy > ys[0]! || cy < ys[rows]! || run.x + run.w / 2 < xs[0]! || run.x + run.w / 2 > xs[cols]!) {
      outside.push(run);
      continue;
    }
    for (const piece of splitAcross(run, xs.slice(1, -1))) {
      const cx = piece.x + piece.w / 2;
      let c = 0;
      while (c + 1 < cols && cx > xs[c + 1]!) c++;
      let r = 0;
      while (r + 1 < rows && cy < ys[r + 1]!) r++;
      inside[r]![c]!.push(piece);
      any = true;
    }
  }
  if (!any || grid.anchors.length < 2) return { table: null, outside: runs };
  const owner = Array.from({ length: rows }, () => Array<number>(cols).fill(-1));
  grid.anchors.forEach((a, i) => {
    for (let r = a.r; r < a.r + a.rowSpan; r++) for (let c = a.c; c < a.c + a.colSpan; c++) owner[r]![c] = i;
  });
  const cellRuns = grid.anchors.map(() => [] as Run[]);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) cellRuns[owner[r]![c]!]!.push(...inside[r]![c]!);
  let cells: Cell[] = grid.anchors.map((a, i) => ({ text: linesText(toLines(cellRuns[i]!)), r: a.r, c: a.c, rowSpan: a.rowSpan, colSpan: a.colSpan }));
  // An open edge row with no text is only the border running on past the last rule: no row, no continuation.
  let { openTop, openBottom } = grid;
  let nRows = rows;
  let topIndex = 0;
  const emptyRow = (r: number): boolean => inside[r]!.every((slot) => slot.length === 0);
  if (openBottom && nRows > 1 && emptyRow(nRows - 1)) {
    const last = nRows - 1;
    cells = cells.filter((c) => !(c.r === last && c.rowSpan === 1)).map((c) => (c.r + c.rowSpan > last ? { ...c, rowSpan: c.rowSpan - 1 } : c));
    nRows--;
    openBottom = false;
  }
  if (openTop && nRows > 1 && emptyRow(0)) {
    cells = cells.filter((c) => !(c.r === 0 && c.rowSpan === 1)).map((c) => (c.r === 0 ? { ...c, rowSpan: c.rowSpan - 1 } : { ...c, r: c.r - 1 }));
    nRows--;
    topIndex = 1;
    openTop = false;
  }
  const block: TableBlock = {
    kind: 'table',
    rows: nRows,
    cols,
    cells,
    rowProv: Array.from({ length: nRows }, () => ({ line: 0, page })),
    prov: { line: 0, page },
  };
  const rowTags = Array.from({ length: nRows }, (_, i) => {
    const rowRuns = inside[topIndex + i]!.flat();
    if (rowRuns.length === 0 || !rowRuns.every((run) => run.tagged)) return undefined;
    return rowRuns.every((run) => run.th) ? 'th' : rowRuns.some((run) => run.th) ? undefined : 'td';
  });
  // Header rows as the source tagged them: leading rows whose text is all in TH cells.
  let header = 0;
  while (header < nRows && rowTags[header] === 'th') header++;
  if (header > 0 && header < nRows) block.headerRows = header;
  return { table: { kind: 'table', top: ys[topIndex]!, page, xs, openTop, openBottom, block, rowTags }, outside };
}

// ---- page furniture ----

const PAGE_NUMBER = [
  /^[-—–－~·•]*\d{1,4}[-—–－~·•]*$/,
  /^第\d+页([,，/／]?共\d+页)?$/,
  /^共\d+页[,，/／]?第\d+页$/,
  /^\d+[/／]\d+$/,
  /^(page)?\d+(of\d+)?$/i,
  /^[-—–－]*[一二三四五六七八九十百]+[-—–－]+$/,
];

const furnitureKey = (text: string): string => text.replace(/\s+/g, '').replace(/\d+/g, '#');

/** Lines in the top or bottom band of a page: the two outermost at each end. */
function bandLines(scan: PageScan): Line[] {
  const band = (scan.top - scan.bottom) * 0.1;
  const sorted = [...scan.lines].sort((a, b) => b.y - a.y);
  const top = sorted.slice(0, 2).filter((l) => l.y > scan.top - band - l.size);
  const bottom = sorted.slice(-2).filter((l) => l.y < scan.bottom + band);
  return [...new Set([...top, ...bottom])];
}

function hasColumnGap(line: Line): boolean {
  return line.runs.some((r, i) => i > 0 && r.x - runRight(line.runs[i - 1]!) >= 1.2 * r.size);
}

function dropFurniture(scans: PageScan[]): void {
  const pagesOf = new Map<string, Set<number>>();
  const bands = scans.map(bandLines);
  bands.forEach((lines, i) => {
    for (const l of lines) {
      const key = furnitureKey(lineText(l));
      const set = pagesOf.get(key) ?? new Set<number>();
      set.add(i);
      pagesOf.set(key, set);
    }
  });
  const textPages = scans.filter((s) => s.lines.length > 0 || s.tables.length > 0).length;
  bands.forEach((lines, i) => {
    const drop = new Set<Line>();
    for (const l of lines) {
      const text = lineText(l).replace(/\s+/g, '');
      const repeats = pagesOf.get(furnitureKey(text))?.size ?? 0;
      // A repeated line with wide gaps is more likely an unruled table's repeated header than a running head.
      const repeated = repeats >= 2 && repeats * 2 >= textPages && !hasColumnGap(l);
      if (PAGE_NUMBER.some((re) => re.test(text)) || repeated) drop.add(l);
    }
    scans[i]!.lines = scans[i]!.lines.filter((l) => !drop.has(l));
  });
}

// ---- paragraphs ----

const textSizes = new WeakMap<TextBlock, number>();

/** The text block of the whole document: margins (tables count: they usually span the width) and line pitch. */
interface Layout {
  left: number;
  right: number;
  /** Baseline-to-baseline distance of lines inside a paragraph, per font size. */
  pitch: number;
}

function layoutOf(scans: PageScan[]): Layout {
  const lines = scans.flatMap((s) => s.lines);
  const edges = scans.flatMap((s) => s.tables.flatMap((t) => [t.xs[0]!, t.xs[t.xs.length - 1]!]));
  const left = [...lines.map((l) => l.x), ...edges].reduce((m, x) => Math.min(m, x), Infinity);
  const right = [...lines.map((l) => l.right), ...edges].reduce((m, x) => Math.max(m, x), -Infinity);
  const pitches: number[] = [];
  for (const s of scans) {
    const sorted = [...s.lines].sort((a, b) => b.y - a.y);
    for (let i = 1; i < sorted.length; i++) {
      const gap = (sorted[i - 1]!.y - sorted[i]!.y) / sorted[i]!.size;
      if (gap > 0.9 && gap < 2.5) pitches.push(gap);
    }
  }
  return { left, right, pitch: median(pitches) ?? 1.5 };
}

function paragraphs(lines: Line[], page: number, { left, right, pitch: relPitch }: Layout): PageText[] {
  if (lines.length === 0) return [];
  const out: PageText[] = [];
  let cur: Line[] = [];
  const flush = (): void => {
    if (cur.length === 0) return;
    const text = linesText(cur);
    if (text) {
      const block: TextBlock = { kind: 'para', text, prov: { line: 0, page } };
      textSizes.set(block, Math.round(Math.max(...cur.map((l) => l.size)) * 2) / 2);
      out.push({ kind: 'text', top: cur[0]!.y + cur[0]!.size, page, block });
    }
    cur = [];
  };
  for (const line of lines) {
    const prev = cur[cur.length - 1];
    if (prev) {
      const size = Math.max(prev.size, line.size);
      const gap = prev.y - line.y;
      const newPara =
        gap > (relPitch + 0.25) * size ||
        gap < 0 ||
        Math.abs(prev.size - line.size) > 0.15 * size ||
        line.x > left + 1.5 * size ||
        prev.right < right - 2 * size ||
        (cur.length === 1 && Math.abs(line.x - prev.x) > 1.5 * size && line.x > prev.x);
      if (newPara) flush();
    }
    cur.push(line);
  }
  flush();
  return out;
}

function median(values: number[]): number | undefined {
  if (values.length === 0) return undefined;
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function streamBlocks(lines: Line[], page: number): { items: PageItem[]; rest: Line[][] } {
  const items: PageItem[] = [];
  const rest: Line[][] = [];
  let from = 0;
  for (const t of findStreamTables(lines)) {
    rest.push(lines.slice(from, t.start));
    from = t.end;
    const cells: Cell[] = [];
    t.rows.forEach((row, r) => row.forEach((text, c) => cells.push({ text, r, c, rowSpan: 1, colSpan: 1 })));
    const block: TableBlock = {
      kind: 'table',
      rows: t.rows.length,
      cols: t.cols,
      cells,
      rowProv: t.rows.map(() => ({ line: 0, page })),
      prov: { line: 0, page },
    };
    const first = lines[t.start]!;
    items.push({ kind: 'table', top: first.y + first.size, page, xs: t.xs, openTop: false, openBottom: false, block, rowTags: [] });
  }
  rest.push(lines.slice(from));
  return { items, rest };
}

// ---- stitching tables across pages ----

function rowTexts(t: TableBlock, r: number): string[] {
  const row = Array<string>(t.cols).fill('');
  for (const c of t.cells) if (c.r === r) row[c.c] = c.text.replace(/\s+/g, '');
  return row;
}

const sameRow = (a: string[], b: string[]): boolean => a.length === b.length && a.some((x) => x) && a.every((x, i) => x === b[i]);

function sameColumns(a: PageTable, b: PageTable): boolean {
  if (a.block.cols !== b.block.cols || a.xs.length !== b.xs.length) return false;
  return a.xs.every((x, i) => Math.abs(x - b.xs[i]!) <= 3);
}

/** Appends `next` (continued on the following page) to `prev`, dropping a repeated header, joining a split row. */
function stitch(prev: PageTable, next: PageTable): boolean {
  const a = prev.block;
  const b = next.block;
  let header = 0;
  // A tagged PDF that calls the row ordinary data (TD) has a real row there, not a repeated header.
  while (header < Math.min(4, a.rows - 1, b.rows) && next.rowTags[header] !== 'td' && sameRow(rowTexts(a, header), rowTexts(b, header))) header++;
  if (!sameColumns(prev, next) && header === 0) return false;
  if (a.cols !== b.cols) return false;
  const kept = b.cells
    .filter((c) => c.r + c.rowSpan > header)
    .map((c) => (c.r >= header ? { ...c } : { ...c, rowSpan: c.rowSpan - (header - c.r), r: header }));
  const keptRows = b.rows - header;
  if (keptRows <= 0) return true;
  const splitRow = header === 0 ? prev.openBottom || next.openTop : prev.openBottom;
  let offset = a.rows - header;
  if (splitRow) {
    // The first row here is the rest of the last row there.
    const last = a.rows - 1;
    offset = last - header;
    const grown = new Map<Cell, number>();
    for (const c of kept.filter((k) => k.r === header)) {
      const owner = a.cells.find((o) => o.r <= last && o.r + o.rowSpan > last && o.c <= c.c && o.c + o.colSpan > c.c);
      if (owner) {
        owner.text = joinPieces(owner.text, c.text);
        grown.set(owner, Math.max(grown.get(owner) ?? 0, c.rowSpan - 1));
      } else a.cells.push({ ...c, r: last });
    }
    for (const [owner, extra] of grown) owner.rowSpan += extra;
    for (const c of kept.filter((k) => k.r > header)) a.cells.push({ ...c, r: c.r + offset });
    a.rowProv.push(...b.rowProv.slice(header + 1));
    a.rows += keptRows - 1;
  } else {
    for (const c of kept) a.cells.push({ ...c, r: c.r + offset });
    a.rowProv.push(...b.rowProv.slice(header));
    a.rows += keptRows;
  }
  if (header > 0) a.headerRows = Math.max(a.headerRows ?? 0, header);
  prev.openBottom = next.openBottom;
  prev.page = next.page;
  return true;
}

// ---- assembling the document ----

function assemble(file: string, scans: PageScan[]): DocModel {
  const warnings: string[] = [];
  const totalChars = scans.reduce((s, p) => s + p.chars, 0);
  if (totalChars < SCAN_CHARS) {
    throw new ManualParseError(
      file,
      '这个 PDF 没有文字层，看起来是扫描件或图片，无法读取文字。请提供文字版 PDF（由 Word/WPS 直接导出），或原始的 Word/Excel 文件。',
    );
  }
  for (const s of scans) if (s.chars < SCAN_CHARS) warnings.push(`第${s.page}页没有文字层（可能是扫描件），无法读取`);

  dropFurniture(scans);

  const bodySize = median(scans.flatMap((s) => s.lines.flatMap((l) => l.runs.flatMap((r) => Array<number>([...r.text].length).fill(r.size))))) ?? 10;

  const layout = layoutOf(scans);
  const items: PageItem[] = [];
  for (const scan of scans) {
    const { items: streams, rest } = streamBlocks(scan.lines, scan.page);
    const pageItems: PageItem[] = [...scan.tables, ...streams, ...rest.flatMap((ls) => paragraphs(ls, scan.page, layout))];
    pageItems.sort((a, b) => b.top - a.top);
    for (const item of pageItems) {
      const prev = items[items.length - 1];
      const continues = item === pageItems[0] && prev?.kind === 'table' && prev.page === item.page - 1;
      if (item.kind === 'table' && continues && stitch(prev, item)) continue;
      items.push(item);
    }
  }

  // Headings: text set clearly larger than the body, levels by size.
  const headingSizes = [...new Set(items.flatMap((i) => (i.kind === 'text' ? [sizeOf(i)] : [])).filter((s) => s >= bodySize * 1.15))].sort((a, b) => b - a);
  const body: Block[] = [];
  let line = 1;
  let tableNo = 0;
  for (const item of items) {
    if (item.kind === 'table') {
      tableNo++;
      const t = item.block;
      t.rowProv = t.rowProv.map((p, r) => ({ line: line + r, page: p.page, ref: `第${p.page}页 表${tableNo} 第${r + 1}行` }));
      t.prov = { line, page: t.rowProv[0]?.page, ref: `第${t.rowProv[0]?.page}页 表${tableNo}` };
      t.cells.sort((p, q) => p.r - q.r || p.c - q.c);
      line += t.rows;
      body.push(t);
    } else {
      const size = sizeOf(item);
      const level = headingSizes.indexOf(size);
      const prov: Prov = { line: line++, page: item.page, ref: `第${item.page}页` };
      body.push(level >= 0 ? { kind: 'heading', text: item.block.text, level: level + 1, prov } : { ...item.block, prov });
    }
  }
  const first = body[0];
  const title = first?.kind === 'heading' ? first.text : undefined;
  return { file, format: 'pdf', title, body, warnings };
}

function sizeOf(item: PageText): number {
  return textSizes.get(item.block) ?? 0;
}
