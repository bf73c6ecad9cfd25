/**
 * HTML pages (web pages saved from a portal, Word "save as web page"): cheerio's `loadBuffer` sniffs the
 * charset (BOM, <meta charset=gb2312>); headings, paragraphs, list items and tables in document order.
 */
import { loadBuffer } from 'cheerio';
import type { AnyNode, Element } from 'domhandler';
import type { Block, DocModel } from '../document.js';
import { layoutRows, type SourceCell } from './grid.js';
import { numberLines, tableBlock } from './model.js';

const SKIP = new Set(['script', 'style', 'noscript', 'template', 'head', 'title', 'meta', 'link', 'svg', 'iframe', 'object', 'select', 'button']);
const BLOCK = new Set([
  'p', 'div', 'section', 'article', 'main', 'header', 'footer', 'aside', 'nav', 'blockquote', 'pre', 'ul', 'ol', 'li', 'dl', 'dt', 'dd',
  'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'table', 'form', 'fieldset', 'figure', 'figcaption', 'hr', 'address', 'center', 'body', 'html',
]);

function isElement(n: AnyNode): n is Element {
  return n.type === 'tag' || n.type === 'script' || n.type === 'style';
}

function clean(text: string): string {
  return text.replace(/[ \t\r\n\f\u00a0]+/g, ' ').trim();
}

/** A cell's text: <br> and block children become "\n"; nested tables are left for their own block. */
function cellText(node: AnyNode): string {
  const parts: string[] = [];
  const walk = (n: AnyNode) => {
    if (n.type === 'text') parts.push((n as unknown as { data: string }).data.replace(/[ \t\r\n\f\u00a0]+/g, ' '));
    if (!isElement(n) || SKIP.has(n.name)) return;
    if (n.name === 'table') return;
    if (n.name === 'br') {
      parts.push('\n');
      return;
    }
    const block = BLOCK.has(n.name);
    if (block) parts.push('\n');
    n.children.forEach(walk);
    if (block) parts.push('\n');
  };
  if (isElement(node)) node.children.forEach(walk);
  return parts
    .join('')
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .join('\n');
}

/** Rows of a table in order, looking through thead/tbody/tfoot but not into nested tables. */
function tableRows(table: Element): Element[] {
  const rows: Element[] = [];
  const walk = (n: Element) => {
    for (const child of n.children) {
      if (!isElement(child)) continue;
      if (child.name === 'tr') rows.push(child);
      else if (child.name === 'thead' || child.name === 'tbody' || child.name === 'tfoot') walk(child);
    }
  };
  walk(table);
  return rows;
}

function nestedTables(node: Element): Element[] {
  const out: Element[] = [];
  const walk = (n: Element) => {
    for (const child of n.children) {
      if (!isElement(child)) continue;
      if (child.name === 'table') out.push(child);
      else walk(child);
    }
  };
  walk(node);
  return out;
}

function intAttr(el: Element, name: string): number | undefined {
  const v = el.attribs[name];
  if (v === undefined) return undefined;
  const n = parseInt(v, 10);
  return Number.isNaN(n) ? undefined : n;
}

export function readHtml(file: string, bytes: Uint8Array): DocModel {
  // With no BOM or <meta charset>, the sniffer falls back to windows-1252; Chinese pages without a
  // declaration are UTF-8 or GBK, so the fallback follows whether the bytes are valid UTF-8.
  let utf8 = true;
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    utf8 = false;
  }
  const $ = loadBuffer(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), {
    encoding: { defaultEncoding: utf8 ? 'utf-8' : 'gb18030' },
  });
  const body: Block[] = [];
  let tables = 0;
  let inline: string[] = [];

  const flush = () => {
    const text = inline.join('');
    inline = [];
    for (const line of text.split('\n')) {
      const t = clean(line);
      if (t) body.push({ kind: 'para', text: t, prov: { line: 0 } });
    }
  };

  const emitTable = (table: Element) => {
    const rows = tableRows(table);
    const source: SourceCell[][] = [];
    let headerRows = 0;
    let headerRun = true;
    const inner: Element[] = [];
    rows.forEach((tr) => {
      const cells = tr.children.filter((c): c is Element => isElement(c) && (c.name === 'td' || c.name === 'th'));
      const allTh = cells.length > 0 && cells.every((c) => c.name === 'th');
      const inThead = tr.parent && isElement(tr.parent) && tr.parent.name === 'thead';
      if (headerRun && (allTh || inThead)) headerRows++;
      else headerRun = false;
      source.push(cells.map((c) => ({ text: cellText(c), rowSpan: intAttr(c, 'rowspan'), colSpan: intAttr(c, 'colspan') })));
      for (const c of cells) inner.push(...nestedTables(c));
    });
    if (source.length === 0) return;
    const n = ++tables;
    const captionEl = table.children.find((c): c is Element => isElement(c) && c.name === 'caption');
    const caption = captionEl ? clean(cellText(captionEl)) : undefined;
    body.push(tableBlock(layoutRows(source), (r) => `表${n} 第${r + 1}行`, { headerRows, caption }));
    inner.forEach(emitTable);
  };

  const walk = (n: AnyNode, listIndex?: { n: number; ordered: boolean }) => {
    if (n.type === 'text') {
      inline.push((n as unknown as { data: string }).data);
      return;
    }
    if (!isElement(n) || SKIP.has(n.name)) return;
    if (n.name === 'br') {
      inline.push('\n');
      return;
    }
    if (!BLOCK.has(n.name)) {
      n.children.forEach((c) => walk(c, listIndex));
      return;
    }
    flush();
    const heading = /^h([1-6])$/.exec(n.name);
    if (n.name === 'table') {
      emitTable(n);
    } else if (heading) {
      const text = clean(cellText(n).replace(/\n/g, ' '));
      if (text) body.push({ kind: 'heading', text, level: Number(heading[1]), prov: { line: 0 } });
    } else if (n.name === 'li') {
      const before = body.length;
      n.children.forEach((c) => walk(c));
      flush();
      if (listIndex?.ordered && body.length > before) {
        const first = body[before]!;
        if (first.kind === 'para') first.marker = `${listIndex.n}.`;
      }
      if (listIndex) listIndex.n++;
    } else if (n.name === 'ol' || n.name === 'ul') {
      const start = n.name === 'ol' ? (intAttr(n, 'start') ?? 1) : 1;
      const list = { n: start, ordered: n.name === 'ol' };
      n.children.forEach((c) => walk(c, list));
    } else {
      n.children.forEach((c) => walk(c));
    }
    flush();
  };

  const root = $('body').get(0) ?? $.root().get(0);
  if (root) walk(root);
  flush();
  const title = clean($('title').first().text()) || undefined;
  return { file, format: 'html', title, body: numberLines(body), warnings: [] };
}
