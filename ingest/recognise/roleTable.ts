import { tableGrid, type TableBlock } from '../document.js';
import { type ColumnRole, DEFAULT_VOCAB, type HeaderVocab, headerKey, headerLike, roleOf } from '../headerRoles.js';
import { abPeople, namesIn, taggedPeople } from '../people.js';
import type { Detail, DutyRecord, Source } from '../record.js';
import { cleanCell, extractTimeLimit, normaliseItem, normalisePost, splitEntries, stepsFromResponsibilities } from '../text.js';
import { isOrgName, unitLevel } from '../units.js';
import { type DocContext, makeRecord, shortTitle } from './context.js';
import { flowFromText } from './flowText.js';

export interface Column {
  index: number;
  /** Stacked header texts, top first: ["承诺时限", "法定"]. */
  label: string;
  role: ColumnRole | null;
  score: number;
}

export interface TableLayout {
  headerRows: number;
  /** Rows above the header that are the table's title. */
  titleRows: number;
  columns: Column[];
  caption: string | null;
}

const MAX_HEADER_ROWS = 4;
/** A position that heads an office: 科长, 副主任, 所长 (not 科员, 会计). */
const HEAD_POSITION = /^[\u4e00-\u9fa5]{0,6}(?:长|主任|书记)$/;
/** Sub-headers that only say "the people" of their parent (A角 / 姓名), unlike 主办 / 协办 which say which people. */
const PERSON_LEAF = /^(?:姓名|名字|人员|工作人员|人员姓名|责任人姓名)$/;
/** A section row naming its head: "二中队（矿产中队）　中队长：李四". */
const SECTION_HEAD = /^(.{2,30}?)[\s\u3000]+([\u4e00-\u9fa5]{0,8}(?:长|主任|负责人))\s*[:：]\s*([\u4e00-\u9fa5\s\u3000、，,]{2,20})$/;

/** Each slot's text, the anchor's text copied into the slots a merge covers. */
function filledGrid(t: TableBlock): { filled: string[][]; vertical: boolean[][]; own: string[][] } {
  const g = tableGrid(t);
  const filled = g.text.map((row) => row.slice());
  for (const cell of t.cells) {
    for (let r = cell.r; r < Math.min(t.rows, cell.r + cell.rowSpan); r++)
      for (let c = cell.c; c < Math.min(t.cols, cell.c + cell.colSpan); c++) filled[r]![c] = cell.text;
  }
  return { filled, vertical: g.vertical, own: g.text };
}

function distinct(row: string[]): string[] {
  return [...new Set(row.map((c) => cleanCell(c)).filter(Boolean))];
}

function rowHits(row: string[], vocab: HeaderVocab): number {
  return distinct(row).filter((c) => headerLike(c) && roleOf(c, vocab) !== null).length;
}

/** Finds the title rows, the header band and each column's role; null where the table has no header. */
export function tableLayout(t: TableBlock, vocab: HeaderVocab = DEFAULT_VOCAB): TableLayout | null {
  const { filled } = filledGrid(t);
  let start = -1;
  for (let r = 0; r < Math.min(t.rows, 6); r++) {
    const hits = rowHits(filled[r]!, vocab);
    if (hits >= 2 || (hits >= 1 && t.cols <= 3 && distinct(filled[r]!).length >= 2)) {
      start = r;
      break;
    }
  }
  if (start < 0) return null;
  let end = start + 1;
  const hinted = t.headerRows && t.headerRows > start ? t.headerRows : 0;
  while (end < Math.min(t.rows, start + MAX_HEADER_ROWS)) {
    if (end < hinted) {
      end++;
      continue;
    }
    const row = filled[end]!;
    const cells = distinct(row);
    const own = row.filter((c, i) => c && filled[end - 1]![i] !== c);
    // A second header row: short header words under merged parents, no sentence in it.
    const sub = own.length > 0 && own.every((c) => headerLike(c)) && cells.every((c) => headerLike(c));
    if (sub && (rowHits(row, vocab) > 0 || own.length < cells.length) && !own.some((c) => /^\d+$/.test(c.trim()))) end++;
    else break;
  }
  const columns: Column[] = [];
  for (let c = 0; c < t.cols; c++) {
    const parts: string[] = [];
    for (let r = start; r < end; r++) {
      const text = cleanCell(filled[r]![c]);
      if (text && parts[parts.length - 1] !== text) parts.push(text);
    }
    let match = null;
    for (let i = parts.length - 1; i >= 0 && !match; i--) match = roleOf(parts[i]!, vocab);
    if (!match && parts.length > 1) match = roleOf(parts.join(''), vocab);
    // A parent header naming people ("A角（主办）" over 姓名 | 职务, "B角" …) decides its sub-columns: the
    // name column takes the parent's role; the others (职务, 职级) describe those people, not a post.
    const parent = parts.length > 1 ? roleOf(parts[parts.length - 2]!, vocab) : null;
    if (parent && (parent.role === 'lead' || parent.role === 'assist') && match) {
      if (PERSON_LEAF.test(headerKey(parts[parts.length - 1]!))) match = { role: parent.role, score: match.score };
      else if (match.role === 'post') match = null;
    }
    columns.push({ index: c, label: parts.join('/'), role: match?.role ?? null, score: match?.score ?? 0 });
  }
  // Two columns read as the work item: the weaker one describes it.
  const tasks = columns.filter((c) => c.role === 'task').sort((a, b) => b.score - a.score);
  if (tasks.length > 1 && !columns.some((c) => c.role === 'duty')) for (const c of tasks.slice(1)) c.role = 'duty';
  const titles: string[] = [];
  for (let r = 0; r < start; r++) titles.push(...distinct(filled[r]!));
  return { headerRows: end, titleRows: start, columns, caption: titles.length > 0 ? titles.join(' ') : null };
}

const has = (l: TableLayout, role: ColumnRole) => l.columns.some((c) => c.role === role);

/** A duty table names who (post, section, unit or person) and what (work item or duty). */
export function isDutyTable(l: TableLayout): boolean {
  const what = has(l, 'task') || has(l, 'duty');
  const who = has(l, 'post') || has(l, 'department') || has(l, 'unit') || has(l, 'lead');
  const about = has(l, 'deadline') || has(l, 'process') || has(l, 'basis') || has(l, 'resp') || has(l, 'kind');
  return what && (who || about);
}

function pick(l: TableLayout, row: string[], role: ColumnRole): string {
  const cols = l.columns.filter((c) => c.role === role);
  return cols
    .map((c) => cleanCell(row[c.index]))
    .filter(Boolean)
    .filter((v, i, a) => a.indexOf(v) === i)
    .join(' ');
}

function deadlineOf(l: TableLayout, row: string[], vocab: HeaderVocab): string | null {
  const cols = l.columns.filter((c) => c.role === 'deadline' && cleanCell(row[c.index]));
  if (cols.length === 0) return null;
  const rank = (c: Column) => {
    const i = vocab.deadlinePreference.findIndex((w) => headerKey(c.label).includes(headerKey(w)));
    return i < 0 ? vocab.deadlinePreference.length : i;
  };
  cols.sort((a, b) => rank(a) - rank(b));
  const text = cleanCell(row[cols[0]!.index]);
  if ([...text].length <= 24) return text;
  return extractTimeLimit([text]) ?? shortTitle(text, 24);
}

const DETAIL_ROLES: ColumnRole[] = ['kind', 'basis', 'accountability', 'note', 'phone', 'place', 'headcount', 'condition', 'fee', 'subtask'];

/** A row that repeats the header (page breaks) or is empty. */
function isHeaderRepeat(row: string[], header: string[]): boolean {
  const a = row.map((c) => headerKey(cleanCell(c)));
  return a.some(Boolean) && a.every((c, i) => !c || c === headerKey(cleanCell(header[i] ?? '')));
}

/**
 * Records from a table whose header names its columns: one record per data row. Merged post and people
 * cells are filled down (people marked inherited); a full-width row inside the body opens a section.
 */
export function roleTableRecords(
  t: TableBlock,
  layout: TableLayout,
  ctx: DocContext,
  vocab: HeaderVocab = DEFAULT_VOCAB,
): { records: DutyRecord[]; warnings: string[] } {
  const { filled, vertical, own } = filledGrid(t);
  const records: DutyRecord[] = [];
  const warnings: string[] = [];
  const header = filled[layout.headerRows - 1]!;
  let section: string | null = null;
  let prev: { post: string; department: string | null; unit: string; lead: string[]; assistants: string[]; task: string } | null = null;
  const postCol = layout.columns.find((c) => c.role === 'post');
  const personCols = layout.columns.filter((c) => c.role === 'lead' || c.role === 'assist');
  const parentOf = (c: Column) => c.label.split('/').slice(0, -1).join('/');
  const positionPairs = layout.columns.flatMap((c) => {
    if (c.role !== null || !/(?:职务|职级)$/.test(c.label) || !parentOf(c)) return [];
    const nameCol = personCols.find((p) => parentOf(p) === parentOf(c));
    return nameCol ? [[nameCol, c] as const] : [];
  });
  const heads = new Set<string>();

  for (let r = layout.headerRows; r < t.rows; r++) {
    const row = filled[r]!;
    if (isHeaderRepeat(row, header)) continue;
    const texts = distinct(row);
    if (texts.length === 0) continue;
    const source: Source = { file: ctx.file, line: t.rowProv[r]?.line ?? t.prov.line, ...(t.rowProv[r]?.ref ? { ref: t.rowProv[r]!.ref } : {}) };
    if (texts.length === 1 && row.filter((c) => cleanCell(c)).length === t.cols && t.cols > 1) {
      section = texts[0]!.replace(/^[一二三四五六七八九十]+[、.．]\s*/, '');
      prev = null;
      // "一中队（城区中队）　中队长：张三": the section and its head.
      const head = SECTION_HEAD.exec(section);
      if (head && namesIn(head[3]).length > 0) {
        section = head[1]!.trim();
        const office = section.replace(/[（(][^）)]*[）)]$/, '');
        records.push(
          makeRecord(ctx, {
            kind: 'leader',
            department: office,
            post: head[2]!,
            item: `${office}${head[2]!}`,
            duties: [`${head[2]!}：${namesIn(head[3]).join('、')}`],
            lead: namesIn(head[3]),
            oversees: [office],
            source,
          }),
        );
      }
      continue;
    }
    // Only a sequence number in the row: a layout artefact.
    if (texts.every((x) => /^\d+$/.test(x))) continue;

    let task = normaliseItem(pick(layout, row, 'task'));
    const dutyText = pick(layout, row, 'duty');
    let post = normalisePost(pick(layout, row, 'post'));
    let department = cleanCell(pick(layout, row, 'department')) || null;
    let unitCell = cleanCell(pick(layout, row, 'unit'));
    // A "科室" cell naming an organisation with its own place name is a unit under this one (a centre, a station).
    if (department && !unitCell && isOrgName(department) && unitLevel(department) !== 'unit' && !/[科股室处]$/.test(department)) {
      unitCell = department;
      department = null;
    }
    const tagged = taggedPeople(pick(layout, row, 'lead'));
    let lead = tagged.lead;
    let assistants = [...tagged.assistants, ...namesIn(pick(layout, row, 'assist'))].filter((n, i, a) => !lead.includes(n) && a.indexOf(n) === i);
    let inherited = personCols.some((c) => vertical[r]![c.index]);

    // A post printed once for its group (merged, or left blank below): the rows under it keep it.
    if (!post && postCol && prev && !own[r]![postCol.index]) post = prev.post;
    if (!department && !has(layout, 'department') && section && !isOrgName(section)) department = null;
    if (!department && section && (isOrgName(section) || /[科股室处]$/.test(section))) department = section;
    if (!department && section && isOrgName(section.replace(/[（(][^）)]*[）)]$/, ''))) department = section.replace(/[（(][^）)]*[）)]$/, '');
    if (lead.length === 0 && assistants.length === 0 && personCols.length > 0 && prev && post && post === prev.post) {
      lead = [...prev.lead];
      assistants = [...prev.assistants];
      inherited = lead.length + assistants.length > 0;
    }
    if (!task && dutyText) task = shortTitle(dutyText);
    if (!task) continue;
    const subtask = cleanCell(pick(layout, row, 'subtask'));
    if (subtask && subtask !== task) task = `${task}（${subtask}）`;

    const duties = splitEntries(dutyText);
    const responsibilities = splitEntries(pick(layout, row, 'resp'));
    const processText = pick(layout, row, 'process');
    let flow = flowFromText(processText);
    if (!flow && /^[\u4e00-\u9fa5]{2,8}$/.test(processText)) flow = { codes: [], titles: [], steps: [processText], subflows: [] };
    if (!flow) {
      const steps = stepsFromResponsibilities(responsibilities);
      if (steps.length >= 2) flow = { codes: [], titles: [], steps, subflows: [] };
    }
    const timeLimit = deadlineOf(layout, row, vocab) ?? extractTimeLimit([...responsibilities, ...duties]);
    const details: Detail[] = [];
    for (const c of layout.columns) {
      // A column no header word names (包联村, 职务 under A角) is still a printed fact of the row.
      if (!c.role && c.label && c.index !== postCol?.index) {
        const text = cleanCell(row[c.index]);
        if (text && !details.some((d) => d.text === text)) details.push({ label: c.label.replace(/\//g, ''), text });
        continue;
      }
      if (!c.role || !DETAIL_ROLES.includes(c.role)) continue;
      const text = cleanCell(row[c.index]);
      if (text && !details.some((d) => d.text === text)) details.push({ label: c.label.split('/').pop()!, text });
    }
    // Several time-limit columns (法定 / 承诺): the one not used as the time limit is kept as a fact.
    const limits = layout.columns.filter((c) => c.role === 'deadline' && cleanCell(row[c.index]));
    for (const c of limits) {
      const text = cleanCell(row[c.index]);
      if (limits.length > 1 && text !== timeLimit && !details.some((d) => d.text === text)) details.push({ label: c.label.replace(/\//g, ''), text });
    }
    if (section && !department) details.unshift({ label: '类别', text: section });
    const unit = unitCell && unitCell !== ctx.unit ? unitCell : undefined;
    const who = post || department || unitCell || (lead.length > 0 ? '' : '');
    records.push(
      makeRecord(ctx, {
        unit,
        department: department ?? (unit ? null : ctx.department),
        post: who || '（未注明岗位）',
        item: task,
        duties,
        responsibilities,
        flow,
        timeLimit,
        lead,
        assistants,
        peopleInherited: inherited && lead.length + assistants.length > 0,
        details,
        source,
      }),
    );
    prev = { post, department, unit: unitCell, lead, assistants, task };
    // "A角 | 姓名 | 职务" printing a head's position (科长, 主任): who heads the section.
    for (const [nameCol, posCol] of positionPairs) {
      const position = cleanCell(row[posCol.index]);
      const names = namesIn(row[nameCol.index]);
      const office = department ?? (unit ? null : ctx.department);
      const key = `${unit ?? ''}|${office ?? ''}|${position}|${names.join('、')}`;
      if (!HEAD_POSITION.test(position) || names.length !== 1 || heads.has(key)) continue;
      heads.add(key);
      records.push(
        makeRecord(ctx, {
          kind: 'leader',
          unit,
          department: office,
          post: position,
          item: `${office ?? unit ?? ''}${position}`,
          duties: [`${position}：${names[0]!}`],
          lead: names,
          source,
        }),
      );
    }
  }
  if (records.length === 0) warnings.push(`表格（第${t.prov.line}行起）有表头但没有可读的事项行`);
  return { records: groupStages(records), warnings };
}

/** A stage cell: one short step name ("受理", "审查", "决定"), not a chain or a list. */
const isStage = (r: DutyRecord) => r.flow !== null && r.flow.steps.length === 1 && [...r.flow.steps[0]!].length <= 8;

/**
 * A flow-node table prints one row per stage of an item (受理 | 窗口 | 张三 | 当场; 审查 | …): the rows of
 * one item become one record whose steps name each stage's post, people and time limit.
 */
function groupStages(records: DutyRecord[]): DutyRecord[] {
  const out: DutyRecord[] = [];
  const heads = new Set<string>();
  for (let i = 0; i < records.length; ) {
    let j = i + 1;
    while (j < records.length && records[j]!.item === records[i]!.item && records[j]!.unit === records[i]!.unit) j++;
    const run = records.slice(i, j);
    if (run.length < 2 || !run.every(isStage)) {
      out.push(...run);
      i = j;
      continue;
    }
    const first = run[0]!;
    const posts = new Map<string, number>();
    for (const r of run) posts.set(r.post, (posts.get(r.post) ?? 0) + 1);
    const post = [...posts].sort((a, b) => b[1] - a[1])[0]![0];
    const people = [...new Set(run.flatMap((r) => r.lead))];
    const steps = run.map((r) => {
      const who = [r.post !== post ? r.post : '', r.lead.join('、')].filter(Boolean).join(' ');
      const extra = [who, r.timeLimit ?? ''].filter(Boolean).join('，');
      return extra ? `${r.flow!.steps[0]}（${extra}）` : r.flow!.steps[0]!;
    });
    out.push({
      ...first,
      post,
      duties: run.flatMap((r) => r.duties.map((d) => `${r.flow!.steps[0]}：${d}`)),
      flow: { codes: [], titles: [], steps, subflows: [] },
      timeLimit: run.map((r) => (r.timeLimit ? `${r.flow!.steps[0]}${r.timeLimit}` : '')).filter(Boolean).join('，') || null,
      lead: people.filter((n) => run.some((r) => r.post === post && r.lead.includes(n))),
      assistants: people.filter((n) => !run.some((r) => r.post === post && r.lead.includes(n))),
      peopleInherited: false,
      details: [...(first.details ?? []), ...[...posts.keys()].filter((p) => p !== post).map((p) => ({ label: '参与岗位', text: p }))],
    });
    out.push(...stageHeads(run, heads));
    i = j;
  }
  return out;
}

/** "规划股股长" → the office 规划股 and its head; "局长", "分管副局长" head the unit itself. */
const OFFICE_HEAD = /^(.{2,}?(?:科|股|室|处|队|中心|所|站|办))(.*(?:长|主任|书记))$/;

/**
 * A stage done by a head ("决定 | 局长 | 张三"): the only place such a table says who holds the office, so
 * the holder becomes a leader row of the unit (or of the office the position names), once per table.
 */
function stageHeads(run: DutyRecord[], seen: Set<string>): DutyRecord[] {
  const out: DutyRecord[] = [];
  for (const r of run) {
    if (!HEAD_POSITION.test(r.post) || r.lead.length !== 1) continue;
    const key = `${r.unit}|${r.post}|${r.lead[0]}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const office = OFFICE_HEAD.exec(r.post)?.[1] ?? null;
    const { details: _stageDetails, ...row } = r;
    out.push({
      ...row,
      kind: 'leader',
      department: office,
      item: `${office ?? r.unit}${office ? r.post.slice(office.length) : r.post}`,
      duties: [`${r.post}：${r.lead[0]!}`],
      responsibilities: [],
      flow: null,
      timeLimit: null,
      assistants: [],
      peopleInherited: false,
      oversees: [],
    });
  }
  return out;
}

/**
 * A two-column card ("岗位名称 | 规划审批岗", "岗位职责 | …"): the left column holds the header words. Returns
 * the label → value pairs, or null where the table is not such a card.
 */
export function keyValuePairs(t: TableBlock, vocab: HeaderVocab = DEFAULT_VOCAB): [string, string][] | null {
  if (t.cols !== 2 && t.cols !== 4) return null;
  const { filled } = filledGrid(t);
  const pairs: [string, string][] = [];
  for (const row of filled) {
    for (let c = 0; c + 1 < t.cols; c += 2) {
      const k = cleanCell(row[c]);
      const v = (row[c + 1] ?? '').trim();
      if (k && k !== cleanCell(v)) pairs.push([k, v]);
    }
  }
  const labelled = pairs.filter(([k]) => headerLike(k) && roleOf(k, vocab) !== null).length;
  return labelled >= 2 && labelled >= pairs.length / 2 ? pairs : null;
}

/** One record from label → value pairs (a 岗位说明书 card or key：value lines). */
export function cardRecord(
  pairs: [string, string][],
  ctx: DocContext,
  source: Source,
  vocab: HeaderVocab = DEFAULT_VOCAB,
): DutyRecord | null {
  const by = new Map<ColumnRole, string[]>();
  const details: Detail[] = [];
  for (const [k, v] of pairs) {
    const role = roleOf(k, vocab)?.role;
    if (!role) {
      if (cleanCell(v)) details.push({ label: k, text: cleanCell(v) });
      continue;
    }
    by.set(role, [...(by.get(role) ?? []), v]);
    if (DETAIL_ROLES.includes(role) && cleanCell(v)) details.push({ label: k, text: cleanCell(v) });
  }
  const get = (role: ColumnRole) => (by.get(role) ?? []).join('\n');
  const post = normalisePost(get('post'));
  const duties = splitEntries(get('duty'));
  const task = normaliseItem(get('task')) || (post ? `${post}职责` : duties[0] ? shortTitle(duties[0]) : '');
  if (!task || (!post && duties.length === 0)) return null;
  // "AB角：A角：张三　B角：李四" in one field: each name in its place.
  const ab = abPeople(`${get('lead')}\n${get('assist')}`);
  const tagged = ab ?? taggedPeople(get('lead'));
  const lead = tagged.lead;
  const assistants = [...tagged.assistants, ...(ab ? [] : namesIn(get('assist')))].filter((n, i, a) => !lead.includes(n) && a.indexOf(n) === i);
  return makeRecord(ctx, {
    unit: cleanCell(get('unit')) || undefined,
    department: cleanCell(get('department')) || ctx.department,
    post: post || cleanCell(get('department')) || '（未注明岗位）',
    item: task,
    duties,
    responsibilities: splitEntries(get('resp')),
    flow: flowFromText(get('process')),
    timeLimit: cleanCell(get('deadline')) || extractTimeLimit(duties),
    lead,
    assistants,
    details,
    source,
  });
}

/** A table nobody recognised, as searchable passages: one per row, "列名：值；…" (never naming people as responsible). */
export function rowSentences(t: TableBlock, ctx: DocContext, caption: string | null): DutyRecord[] {
  const { filled } = filledGrid(t);
  const header = filled[0]!.map((c) => cleanCell(c));
  const headed = header.filter((h) => headerLike(h)).length >= Math.max(2, header.length / 2);
  const out: DutyRecord[] = [];
  for (let r = headed ? 1 : 0; r < t.rows; r++) {
    const row = filled[r]!.map((c) => cleanCell(c));
    if (!row.some(Boolean)) continue;
    const parts = row.map((v, i) => (v ? (headed && header[i] ? `${header[i]}：${v}` : v) : '')).filter(Boolean);
    const first = row.find((v) => v && !/^\d+$/.test(v)) ?? '';
    out.push(
      makeRecord(ctx, {
        kind: 'passage',
        post: '',
        item: shortTitle(first) || caption || ctx.heading || ctx.unit,
        duties: [parts.join('；')],
        timeLimit: extractTimeLimit(row),
        details: caption ? [{ label: '表格', text: caption }] : [],
        source: { file: ctx.file, line: t.rowProv[r]?.line ?? t.prov.line, ...(t.rowProv[r]?.ref ? { ref: t.rowProv[r]!.ref } : {}) },
      }),
    );
  }
  return out;
}
