import { type DocLine, type DocModel, docLines } from './document.js';
import type { HeaderVocab } from './headerRoles.js';
import { looksLikeNotice, parseNoticeManual } from './noticeManual.js';
import { readTextLines } from './read/text.js';
import type { DutyRecord, ParsedManual, UnitInfo } from './record.js';
import { ManualParseError } from './record.js';
import { parseGenericDocument } from './recognise/generic.js';
import { parseTableManual } from './tableManual.js';
import { cleanCell } from './text.js';
import { linkUnits } from './unitLinks.js';

/**
 * The bureau manual layout with numbered post groups, chart-code columns and a chart section: a header row
 * starting 序号 | 岗位名称 and unit headings ("…定岗定责定流程表", "内设机构名称：…"). Recognised by those
 * parts, whatever the file format.
 */
function looksLikeGroupedPostTable(lines: DocLine[]): boolean {
  const header = lines.some((l) => l.cells && cleanCell(l.cells[0]) === '序号' && /^岗位名称$/.test(cleanCell(l.cells[1])));
  const unitHeading = lines.some((l) => {
    const filled = l.cells?.filter((c) => c.trim()) ?? [l.text];
    return filled.length === 1 && /定岗定责定流程表\s*\**\s*$|^\s*内设机构名称[:：]/.test(filled[0]!);
  });
  return header && unitHeading;
}

/** Parses one document of any layout; throws ManualParseError saying why it cannot. */
export function parseDocument(doc: DocModel, vocab?: HeaderVocab): ParsedManual {
  const lines = docLines(doc);
  if (lines.every((l) => !l.text.trim())) throw new ManualParseError(doc.file, '文件是空的（没有读到文字）');
  if (looksLikeGroupedPostTable(lines)) return parseTableManual(doc.file, lines);
  if (looksLikeNotice(lines.map((l) => l.text).join('\n'))) return parseNoticeManual(doc.file, lines);
  return parseGenericDocument(doc, vocab);
}

/** Parses a text manual (tab-separated tables, Markdown). */
export function parseManual(file: string, text: string, vocab?: HeaderVocab): ParsedManual {
  if (text.includes('\u0000')) throw new ManualParseError(file, '不是文本文件（含有二进制内容）');
  if (!text.trim()) throw new ManualParseError(file, '文件是空的');
  const format = /\.md$/i.test(file) ? 'md' : 'txt';
  return parseDocument({ file, format, body: readTextLines(text), warnings: [] }, vocab);
}

export interface ManualSource {
  file: string;
  text: string;
}

export interface CorpusLoad {
  records: DutyRecord[];
  units: UnitInfo[];
  manuals: { file: string; records: number; warnings: string[] }[];
  errors: { file: string; reason: string }[];
  /** Files not read at all, with what to do about them. */
  skipped?: { file: string; reason: string }[];
}

/** Adds one parsed document to a corpus, keeping record ids unique. */
/** The ids a corpus holds so far, kept with it so adding a document does not rescan every record. */
const idsOf = new WeakMap<CorpusLoad, Set<string>>();

export function addParsed(out: CorpusLoad, parsed: ParsedManual): void {
  let seen = idsOf.get(out);
  if (!seen || seen.size !== out.records.length) idsOf.set(out, (seen = new Set(out.records.map((r) => r.id))));
  for (const r of parsed.records) {
    let id = r.id;
    for (let n = 2; seen.has(id); n++) id = `${r.id}-${n}`;
    r.id = id;
    seen.add(id);
  }
  out.records.push(...parsed.records);
  out.units.push(...parsed.units);
  out.manuals.push({ file: parsed.file, records: parsed.records.length, warnings: parsed.warnings });
}

export function errorReason(e: unknown): string {
  return e instanceof ManualParseError ? e.reason : `解析时出错：${(e as Error).message}`;
}

/** Parses every manual; a file that cannot be parsed is reported and the others still load. */
export function parseCorpus(sources: ManualSource[], vocab?: HeaderVocab): CorpusLoad {
  const out: CorpusLoad = { records: [], units: [], manuals: [], errors: [] };
  for (const { file, text } of sources) {
    try {
      addParsed(out, parseManual(file, text, vocab));
    } catch (e) {
      out.errors.push({ file, reason: errorReason(e) });
    }
  }
  linkUnits(out);
  return out;
}

/** Parses documents already read into the document model. */
export function parseDocuments(docs: DocModel[], vocab?: HeaderVocab): CorpusLoad {
  const out: CorpusLoad = { records: [], units: [], manuals: [], errors: [] };
  for (const doc of docs) {
    try {
      addParsed(out, parseDocument(doc, vocab));
    } catch (e) {
      out.errors.push({ file: doc.file, reason: errorReason(e) });
    }
  }
  linkUnits(out);
  return out;
}
