/**
 * A Feishu cloud document (docx) as the blocks `GET /open-apis/docx/v1/documents/:id/blocks` returns them
 * (a flat list; the page block's `children` give the order, recursively) → DocModel. Headings stay headings,
 * ordered lists get their rendered numbers as markers, table blocks become tables with their merges.
 * Pure: no I/O, any runtime.
 */
import type { Block, Cell, DocModel, TableBlock } from '../document.js';
import { settleCells } from './grid.js';
import { numberLines, tableBlock } from './model.js';
import { formatNumber } from './numbering.js';

/** One block of the list response; the content sits under a key named after the type (text, heading1, table …). */
export interface FeishuBlock {
  block_id: string;
  parent_id?: string;
  children?: string[];
  block_type: number;
  [key: string]: unknown;
}

interface TextElement {
  text_run?: { content?: string };
  mention_user?: { user_id?: string };
  mention_doc?: { token?: string; obj_type?: number; url?: string; title?: string };
  equation?: { content?: string };
  [key: string]: unknown;
}

interface TextData {
  elements?: TextElement[];
  style?: { sequence?: string };
}

interface TableData {
  cells?: string[];
  property?: {
    row_size?: number;
    column_size?: number;
    header_row?: boolean;
    merge_info?: { row_span?: number; col_span?: number }[];
  };
}

export interface FeishuDocxOptions {
  /** The document's title (`documents/:id` → document.title); the page block's own text otherwise. */
  title?: string;
  /** Name for an @-mentioned user's open_id; mentions carry only the id. */
  userName?: (openId: string) => string | undefined;
  /**
   * Blocks for sheets embedded in the document (block type 30), by the sheet block's `sheet.token`
   * (`<spreadsheetToken>_<sheetId>`); read through the Sheets API by the caller.
   */
  embeddedSheets?: Map<string, Block[]>;
}

/** The key under which each text-like block type keeps its `{elements, style}`. */
const TEXT_KEYS: Record<number, string> = {
  1: 'page',
  2: 'text',
  3: 'heading1',
  4: 'heading2',
  5: 'heading3',
  6: 'heading4',
  7: 'heading5',
  8: 'heading6',
  9: 'heading7',
  10: 'heading8',
  11: 'heading9',
  12: 'bullet',
  13: 'ordered',
  14: 'code',
  15: 'quote',
  17: 'todo',
};

const ORDERED = 13;
const TABLE = 31;
const TABLE_CELL = 32;
const SHEET = 30;
const DIVIDER = 22;
/** Containers whose children are read in place: callout, grid, grid column, quote container, sync blocks. */
const CONTAINERS = new Set([19, 24, 25, 34, 49, 50]);
/** Blocks with content the reader cannot turn into text, named for the operator's warning. */
const SKIPPED: Record<number, string> = {
  18: '多维表格',
  20: '会话卡片',
  21: '流程图',
  23: '文件',
  26: '内嵌网页',
  27: '图片',
  28: '小组件',
  29: '思维笔记',
  43: '画板',
};

/** Ordered-list numbers as Feishu shows them by nesting depth: 1. → a. → i. → 1. … */
function orderedMarker(n: number, depth: number): string {
  const fmt = ['decimal', 'lowerLetter', 'lowerRoman'][depth % 3]!;
  return `${formatNumber(n, fmt) ?? n}.`;
}

class DocxWalk {
  readonly body: Block[] = [];
  readonly warnings: string[] = [];
  private readonly byId = new Map<string, FeishuBlock>();
  private readonly visited = new Set<string>();
  private tables = 0;
  private unnamedMentions = 0;
  private readonly skipped = new Map<string, number>();
  private readonly missingSheets: string[] = [];

  constructor(
    blocks: FeishuBlock[],
    private readonly opts: FeishuDocxOptions,
  ) {
    for (const b of blocks) if (b && typeof b.block_id === 'string') this.byId.set(b.block_id, b);
  }

  /** The root: the page block (type 1), else every block without a known parent, in list order. */
  roots(blocks: FeishuBlock[]): { page?: FeishuBlock; ids: string[] } {
    const page = blocks.find((b) => b.block_type === 1);
    if (page) return { page, ids: page.children ?? [] };
    return { ids: blocks.filter((b) => !b.parent_id || !this.byId.has(b.parent_id)).map((b) => b.block_id) };
  }

  text(block: FeishuBlock): string {
    const key = TEXT_KEYS[block.block_type];
    const data = (key ? block[key] : undefined) as TextData | undefined;
    let out = '';
    for (const el of data?.elements ?? []) {
      if (el.text_run) out += el.text_run.content ?? '';
      else if (el.mention_user) {
        const name = el.mention_user.user_id ? this.opts.userName?.(el.mention_user.user_id) : undefined;
        if (name) out += name;
        else this.unnamedMentions++;
      } else if (el.mention_doc) out += el.mention_doc.title ?? '';
      else if (el.equation) out += el.equation.content ?? '';
    }
    return out.replace(/\r\n?/g, '\n');
  }

  /** Walks sibling blocks in order; `depth` counts the ordered lists this list is nested in. */
  walk(ids: string[], depth = 0): void {
    // Ordered-list counter of this sibling run: `auto` continues it, a number sets it, a non-list block ends the run.
    let counter = 0;
    let prevOrdered = false;
    for (const id of ids) {
      const block = this.byId.get(id);
      if (!block || this.visited.has(id)) continue;
      this.visited.add(id);
      const type = block.block_type;
      if (type === ORDERED) {
        const seq = (block.ordered as TextData | undefined)?.style?.sequence;
        const n = seq && /^\d+$/.test(seq) ? Number(seq) : seq === 'auto' || prevOrdered ? counter + 1 : 1;
        counter = n;
        prevOrdered = true;
        this.para(block, orderedMarker(n, depth));
        this.walk(block.children ?? [], depth + 1);
        continue;
      }
      prevOrdered = false;
      if (type >= 3 && type <= 11) {
        for (const line of this.lines(this.text(block))) this.body.push({ kind: 'heading', text: line, level: type - 2, prov: { line: 0 } });
        this.walk(block.children ?? [], depth);
      } else if (TEXT_KEYS[type]) {
        this.para(block);
        this.walk(block.children ?? [], type === 12 ? depth + 1 : depth);
      } else if (type === TABLE) {
        this.body.push(...this.titledTable(this.table(block)));
      } else if (type === SHEET) {
        const token = (block.sheet as { token?: string } | undefined)?.token ?? '';
        const embedded = this.opts.embeddedSheets?.get(token);
        if (embedded) this.body.push(...embedded);
        else this.missingSheets.push(token);
      } else if (CONTAINERS.has(type)) {
        this.walk(block.children ?? [], depth);
      } else if (SKIPPED[type]) {
        this.skipped.set(SKIPPED[type]!, (this.skipped.get(SKIPPED[type]!) ?? 0) + 1);
      } else if (type !== DIVIDER && type !== TABLE_CELL) {
        // Types added after this reader (or 999 "unsupported"): their children may still hold text.
        this.walk(block.children ?? [], depth);
      }
    }
  }

  private lines(text: string): string[] {
    return text
      .split('\n')
      .map((l) => l.replace(/\s+$/, ''))
      .filter((l) => l.trim());
  }

  private para(block: FeishuBlock, marker?: string): void {
    const lines = this.lines(this.text(block));
    if (lines.length === 0 && marker) lines.push('');
    lines.forEach((line, i) => {
      const p: Block = { kind: 'para', text: line, prov: { line: 0 } };
      if (i === 0 && marker) p.marker = marker;
      this.body.push(p);
    });
  }

  /** A cell's text: its blocks' lines joined by "\n", ordered-list numbers rendered in front. */
  private cellText(cell: FeishuBlock): string {
    const lines: string[] = [];
    const walk = (ids: string[], depth: number) => {
      let counter = 0;
      let prevOrdered = false;
      for (const id of ids) {
        const b = this.byId.get(id);
        if (!b || this.visited.has(id)) continue;
        this.visited.add(id);
        let prefix = '';
        if (b.block_type === ORDERED) {
          const seq = (b.ordered as TextData | undefined)?.style?.sequence;
          counter = seq && /^\d+$/.test(seq) ? Number(seq) : seq === 'auto' || prevOrdered ? counter + 1 : 1;
          prevOrdered = true;
          prefix = orderedMarker(counter, depth);
        } else prevOrdered = false;
        if (TEXT_KEYS[b.block_type]) {
          const own = this.lines(this.text(b));
          if (own.length) own[0] = prefix + own[0];
          lines.push(...own);
        } else if (b.block_type === TABLE) {
          // A table inside a cell: its rows flattened into the cell, one line per row.
          const inner = this.table(b, false);
          for (let r = 0; r < inner.rows; r++) {
            const row = inner.cells.filter((c) => c.r === r && c.text).map((c) => c.text.replace(/\n+/g, ' '));
            if (row.length) lines.push(row.join(' '));
          }
          continue;
        } else if (SKIPPED[b.block_type]) {
          this.skipped.set(SKIPPED[b.block_type]!, (this.skipped.get(SKIPPED[b.block_type]!) ?? 0) + 1);
        }
        walk(b.children ?? [], b.block_type === ORDERED || b.block_type === 12 ? depth + 1 : depth);
      }
    };
    walk(cell.children ?? [], 0);
    return lines.map((l) => l.trim()).filter(Boolean).join('\n');
  }

  /**
   * `table.cells` lists the cell blocks row-major (`row_size × column_size`); `merge_info[i]` is the span
   * starting at `cells[i]` (the docs' 1×1 example has one entry for its one cell). Slots a merge covers
   * are dropped when the grid settles, their text joining the anchor only when the anchor has none.
   */
  private table(block: FeishuBlock, numbered = true): TableBlock {
    const data = (block.table ?? {}) as TableData;
    const ids = data.cells ?? block.children ?? [];
    const cols = Math.max(1, data.property?.column_size ?? 1);
    const rows = Math.max(1, data.property?.row_size ?? Math.ceil(ids.length / cols));
    const merges = data.property?.merge_info ?? [];
    const cells: Cell[] = [];
    ids.forEach((id, i) => {
      const cell = this.byId.get(id);
      const r = Math.floor(i / cols);
      if (r >= rows) return;
      const m = merges[i];
      cells.push({
        text: cell && !this.visited.has(id) ? (this.visited.add(id), this.cellText(cell)) : '',
        r,
        c: i % cols,
        rowSpan: Math.max(1, m?.row_span ?? 1),
        colSpan: Math.max(1, m?.col_span ?? 1),
      });
    });
    const grid = settleCells(cells, rows, cols);
    const n = numbered ? ++this.tables : this.tables;
    return tableBlock(grid, (r) => `表${n} 第${r + 1}行`, { headerRows: data.property?.header_row ? 1 : 0 });
  }

  /**
   * Leading rows that are one cell merged across the whole table (a title typed into the table, as in a
   * sheet pasted from Excel) become headings above it, as the spreadsheet readers do.
   */
  private titledTable(t: TableBlock): Block[] {
    let top = 0;
    const headings: Block[] = [];
    while (top < t.rows - 1) {
      const own = t.cells.filter((c) => c.r === top);
      const filled = own.filter((c) => c.text.trim());
      if (filled.length !== 1 || filled[0]!.colSpan !== t.cols || t.cols === 1) break;
      headings.push({ kind: 'heading', text: filled[0]!.text.replace(/\n+/g, ' '), level: 1, prov: { line: 0, ref: t.rowProv[top]!.ref } });
      top += filled[0]!.rowSpan;
    }
    if (top === 0 || top >= t.rows) return [t];
    const refs = t.rowProv.slice(top).map((p) => p.ref!);
    const body = settleCells(
      t.cells.filter((c) => c.r >= top).map((c) => ({ ...c, r: c.r - top })),
      t.rows - top,
      t.cols,
    );
    return [...headings, tableBlock(body, (r) => refs[r]!, { headerRows: t.headerRows && t.headerRows > top ? t.headerRows - top : 0 })];
  }

  finish(): void {
    if (this.unnamedMentions) {
      this.warnings.push(`文档中有 ${this.unnamedMentions} 处 @用户 未能取得姓名（需要通讯录权限 contact:user.base:readonly），这些位置按空白读取；请在文档中直接写出姓名`);
    }
    for (const [what, n] of this.skipped) this.warnings.push(`文档中有 ${n} 个${what}，内容未读取`);
    if (this.missingSheets.length) this.warnings.push(`文档中嵌入了 ${this.missingSheets.length} 个电子表格，未能读取；可以把电子表格的链接单独发给机器人`);
  }
}

/** The document as a DocModel; `file` names it in records and references. */
export function feishuDocxToModel(file: string, blocks: FeishuBlock[], opts: FeishuDocxOptions = {}): DocModel {
  const walk = new DocxWalk(blocks, opts);
  const { page, ids } = walk.roots(blocks);
  const pageTitle = page ? walk.text(page).replace(/\s+/g, ' ').trim() : '';
  walk.walk(ids);
  walk.finish();
  const title = opts.title?.trim() || pageTitle || undefined;
  // The title is part of the document as printed: the unit-in-title recognisers read it from the first line.
  const body: Block[] = title ? [{ kind: 'heading', text: title, level: 1, prov: { line: 0, ref: '标题' } }, ...walk.body] : walk.body;
  if (body.every((b) => b.kind !== 'table' && !b.text.trim())) walk.warnings.push('文档中没有读到任何文字');
  return { file, format: 'feishu', title, body: numberLines(body), warnings: walk.warnings };
}
