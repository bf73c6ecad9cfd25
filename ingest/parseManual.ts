import { looksLikeNotice, parseNoticeManual } from './noticeManual.js';
import type { DutyRecord, ParsedManual, UnitInfo } from './record.js';
import { ManualParseError } from './record.js';
import { parseTableManual } from './tableManual.js';

/** Parses one manual of any of the known layouts; throws ManualParseError saying why it cannot. */
export function parseManual(file: string, text: string): ParsedManual {
  if (text.includes('\u0000')) throw new ManualParseError(file, '不是文本文件（含有二进制内容）');
  if (!text.trim()) throw new ManualParseError(file, '文件是空的');
  if (looksLikeNotice(text)) return parseNoticeManual(file, text);
  if (/定岗定责定流程/.test(text) && /序号\t岗位名称/.test(text)) return parseTableManual(file, text);
  throw new ManualParseError(
    file,
    '无法识别的手册格式：既不是“定岗定责定流程”表格（需要“序号、岗位名称…”制表符分隔的表头），也不是“关于成立…专班的通知”',
  );
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
}

/** Parses every manual; a file that cannot be parsed is reported and the others still load. */
export function parseCorpus(sources: ManualSource[]): CorpusLoad {
  const out: CorpusLoad = { records: [], units: [], manuals: [], errors: [] };
  for (const { file, text } of sources) {
    try {
      const parsed = parseManual(file, text);
      const seen = new Set(out.records.map((r) => r.id));
      for (const r of parsed.records) {
        let id = r.id;
        for (let n = 2; seen.has(id); n++) id = `${r.id}-${n}`;
        r.id = id;
        seen.add(id);
      }
      out.records.push(...parsed.records);
      out.units.push(...parsed.units);
      out.manuals.push({ file, records: parsed.records.length, warnings: parsed.warnings });
    } catch (e) {
      const reason = e instanceof ManualParseError ? e.reason : `解析时出错：${(e as Error).message}`;
      out.errors.push({ file, reason });
    }
  }
  return out;
}
