import { type Block, type DocModel, type TableBlock, type TextBlock, tableGrid } from '../document.js';
import { DEFAULT_VOCAB, type HeaderVocab, headerLike, roleOf } from '../headerRoles.js';
import { assignment, mutualBackups, namesIn, peopleInSentence } from '../people.js';
import type { DutyRecord, ParsedManual, Source, UnitInfo } from '../record.js';
import { ManualParseError } from '../record.js';
import { extractTimeLimit, splitEntries } from '../text.js';
import { matchForm } from '../normalise.js';
import { isOrgName, placeOf, unitInTitle, unitLevel } from '../units.js';
import { type DocContext, makeRecord, shortTitle } from './context.js';
import { flowFromText } from './flowText.js';
import { GUIDE_FIELD, type Guide, guideRecord } from './guide.js';
import { headingLike, markerOf } from './numbering.js';
import {
  ROLE_WORDS,
  dutySentenceRecord,
  headcountDuty,
  headsNamed,
  leaderLine,
  type LeaderLine,
  nameWithPositions,
  officeHeading,
  overseen,
  orgDuty,
  postHeading,
  roleLine,
  rolesInSentence,
  wordTimeLimit,
} from './prose.js';
import { cardRecord, isDutyTable, keyValuePairs, roleTableRecords, rowSentences, tableLayout } from './roleTable.js';

const PASSAGE_CHARS = 360;
/** A task's deadline as a plan writes it: "2025年6月底前完成", "每季度末前", "长期坚持". */
const TASK_DEADLINE = /(?:\d{4}年)?\d{1,2}月(?:\d{1,2}日|底|末|中旬|上旬|下旬)?前(?:完成)?|每(?:季度|月|年|周|半年)[^，。；]{0,8}?前|长期坚持|年底前(?:完成)?/;
const taskDeadline = (text: string): string | null => TASK_DEADLINE.exec(text)?.[0] ?? null;
const LEADER_POST = /^[\u4e00-\u9fa5、]{0,10}(?:局长|厅长|处长|科长|股长|所长|站长|队长|院长|主任|书记)$/;
/** How a duty sentence starts when it gives an office work. */
const OFFICE_DUTY = /^(?:负责|承担|组织|拟订|拟定|起草|指导|参与|协助|开展|管理|编制|监督|落实|完成|做好|提供|统筹|审核|审查)/;
/** Words that make a line a document's title. */
const DOC_TITLE = /清单|手册|目录|一览表|汇总表|指南|方案|报告|通知|办法|规定|制度|细则|意见|规则|说明书|职责|职能|流程|承诺|公告|决定|分工/;
/** The body a notice sets up: "关于成立林长制工作领导小组的通知" → "林长制工作领导小组". */
const GROUP_IN_TITLE = /关于(?:成立|调整|印发|明确|建立|组建)?(.{2,30}?(?:领导小组|工作专班|专班|指挥部|委员会|工作组|联席会议))/;

function sourceOf(file: string, b: Block): Source {
  return { file, line: b.prov.line, ...(b.prov.ref ? { ref: b.prov.ref } : {}) };
}

/**
 * A title a printed page broke over lines ("…关于调整…领导小" / "组" / "及办公室组成人员的通知"): the lines
 * from `first` on, joined until one ends the title.
 */
function joinTitle(head: TextBlock[], first: TextBlock): string {
  const clean = (t: string) => t.trim().replace(/^[#\s*]+|[\s*]+$/g, '');
  // The title may have started a line or two above the line that ends it.
  const at = head.indexOf(first);
  for (let back = 1; back <= 2 && at - back >= 0; back++) {
    const above = clean(head[at - back]!.text);
    if ([...above].length > 40 || /[。；，]/.test(above)) break;
    if (/关于/.test(above)) {
      first = head[at - back]!;
      break;
    }
  }
  let title = clean(first.text);
  const ends = /(?:通知|清单|手册|目录|一览表|汇总表|指南|方案|报告|办法|规定|制度|细则|意见|规则|说明书|职责|公告|决定|表)$/;
  for (let i = head.indexOf(first) + 1; i < head.length && !ends.test(title) && /关于/.test(title); i++) {
    const next = clean(head[i]!.text);
    if ([...next].length > 30 || /[。；，]/.test(next)) break;
    title += next;
  }
  return title;
}

/** The document's title: its first heading, or its first short line; the file name without extension otherwise. */
export function titleOf(doc: DocModel): string {
  // A reader's title (the largest print) can be a letterhead; a line naming the document wins over it.
  // Page furniture copied from a website (breadcrumbs "首页 > …", "索引号: …", "• 无障碍") is never the title.
  const head = doc.body
    .slice(0, 12)
    .filter((b): b is TextBlock => b.kind !== 'table' && !/[>|｜•]|^\S{1,6}\s*[:：]/.test(b.text.trim()));
  const named =
    head.find((b) => [...b.text.trim()].length <= 60 && DOC_TITLE.test(matchForm(b.text)) && !/[。；]$/.test(b.text.trim()) && unitInTitle(matchForm(b.text))) ??
    head.find((b) => [...b.text.trim()].length <= 60 && DOC_TITLE.test(matchForm(b.text)) && !/[。；]$/.test(b.text.trim())) ??
    head.find((b) => [...b.text.trim()].length <= 40 && /关于/.test(b.text) && !/[。；，]/.test(b.text));
  if (named) return joinTitle(head, named);
  if (doc.title) return pageTitle(doc.title);
  const firstTable = doc.body.slice(0, 4).find((b): b is TableBlock => b.kind === 'table');
  if (firstTable) {
    const caption = firstTable.caption ?? tableLayout(firstTable)?.caption;
    if (caption && [...caption].length <= 60) return caption;
  }
  for (const b of doc.body.slice(0, 8)) {
    if (b.kind === 'table') break;
    const t = b.text.trim();
    if (t && [...t].length <= 60 && !/[。；]$/.test(t)) return t.replace(/^[#\s*]+|[\s*]+$/g, '');
  }
  // The file's own name, without an id prefix like "f11_" or "001-".
  return doc.file.replace(/\.[^.]+$/, '').replace(/^[A-Za-z0-9]{1,12}[_-](?=\p{Script=Han})/u, '');
}

/** A web page's title without the site's furniture: "某局领导分工_机构概况_某县人民政府门户网站" → "某局领导分工". */
export function pageTitle(title: string): string {
  return title.split(/\s*[_|｜]\s*|\s+[-–—]\s+/).find((part) => part.trim())?.trim() ?? title;
}

/** A section a title names after its unit: "…局国土空间规划科履职清单" → "国土空间规划科". */
function departmentInTitle(title: string, unit: string): string | null {
  const at = title.indexOf(unit);
  if (at < 0) return null;
  const m = /^([\u4e00-\u9fa5]{2,20}?(?:科|股|处|室|办公室|大队|支队|中心))(?=清单|履职|岗位|职责|权责|工作|手册|一览|$)/.exec(title.slice(at + unit.length));
  return m ? m[1]! : null;
}

/** The organisation that issues the document: a line that is only an org name, above the title or above the date. */
function issuerOf(doc: DocModel): string | null {
  const texts = doc.body.filter((b): b is TextBlock => b.kind !== 'table').map((b) => b.text.trim());
  for (const t of [...texts.slice(0, 3), ...texts.slice(-4).reverse()]) if (isOrgName(t) && [...t].length <= 30) return t;
  // A red-headed document's letterhead: "某某局文件".
  for (const t of texts.slice(0, 2)) {
    const head = t.replace(/\s+/g, '').replace(/文件$/, '');
    if (head !== t.replace(/\s+/g, '') && isOrgName(head) && [...head].length <= 30) return head;
  }
  return null;
}

/** A line stating the unit's parent ("上级单位：某县自然资源局", "主管部门：…"), where the document has one. */
function statedParent(texts: readonly string[], unit: string): string | null {
  for (const t of texts) {
    const m = /^(?:上级(?:主管)?(?:单位|部门|机关)|主管(?:单位|部门|机关)|隶属(?:单位|关系)?)\s*[:：]\s*(\S+?)[。；;]?$/.exec(t);
    if (m && m[1] !== unit && isOrgName(m[1]!)) return m[1]!;
  }
  return null;
}


/**
 * The unit a document is about: named in its title or first lines, else its issuer. A body a notice sets up
 * ("林长制工作领导小组") takes its issuer's place name and has the issuer as parent.
 */
function unitOf(doc: DocModel, title: string, issuer: string | null): { unit: string; parent: string | null } | null {
  const texts = doc.body.filter((b): b is TextBlock => b.kind !== 'table').map((b) => b.text.trim());
  let found = unitInTitle(matchForm(title));
  for (const t of texts.slice(0, 6)) if (!found && !/[>|｜•]/.test(t)) found = unitInTitle(matchForm(t));
  if (found && issuer && found !== issuer && unitLevel(found) === 'unit') {
    const place = placeOf(issuer);
    return { unit: found.startsWith(place) ? found : `${place}${found}`, parent: issuer };
  }
  if (found) return { unit: found, parent: statedParent(texts, found) };
  return issuer ? { unit: issuer, parent: null } : interpreter(texts, title);
}

/**
 * A regulation that names no unit in its title is its interpreter's: "本办法由市自然资源和规划局负责解释" in a
 * "某市…办法" is that city's bureau.
 */
function interpreter(texts: readonly string[], title: string): { unit: string; parent: null } | null {
  for (const t of texts) {
    const m = /本(?:办法|规定|细则|制度|意见|方案|规则|准则)由([^，。；,;]{2,30}?)负责解释/.exec(t.replace(/\s+/g, ''));
    if (!m || !isOrgName(m[1]!)) continue;
    const org = m[1]!;
    const place = placeOf(matchForm(title));
    if (placeOf(org)) return { unit: org, parent: null };
    // "市自然资源和规划局" in "某市…办法": the title's city.
    const unit = place && org[0] === place[place.length - 1] ? `${place}${org.slice(1)}` : `${place}${org}`;
    return { unit, parent: null };
  }
  return null;
}

interface Walk {
  ctx: DocContext;
  records: DutyRecord[];
  warnings: string[];
  units: Map<string, UnitInfo>;
  /** The post the current section is about, with its people. */
  post: { name: string; level: number; lead: string[]; assistants: string[] } | null;
  /** Key：value lines being collected into one card. */
  card: { pairs: [string, string][]; source: Source } | null;
  /** Paragraphs no rule claimed, waiting to become a passage under the current heading. */
  passage: { texts: string[]; source: Source } | null;
  headings: { level: number; text: string }[];
  /** The body whose members a notice names, prefixed to its role records' items. */
  group: string;
  /** The office or unit a heading opened, with its head (lead) and deputies, whose duty lines follow. */
  office: { name: string; level: number; lead: string[]; assistants: string[] } | null;
  /** A leader named on a line of their own ("张三　副局长"), waiting for the paragraph of their 分工. */
  leader: { names: string[]; position: string; source: Source; texts: string[] } | null;
  /** A 办事指南 section being read field by field. */
  guide: Guide | null;
}

function flushGuide(w: Walk): void {
  if (!w.guide) return;
  const g = w.guide;
  w.guide = null;
  const r = guideRecord(w.ctx, g);
  if (r) w.records.push(r);
  else for (const f of g.fields) for (const t of [f.label, ...f.texts]) addPassage(w, t, g.source);
}

function leaderRecord(w: Walk, position: string, names: string[], text: string, source: Source): DutyRecord {
  const department = w.office && w.ctx.department === w.office.name ? w.office.name : w.ctx.department;
  return makeRecord(w.ctx, {
    kind: 'leader',
    department,
    post: position,
    item: text ? shortTitle(text.replace(/^[\u4e00-\u9fa5]{2,6}[:：]\s*/, '')) : `${department ?? ''}${position}`,
    duties: text ? splitEntries(text) : [`${position}：${names.join('、')}`],
    lead: names,
    oversees: overseen(text),
    source,
  });
}

/**
 * The leader rows of a leader line, and of the further leaders on the same line ("中心主任：张三　副主任：李四
 * （分管…）"). Returns what is left of the line that names no leader.
 */
function pushLeaders(w: Walk, leader: LeaderLine, source: Source): string {
  let others = '';
  for (let l: LeaderLine | null = leader; l; l = others ? leaderLine(others) : null) {
    for (const h of l.holders) w.records.push(leaderRecord(w, h.position, h.names, h.rest ?? l.rest, source));
    others = l.others;
  }
  return others;
}

function flushLeader(w: Walk): void {
  if (!w.leader) return;
  w.records.push(leaderRecord(w, w.leader.position, w.leader.names, w.leader.texts.join('。'), w.leader.source));
  w.leader = null;
}

/** A "label：value" line of a leader's 分工 ("工作职责：…", "分管股室：…", "联系乡镇：…"). */
const LEADER_FIELD = /^[\u4e00-\u9fa5]{2,6}[:：]\s*\S/;

function flushCard(w: Walk): void {
  flushLeader(w);
  flushGuide(w);
  if (!w.card) return;
  const r = cardRecord(w.card.pairs, w.ctx, w.card.source);
  // A card for a leader's position ("岗位名称：副主任") describes a leader: what they 分管 is kept.
  if (r && LEADER_POST.test(r.post)) {
    r.kind = 'leader';
    r.oversees = overseen(r.duties.join('。'));
  }
  if (r) w.records.push(r);
  // A label with nothing after it ("主要职责：" above a list) says nothing on its own.
  else for (const [k, v] of w.card.pairs) if (v.trim()) addPassage(w, `${k}：${v}`, w.card.source);
  w.card = null;
}

function flushPassage(w: Walk): void {
  if (!w.passage) return;
  const texts = w.passage.texts;
  const heading = w.headings.map((h) => h.text).slice(-2).join(' › ');
  w.records.push(
    makeRecord(w.ctx, {
      kind: 'passage',
      post: '',
      item: heading || shortTitle(texts[0]!),
      duties: texts,
      timeLimit: extractTimeLimit(texts) ?? wordTimeLimit(texts.join('')),
      source: w.passage.source,
    }),
  );
  w.passage = null;
}

function addPassage(w: Walk, text: string, source: Source): void {
  if (w.passage && w.passage.texts.join('').length + text.length > PASSAGE_CHARS) flushPassage(w);
  if (!w.passage) w.passage = { texts: [], source };
  w.passage.texts.push(text);
}

function setHeading(w: Walk, level: number, text: string): void {
  flushCard(w);
  flushPassage(w);
  while (w.headings.length > 0 && w.headings[w.headings.length - 1]!.level >= level) w.headings.pop();
  w.headings.push({ level, text });
  w.ctx = { ...w.ctx, heading: text };
  if (w.post && w.post.level >= level) w.post = null;
  if (w.office && w.office.level >= level) w.office = null;
}

/** A sheet named for an office ("国土空间规划科", "不动产登记中心"): the section its table belongs to. */
/** A body with a place of its own below the document's unit ("某街道自然资源所", "某镇规划站"): a unit, not a section. */
function subUnit(name: string): boolean {
  return unitLevel(name) !== 'unit' && /局|中心|大队|支队|所|站|院$/.test(name);
}

function sheetOffice(sheet: string | undefined): string | null {
  const name = sheet?.trim() ?? '';
  if ([...name].length < 3 || /^sheet\d*$/i.test(name)) return null;
  return isOrgName(name) || /[科股室处部]$/.test(name) ? name : null;
}

function table(w: Walk, t: TableBlock, vocab: HeaderVocab): void {
  flushGuide(w);
  flushCard(w);
  flushPassage(w);
  const layout = tableLayout(t, vocab);
  if (layout && isDutyTable(layout)) {
    const office = sheetOffice(t.sheet);
    const ctx = !office || office === w.ctx.unit ? w.ctx : subUnit(office) ? { ...w.ctx, unit: office, scope: unitLevel(office), parentUnit: w.ctx.parentUnit ?? w.ctx.unit, department: null } : { ...w.ctx, department: office };
    const { records, warnings } = roleTableRecords(t, layout, ctx, vocab);
    w.records.push(...records);
    w.warnings.push(...warnings);
    signatureRows(w, t);
    return;
  }
  const pairs = keyValuePairs(t, vocab);
  if (pairs) {
    const r = cardRecord(pairs, w.ctx, { file: w.ctx.file, line: t.prov.line, ...(t.prov.ref ? { ref: t.prov.ref } : {}) }, vocab);
    if (r) {
      w.records.push(r);
      return;
    }
  }
  const officials = officialsTable(w, t);
  if (officials.length > 0) {
    w.records.push(...officials);
    return;
  }
  const rows = rowSentences(t, w.ctx, layout?.caption ?? t.caption ?? w.ctx.heading);
  if (rows.length > 0) {
    const first = tableGrid(t).text[layout?.headerRows ? layout.headerRows - 1 : 0]!.map((c) => c.trim()).filter(Boolean).slice(0, 8);
    const where = t.rowProv[0]?.ref ?? `第${t.prov.line}行`;
    w.warnings.push(
      `${where}起的表格找不到“岗位”或“工作事项”列（表头是“${first.join('｜')}”），已按“列名：值”作为文字段落收录；如是职责表，请把列名改为“岗位”“工作事项”“职责”“负责人”等（见 seeds/header-vocab.json）`,
    );
  }
  w.records.push(...rows);
}

/** Rows of one line across the table naming its leaders, above or below it: "大队长：张三　　填表日期：…". */
function signatureRows(w: Walk, t: TableBlock): void {
  tableGrid(t).text.forEach((row, r) => {
    const cells = [...new Set(row.map((c) => c.trim()).filter(Boolean))];
    const leader = cells.length === 1 ? leaderLine(cells[0]!) : null;
    if (leader) pushLeaders(w, leader, { file: w.ctx.file, line: t.rowProv[r]?.line ?? t.prov.line, ...(t.rowProv[r]?.ref ? { ref: t.rowProv[r]!.ref } : {}) });
  });
}

const ROLE_CELL = new RegExp(`^(${ROLE_WORDS.map((r) => [...r].join('\\s*')).join('|')})\\s*[:：]?\\s*(.*)$`);

/**
 * A table listing a body's members: "组长：张三 | 镇党委书记", "李四 | 副镇长" (the role carried down). One
 * record per role, its people in order, their positions as its text.
 */
function officialsTable(w: Walk, t: TableBlock): DutyRecord[] {
  const { text } = tableGrid(t);
  const roles: { role: string; names: string[]; positions: string[]; line: number }[] = [];
  let current: (typeof roles)[number] | null = null;
  let matched = 0;
  text.forEach((row, r) => {
    const cells = row.map((c) => c.trim()).filter(Boolean);
    if (cells.length === 0) return;
    const m = ROLE_CELL.exec(cells[0]!);
    let name = '';
    if (m) {
      const role = m[1]!.replace(/\s+/g, '');
      current = roles.find((x) => x.role === role) ?? null;
      if (!current) {
        current = { role, names: [], positions: [], line: t.rowProv[r]?.line ?? t.prov.line };
        roles.push(current);
      }
      name = m[2]!;
      matched++;
    } else if (current && namesIn(cells[0]).length === 1) {
      name = cells[0]!;
      matched++;
    } else return;
    const found = namesIn(name);
    current!.names.push(...found);
    const position = cells.slice(1).join(' ');
    if (position) current!.positions.push(found.length > 0 ? `${found.join('、')}：${position}` : position);
  });
  if (roles.length === 0 || matched < 2) return [];
  return roles.map((r) =>
    makeRecord(w.ctx, {
      kind: 'taskforce-role',
      post: r.role,
      item: `${w.group}${r.role}`,
      duties: r.positions,
      lead: [...new Set(r.names)],
      source: { file: w.ctx.file, line: r.line },
    }),
  );
}

/** "岗位名称：规划审批岗" — a labelled line whose label is a header word. */
function keyValue(text: string, vocab: HeaderVocab): [string, string] | null {
  const m = /^([^：:]{2,10})[:：]\s*(.*)$/.exec(text.trim());
  if (!m || !headerLike(m[1]!) || (roleOf(m[1]!, vocab)?.score ?? 0) < 0.85) return null;
  return [m[1]!.trim(), m[2]!.trim()];
}

/** Inside a card, any short label: "上级单位：…". */
function anyLabel(text: string): [string, string] | null {
  // Han words, or Latin letters with them ("AB角").
  const m = /^((?=[A-Za-z]*[\u4e00-\u9fa5])[A-Za-z\u4e00-\u9fa5]{2,8})[:：]\s*(.+)$/.exec(text.trim());
  return m ? [m[1]!, m[2]!.trim()] : null;
}

const KIND_WORD = /^(?:行政)?(?:许可|处罚|强制|征收|征用|给付|裁决|确认|奖励|检查|备案|其他)(?:权力|类|事项)?$|^其他(?:行政)?权力$|权力$/;

/**
 * A table row printed as one line with labelled cells ("… 承办机构：规划股 办理时限：10个工作日 联系人：张三"),
 * as web pages and copies flatten them: the labels that are header words, and the unlabelled text before them.
 */
function inlineLabels(text: string, vocab: HeaderVocab): { head: string; pairs: [string, string][] } | null {
  const marks = [...text.matchAll(/(?<=^|\s)([\u4e00-\u9fa5]{2,6})[:：]/g)].filter((m) => (roleOf(m[1]!, vocab)?.score ?? 0) >= 0.85);
  if (marks.length < 2) return null;
  const pairs: [string, string][] = marks.map((m, i) => [
    text.slice(m.index!, m.index! + m[1]!.length),
    text.slice(m.index! + m[0].length, marks[i + 1]?.index ?? text.length).trim(),
  ]);
  return { head: text.slice(0, marks[0]!.index).trim(), pairs };
}

/**
 * A line holding a whole card: "岗位名称：城市设计岗；所属部门：…；任职人员：…；岗位职责：1.…". Its pairs where it
 * starts with a header word and at least two labels are header words; null otherwise.
 */
function labelledLine(text: string, vocab: HeaderVocab): [string, string][] | null {
  const marks = [...text.matchAll(/(?:^|[；;。]\s*)([\u4e00-\u9fa5]{2,8})[:：]/g)].filter((m) => headerLike(m[1]!) && (roleOf(m[1]!, vocab)?.score ?? 0) >= 0.85);
  if (marks.length < 2 || marks[0]!.index !== 0) return null;
  return marks.map((m, i) => {
    const start = m.index! + m[0].length;
    const end = marks[i + 1]?.index ?? text.length;
    return [m[1]!, text.slice(start, end).replace(/^\s+|[；;\s]+$/g, '')];
  });
}

function paragraph(w: Walk, b: TextBlock, vocab: HeaderVocab): void {
  // Markdown: heading marks, quote marks and bold are layout, not text.
  let raw = (b.marker ? `${b.marker}${b.text}` : b.text).trim();
  if (w.ctx.file.toLowerCase().endsWith('.md')) raw = raw.replace(/^(?:#{1,6}|>)\s+/, '').replace(/\*\*(.+?)\*\*/g, '$1').trim();
  if (!raw) return;
  const source = sourceOf(w.ctx.file, b);
  const mk = markerOf(raw);
  const body = mk ? mk.rest : raw;

  // 办事指南: "一、事项名称" … "五、办理流程" … each field's lines belong to it until the service ends.
  const label = body.replace(/[:：]$/, '');
  const fieldHeading = (b.kind === 'heading' || (mk && !mk.article && mk.level <= 2)) && headingLike(body);
  if (fieldHeading && (GUIDE_FIELD.test(label) || (w.guide && (mk?.level ?? null) === w.guide.level && [...label].length <= 10))) {
    if (!w.guide || (label === '事项名称' && w.guide.fields.length > 0)) {
      flushGuide(w);
      flushCard(w);
      flushPassage(w);
      const above = w.headings[w.headings.length - 1]?.text ?? null;
      w.guide = { name: above && !GUIDE_FIELD.test(above) ? above : null, level: mk?.level ?? null, fields: [], source };
    }
    w.guide.fields.push({ label, texts: [] });
    return;
  }
  if (w.guide) {
    if (b.kind === 'heading') flushGuide(w);
    else {
      w.guide.fields[w.guide.fields.length - 1]!.texts.push(raw);
      return;
    }
  }

  if (w.post && /^(?:责任人|负责人|承办人|经办人|A角|配合人员?|协办人|辅助人员|B角)[:：]/.test(body)) {
    flushPassage(w);
    const people = peopleInSentence(body);
    if (people.lead.length > 0) w.post.lead = people.lead;
    if (people.assistants.length > 0) w.post.assistants = people.assistants;
    for (const r of w.records) {
      if (r.post === w.post.name && r.lead.length === 0 && r.assistants.length === 0) {
        r.lead = [...w.post.lead];
        r.assistants = [...w.post.assistants];
      }
    }
    return;
  }

  // The paragraph under "张三　副局长" is that leader's 分工.
  // Or the labelled lines under it, one field a line.
  if (w.leader) {
    const l = w.leader;
    const fields = l.texts.length > 0 && l.texts.every((t) => LEADER_FIELD.test(t));
    if (b.kind !== 'heading' && !markerOf(body)?.article && !nameWithPositions(body) && (l.texts.length === 0 || (fields && LEADER_FIELD.test(body)))) {
      l.texts.push(body.replace(/[。；;]$/, ''));
      if (!LEADER_FIELD.test(body)) flushLeader(w);
      return;
    }
    flushLeader(w);
  }
  const leader = w.group ? null : leaderLine(body);
  if (leader && !(leader.holders.length === 1 && !/^(?:负责人|领导)/.test(body) && ROLE_WORDS.includes(leader.holders[0]!.position))) {
    flushCard(w);
    flushPassage(w);
    const others = pushLeaders(w, leader, source);
    if (others) addPassage(w, others, source);
    if (w.office && w.office.lead.length === 0) {
      w.office.lead = leader.holders.filter((h) => !/副/.test(h.position)).flatMap((h) => h.names);
      w.office.assistants = leader.holders.filter((h) => /副/.test(h.position)).flatMap((h) => h.names);
    }
    return;
  }
  const named = w.group ? null : nameWithPositions(body);
  if (named) {
    flushCard(w);
    flushPassage(w);
    w.leader = { ...named, source, texts: [] };
    return;
  }

  const line = labelledLine(body, vocab);
  if (line) {
    flushCard(w);
    flushPassage(w);
    w.card = { pairs: line, source };
    return;
  }
  // A numbered line under a card's label left open ("岗位职责：" then "1. …", "2. …"): part of that value.
  const open = w.card?.pairs[w.card.pairs.length - 1];
  const cardHasPost = w.card?.pairs.some(([k]) => roleOf(k, vocab)?.role === 'post') ?? false;
  if (open && cardHasPost && mk && !mk.article && mk.level >= 3 && b.kind !== 'heading' && roleOf(open[0], vocab)?.role === 'duty') {
    open[1] = open[1] ? `${open[1]}\n${raw}` : raw;
    return;
  }

  const kv = keyValue(body, vocab) ?? (w.card ? anyLabel(body) : null);
  if (kv && !roleLine(body)) {
    const role = roleOf(kv[0], vocab)?.role;
    // A label seen again starts the next card ("岗位名称：…" once per post).
    if (w.card && role && w.card.pairs.some(([k]) => roleOf(k, vocab)?.role === role)) flushCard(w);
    if (!w.card) {
      flushPassage(w);
      w.card = { pairs: [], source };
    }
    w.card.pairs.push(kv);
    return;
  }
  flushCard(w);

  const role = roleLine(body);
  if (role) {
    flushPassage(w);
    const item = `${w.group}${role.role}`;
    if (role.names.length === 0 && role.members.length > 0) {
      w.records.push(makeRecord(w.ctx, { kind: 'taskforce-role', post: role.role, item, duties: [role.members.join('、')], source }));
    } else {
      w.records.push(makeRecord(w.ctx, { kind: 'taskforce-role', post: role.role, item, duties: role.positions, lead: role.names, source }));
    }
    return;
  }

  const isHeading = b.kind === 'heading' || (mk !== null && !mk.article && mk.level <= 2 && headingLike(body)) || (!mk && headingLike(body) && /[:：]$/.test(body));
  if (isHeading) {
    const level = b.kind === 'heading' ? (b.level ?? 1) - 1 : (mk?.level ?? 6);
    setHeading(w, level, body.replace(/[:：]$/, ''));
    // "县委机构编制委员会办公室：" under the title addresses the reader; it is not a section.
    if (!mk && b.kind !== 'heading' && /[:：]$/.test(body)) return;
    const post = postHeading(body);
    const people = peopleInSentence(body);
    if (post) w.post = { name: post, level, ...people };
    else {
      const office = officeHeading(body);
      if (office) {
        if (subUnit(office) && office !== w.ctx.unit) {
          w.ctx = { ...w.ctx, unit: office, scope: unitLevel(office), parentUnit: w.ctx.parentUnit ?? w.ctx.unit, department: null };
        } else w.ctx = { ...w.ctx, department: office };
        w.office = { name: office, level, lead: [], assistants: [] };
      }
    }
    return;
  }

  const hc = headcountDuty(body);
  if (hc) {
    flushPassage(w);
    // "规划股设股长1名…": the office's own record, found when a question names the office.
    const office = /(?:岗|组)$/.test(hc.post) ? w.ctx.department : hc.post;
    w.records.push(
      makeRecord(w.ctx, {
        department: office,
        post: hc.post,
        item: `${hc.post}职责`,
        duties: splitEntries(hc.body),
        timeLimit: extractTimeLimit([hc.body]),
        details: [{ label: '人员配备', text: hc.headcount }],
        ...peopleInSentence(body),
        source,
      }),
    );
    // "…股长由张三同志担任": who heads the office, as its own leader row.
    for (const h of headsNamed(body)) {
      w.records.push(
        makeRecord(w.ctx, {
          kind: 'leader',
          department: office,
          post: h.position,
          item: `${hc.post}${h.position}`,
          duties: [`${hc.post}${h.position}：${h.names.join('、')}`],
          lead: h.names,
          source,
        }),
      );
    }
    return;
  }

  const roles = rolesInSentence(body);
  if (roles.length > 0) {
    flushPassage(w);
    for (const r of roles) {
      w.records.push(makeRecord(w.ctx, { kind: 'taskforce-role', post: r.role, item: `${w.group}${r.role}`, duties: [body], lead: r.names, source }));
    }
    return;
  }
  // A date or the issuer's name under the text: the signature, not content.
  if (/^\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日$/.test(body) || (body === w.ctx.unit && w.records.length > 0)) return;
  const signed = /^(\S{2,30}?)[\s\u3000]+\d{4}\s*年\s*\d{1,2}\s*月(?:\s*\d{1,2}\s*日)?(?:印发|制)?$/.exec(body);
  if (signed && isOrgName(signed[1]!) && w.records.length > 0) return;

  if (w.post) {
    flushPassage(w);
    // "本岗位由某某负责" names the post's people: every item of the post, before and after.
    const whole = /本岗位(?:由|的?责任人(?:为|是|：|:))/.exec(body.replace(/\s+/g, ''));
    if (whole) {
      const people = peopleInSentence(body.replace(/\s+/g, '').slice(whole.index).replace(/^本岗位(?:的?责任人(?:为|是|：|:))/, '由'));
      if (people.lead.length > 0) {
        w.post.lead = people.lead;
        for (const r of w.records) if (r.post === w.post.name && r.lead.length === 0) r.lead = [...people.lead];
      }
    }
    w.records.push(dutySentenceRecord(w.ctx, w.post.name, body, source, w.post));
    return;
  }

  // A duty line under an office's heading ("（三）规划处" … "1.组织编制…"): the office's, its head in charge.
  if (w.office && (mk || OFFICE_DUTY.test(body)) && [...body].length >= 6) {
    flushPassage(w);
    const r = dutySentenceRecord(w.ctx, w.office.name, body, source, w.office);
    w.records.push(r);
    return;
  }

  // A 分工 task: "1.完成…。由张三同志牵头，李四同志负责，王五同志配合。2025年6月底前完成。"
  const assigned = w.post ? null : assignment(body);
  if (assigned && [...body].length >= 10) {
    flushPassage(w);
    const heading = w.ctx.heading?.replace(/^[一二三四五六七八九十]+、/, '');
    w.records.push(
      makeRecord(w.ctx, {
        post: w.ctx.department ?? '（未注明岗位）',
        item: shortTitle(body, 40),
        duties: [body],
        timeLimit: taskDeadline(body) ?? extractTimeLimit([body]) ?? wordTimeLimit(body),
        ...assigned,
        details: heading && heading !== w.ctx.department ? [{ label: '类别', text: heading }] : [],
        source,
      }),
    );
    return;
  }

  const org = orgDuty(body);
  if (org) {
    flushPassage(w);
    const r = dutySentenceRecord(w.ctx, org.org, org.body, source);
    if (mk?.article) r.details = [{ label: '条款', text: mk.marker }];
    w.records.push(r);
    return;
  }

  const inline = inlineLabels(body, vocab);
  if (inline && inline.head) {
    flushPassage(w);
    const tokens = inline.head.split(/\s+/).filter((t) => t && !/^\d+$/.test(t));
    if (tokens[0] && KIND_WORD.test(matchForm(tokens[0]))) tokens.shift();
    const item = tokens.shift() ?? shortTitle(inline.head);
    const r = cardRecord([['事项名称', item], ['职责', tokens.join(' ')], ...inline.pairs], w.ctx, source, vocab);
    if (r) {
      r.responsibilities = splitEntries(tokens.filter((t) => /责任/.test(matchForm(t))).join(' '));
      w.records.push(r);
      return;
    }
  }

  const flow = /→|->/.test(body) ? flowFromText(body.replace(/^[^：:]{0,16}[:：]/, '')) : null;
  if (flow && flow.steps.length >= 2) {
    flushPassage(w);
    const heading = w.ctx.heading;
    w.records.push(
      makeRecord(w.ctx, {
        post: w.ctx.department ?? '',
        item: heading ? heading.replace(/^[一二三四五六七八九十]+、/, '') : shortTitle(body),
        duties: [body],
        flow,
        timeLimit: extractTimeLimit([body]) ?? wordTimeLimit(body),
        ...peopleInSentence(body),
        source,
      }),
    );
    return;
  }

  if (mk?.article) {
    flushPassage(w);
    w.records.push(
      makeRecord(w.ctx, {
        kind: 'passage',
        post: '',
        item: `${mk.marker} ${shortTitle(body)}`,
        duties: [body],
        timeLimit: extractTimeLimit([body]) ?? wordTimeLimit(body),
        source,
      }),
    );
    return;
  }
  addPassage(w, raw, source);
}

/**
 * Any document by what its parts mean: tables by their header words, numbered sections naming posts and
 * offices, articles assigning work, notices naming officials; what no rule claims becomes passages.
 */
export function parseGenericDocument(doc: DocModel, vocab: HeaderVocab = DEFAULT_VOCAB): ParsedManual {
  const title = titleOf(doc);
  const issuer = issuerOf(doc);
  let named = unitOf(doc, title, issuer);
  // A notice setting up a body ("关于调整某镇林长制工作领导小组…的通知"): its roles belong to that body.
  const body = GROUP_IN_TITLE.exec(title)?.[1];
  if (body && named && !named.parent && body !== named.unit) {
    const place = placeOf(named.unit);
    named = { unit: body.startsWith(place) ? body : `${place}${body}`, parent: named.unit };
  }
  const unit = named?.unit ?? title;
  const scope = unitLevel(unit) === 'unit' && named?.parent ? unitLevel(named.parent) : unitLevel(unit);
  const ctx: DocContext = {
    file: doc.file,
    unit,
    scope,
    parentUnit: named?.parent ?? null,
    department: named ? departmentInTitle(title, unit) : null,
    heading: null,
  };
  const group = GROUP_IN_TITLE.exec(title)?.[1] ?? '';
  const w: Walk = { ctx, records: [], warnings: [...doc.warnings], units: new Map(), post: null, card: null, passage: null, headings: [], group, office: null, leader: null, guide: null };
  doc.body.forEach((b, i) => {
    if (b.kind === 'table') table(w, b, vocab);
    // The title and the issuer's name are the document's, not content.
    else if (i < 6 && (b.text.trim() === title || b.text.trim() === issuer)) return;
    else if (b.text.trim() === issuer && w.records.length > 0) return;
    else paragraph(w, b, vocab);
  });
  flushCard(w);
  flushPassage(w);
  flushLeader(w);
  flushGuide(w);
  if (w.records.length === 0) throw new ManualParseError(doc.file, '文件中没有可读的文字或表格');
  // "张三与李四互为A/B角": each stands in for the other on the items they lead.
  for (const [a, b] of w.records.flatMap((r) => r.duties.flatMap(mutualBackups))) {
    for (const r of w.records) {
      if (r.kind === 'passage') continue;
      for (const [x, y] of [[a, b], [b, a]] as const) if (r.lead.includes(x) && !r.lead.includes(y) && !r.assistants.includes(y)) r.assistants.push(y);
    }
  }
  if (!named) w.warnings.push(`没有在标题中找到单位名称，暂以“${unit}”作为单位；可在文件开头写明单位全称`);
  const structured = w.records.filter((r) => r.kind !== 'passage').length;
  if (structured === 0) w.warnings.push('没有认出岗位/事项结构，全文按段落收录（可检索，但不会给出负责人）');

  const units = new Map<string, UnitInfo>();
  for (const r of w.records) {
    const info = units.get(r.unit) ?? { unit: r.unit, scope: r.scope, parent: r.parentUnit, purpose: null, departments: [], file: doc.file };
    if (r.department && !info.departments.includes(r.department)) info.departments.push(r.department);
    units.set(r.unit, info);
  }
  return { file: doc.file, records: w.records, units: [...units.values()], warnings: w.warnings };
}
