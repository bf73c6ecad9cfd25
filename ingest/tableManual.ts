import { parseArrowFlow } from './arrowFlow.js';
import type { DocLine } from './document.js';
import { alignCharts, chartCode, chartTitle, collectCharts } from './flowCharts.js';
import type { DutyRecord, Flow, ParsedManual, RecordKind, Scope, UnitInfo } from './record.js';
import { ManualParseError } from './record.js';
import {
  cleanCell,
  extractTimeLimit,
  flowCodes,
  isFlowCodeCell,
  itemOrdinal,
  normaliseItem,
  normalisePost,
  splitEntries,
  splitNames,
  stepsFromResponsibilities,
} from './text.js';

interface Row {
  line: number;
  cells: string[];
}

/** The two table layouts: bureaus' (duties, responsibilities, chart codes) and centres' (arrow flows). */
type Layout = 'bureau' | 'centre';

interface Section {
  unit: string;
  department: string | null;
  parent: string | null;
  purpose: string | null;
  layout: Layout | null;
  rows: Row[];
  /** Line index range of the section, for its chart section. */
  start: number;
  end: number;
}

const UNIT_HEADING = /^#{0,4}\s*\**\s*(?!\d)(.+?)定岗定责定流程表\s*\**\s*$/;
const CITY_TITLE = /^#{0,4}\s*(.+?)定岗定责定流程(?:管理)?手册/;
const DEPARTMENT = /^内设机构名称[:：]\s*(.+?)\s*$/;

function scopeOf(unit: string): Scope {
  return /^市|市自然资源/.test(unit) && !/区/.test(unit) ? 'city' : 'district';
}

function isHeader(cells: string[]): boolean {
  return cleanCell(cells[0]) === '序号' || cells.some((c) => /^(牵头负责人|辅助人员)$/.test(c.trim()));
}

function layoutOf(header: string[]): Layout {
  return cleanCell(header[3]) === '工作流程' ? 'centre' : 'bureau';
}

/** Splits a table manual into unit sections (a bureau, each of its centres; a city section). */
/** A table row with at least two filled cells; a one-cell row (a spreadsheet's title line) reads as text. */
function isTableRow(l: DocLine): boolean {
  return (l.cells?.filter((c) => c.trim()).length ?? 0) >= 2;
}

/** A line's text; a one-cell row is that cell's text. */
function lineText(l: DocLine): string {
  return l.cells && !isTableRow(l) ? (l.cells.find((c) => c.trim()) ?? '') : l.text;
}

function splitSections(input: DocLine[], file: string): Section[] {
  const lines = input.map(lineText);
  const isRow = (i: number) => isTableRow(input[i]!);
  const sections: Section[] = [];
  let title: string | null = null;
  let current: Section | null = null;
  const open = (unit: string, i: number) => {
    if (current) current.end = i;
    current = { unit, department: null, parent: null, purpose: null, layout: null, rows: [], start: i, end: lines.length };
    sections.push(current);
  };
  lines.forEach((raw, i) => {
    const line = raw.replace(/\r$/, '');
    const heading = UNIT_HEADING.exec(line);
    if (heading && !isRow(i) && !/及所属/.test(line)) {
      open(heading[1]!.replace(/[#*\s]/g, ''), i);
      return;
    }
    const cityTitle = CITY_TITLE.exec(line);
    if (cityTitle && !isRow(i)) {
      title = cityTitle[1]!.replace(/[#*\s]/g, '');
      return;
    }
    const dept = DEPARTMENT.exec(line.trim());
    if (dept) {
      open(title ?? '', i);
      current!.department = dept[1]!;
      return;
    }
    if (!current) return;
    const section: Section = current;
    const affiliation = /^隶属关系[:：]\s*(.+?)\s*$/.exec(line.trim());
    if (affiliation) {
      section.parent = affiliation[1]!.replace(/所属$/, '');
      return;
    }
    if (!isRow(i)) return;
    const cells = input[i]!.cells!;
    const purposeAt = cells.findIndex((c) => c.trim() === '宗旨和业务范围');
    if (purposeAt >= 0) {
      section.purpose = cells.slice(purposeAt + 1).map((c) => cleanCell(c)).find(Boolean) ?? null;
      return;
    }
    if (isHeader(cells)) {
      if (cleanCell(cells[0]) === '序号') section.layout = layoutOf(cells);
      return;
    }
    if (cells.filter((c) => c.trim()).length < 2) return;
    if (!section.layout) throw new ManualParseError(file, `第${input[i]!.prov.line}行：表格行出现在表头之前`);
    section.rows.push({ line: input[i]!.prov.line, cells });
  });
  const ordered = sections as Section[];
  if (ordered.some((s) => !s.unit)) throw new ManualParseError(file, '找不到单位名称（“…定岗定责定流程”标题）');
  return ordered;
}

/** Flow column and people columns sit after the description columns; a shifted row has an extra empty cell. */
function tail(cells: string[], from: number): { flowCell: string; names: string[] } {
  let flowCell = '';
  const names: string[] = [];
  cells.slice(from).forEach((c, i) => {
    if (!cleanCell(c)) return;
    if (i === 0 || (!flowCell && isFlowCodeCell(c))) {
      if (!flowCell) flowCell = c;
      return;
    }
    names.push(c);
  });
  return { flowCell, names };
}

interface Group {
  rows: Row[];
  post: string;
  postNo: string | null;
}

/**
 * Groups rows by post. The merged post cell is printed on some middle row of its group, and page breaks
 * drop it, so a group is the run of items from one numbered 一、 to the next; a row with no ordinal
 * (a leader's row) stands alone; a row printing another post's name also starts a group.
 */
function groupByPost(rows: Row[], postAt: (r: Row) => string): Group[] {
  const groups: Group[] = [];
  let current: Group | null = null;
  for (const row of rows) {
    const ordinal = itemOrdinal(cleanCell(row.cells[2]));
    const post = postAt(row);
    const startsNew =
      !current || ordinal === null || ordinal === 1 || (post !== '' && current.post !== '' && post !== current.post);
    if (startsNew) {
      current = { rows: [], post: '', postNo: null };
      groups.push(current);
    }
    const g = current!;
    g.rows.push(row);
    if (!g.post && post) g.post = post;
    const no = cleanCell(row.cells[0]);
    if (!g.postNo && /^\d+$/.test(no)) g.postNo = no;
  }
  return groups;
}

const OVERSEES = /分管([^。；;]+)/;

function oversees(duties: string[]): string[] {
  const out: string[] = [];
  for (const d of duties) {
    const m = OVERSEES.exec(d);
    if (!m) continue;
    for (const part of m[1]!.split(/[、，,和及]/)) {
      const name = part.replace(/(等)?(工作)?[。.]?$/, '').trim();
      if (name && !out.includes(name)) out.push(name);
    }
  }
  return out;
}

function bureauRecord(
  row: Row,
  group: Group,
  section: Section,
  file: string,
  scope: Scope,
): DutyRecord {
  const { cells } = row;
  const { flowCell, names } = tail(cells, 5);
  const duties = splitEntries(cells[3] ?? '');
  const responsibilities = splitEntries(cells[4] ?? '');
  const codes = flowCodes(flowCell);
  let flow: Flow | null = null;
  if (codes.length > 0) {
    flow = { codes, titles: [], steps: stepsFromResponsibilities(responsibilities), subflows: [] };
  } else if (flowCell.includes('→')) {
    const subflows = parseArrowFlow(flowCell);
    flow = { codes: [], titles: [], steps: subflows[0]?.steps ?? [], subflows: subflows.length > 1 ? subflows : [] };
  }
  const item = normaliseItem(cells[2]) || group.post;
  const kind: RecordKind = itemOrdinal(item) === null && /领导|正职|副职/.test(group.post) ? 'leader' : 'item';
  return {
    id: `${file}#${row.line}`,
    unit: section.unit,
    department: section.department,
    scope,
    parentUnit: section.parent,
    kind,
    post: group.post,
    postNo: group.postNo,
    item,
    duties,
    responsibilities,
    flow,
    timeLimit: extractTimeLimit([...responsibilities, ...duties]),
    lead: splitNames(names[0]),
    assistants: splitNames(names[1]),
    peopleInherited: false,
    oversees: kind === 'leader' ? oversees(duties) : [],
    source: { file, line: row.line },
  };
}

function centreRecord(row: Row, section: Section, file: string, scope: Scope): DutyRecord {
  const { cells } = row;
  const { flowCell, names } = tail(cells, 3);
  const subflows = parseArrowFlow(flowCell);
  const post = normalisePost(cells[1]);
  const flow: Flow | null =
    subflows.length === 0
      ? null
      : {
          codes: [],
          titles: [],
          steps: subflows.length === 1 ? subflows[0]!.steps : subflows.map((s) => s.name || s.steps.join('→')),
          subflows: subflows.length > 1 ? subflows : [],
        };
  const duties = splitEntries(cells[2] ?? '');
  return {
    id: `${file}#${row.line}`,
    unit: section.unit,
    department: null,
    scope,
    parentUnit: section.parent,
    kind: 'centre-post',
    post,
    postNo: /^\d+$/.test(cleanCell(cells[0])) ? cleanCell(cells[0]) : null,
    item: post,
    duties,
    // The tasks its work column lists besides the flows ("负责辖区内规划咨询服务"): searchable too.
    responsibilities: splitEntries(flowCell ?? '').filter((e) => !/→|->/.test(e)),
    flow,
    timeLimit: extractTimeLimit(duties),
    lead: splitNames(names[0]),
    assistants: splitNames(names[1]),
    peopleInherited: false,
    oversees: [],
    source: { file, line: row.line },
  };
}

/** Rows that print no names take the people of their post, marked as inherited. */
function inheritPeople(records: DutyRecord[]): void {
  const named = records.find((r) => r.lead.length > 0 || r.assistants.length > 0);
  if (!named) return;
  for (const r of records) {
    if (r.lead.length === 0 && r.assistants.length === 0) {
      r.lead = [...named.lead];
      r.assistants = [...named.assistants];
      r.peopleInherited = true;
    }
  }
}

/** City section manuals and the district manual with its centres: tab-separated tables. */
export function parseTableManual(file: string, input: DocLine[]): ParsedManual {
  const lines = input.map(lineText);
  const sections = splitSections(input, file);
  if (sections.length === 0) throw new ManualParseError(file, '没有找到任何岗位表格');
  const records: DutyRecord[] = [];
  const units = new Map<string, UnitInfo>();
  const warnings: string[] = [];

  for (const section of sections) {
    const scope = scopeOf(section.unit);
    const unitInfo = units.get(section.unit) ?? {
      unit: section.unit,
      scope,
      parent: section.parent,
      purpose: section.purpose,
      departments: [],
      file,
    };
    if (section.department && !unitInfo.departments.includes(section.department)) unitInfo.departments.push(section.department);
    units.set(section.unit, unitInfo);

    const sectionRecords: DutyRecord[] = [];
    if (section.layout === 'centre') {
      for (const row of section.rows) sectionRecords.push(centreRecord(row, section, file, scope));
    } else {
      const groups = groupByPost(section.rows, (r) => normalisePost(r.cells[1]));
      for (const group of groups) {
        if (!group.post) {
          warnings.push(`第${group.rows[0]!.line}行起的事项找不到所属岗位`);
          group.post = '（未注明岗位）';
        }
        const grouped = group.rows.map((row) => bureauRecord(row, group, section, file, scope));
        inheritPeople(grouped);
        sectionRecords.push(...grouped);
      }
      const firstChart = lines.findIndex(
        (l, i) => i >= section.start && i < section.end && !isTableRow(input[i]!) && (chartTitle(l) !== null || chartCode(l) !== null),
      );
      if (firstChart >= 0) alignCharts(sectionRecords, collectCharts(lines, firstChart, section.end, input.map((l) => l.prov.line)), warnings);
    }
    if (sectionRecords.length === 0) warnings.push(`“${section.unit}${section.department ?? ''}”没有可读的表格行`);
    records.push(...sectionRecords);
  }
  if (records.length === 0) throw new ManualParseError(file, '表格中没有可读的事项行');
  return { file, records, units: [...units.values()], warnings };
}
