import type { DocLine } from './document.js';
import type { DutyRecord, ParsedManual, RecordKind } from './record.js';
import { ManualParseError } from './record.js';
import { extractTimeLimit, splitEntries, splitNames, squeezeCjk } from './text.js';

/** True where the text reads as a task-force notice (关于成立…专班的通知 with 组长 …). */
export function looksLikeNotice(text: string): boolean {
  return /关于成立.+?的通知/.test(text) && /组\s*长/.test(text);
}

const ROLE_LINE = /^\s*(组\s*长|副\s*组\s*长|成\s*员)\s*[:：]\s*(.*)$/;
const SECTION = /^\s*[（(]([一二三四五六七八九十]+)[)）]\s*(.+?)\s*$/;
const CHAPTER = /^\s*([一二三四五六七八九十]+)、\s*(.+?)\s*$/;

/** "何  芳  某某街道办事处主任" → names ["何芳"], position "某某街道办事处主任". */
function namesAndPosition(rest: string): { names: string[]; position: string } {
  const tokens = rest.trim().split(/\s+/).filter(Boolean);
  const position = tokens.filter((t) => [...t].length > 4).join(' ');
  const names = splitNames(tokens.filter((t) => [...t].length <= 4).join(' '));
  return { names, position };
}

/** The sub-district task-force notice: roles with named people, and each member unit's duties. */
export function parseNoticeManual(file: string, input: DocLine[]): ParsedManual {
  const lines = input.map((l) => l.text.replace(/\r$/, ''));
  const text = lines.join('\n');
  const ln = (i: number) => input[i]!.prov.line;
  const title = /关于成立(.+?)的通知/.exec(text);
  const issuer = lines.map((l) => l.trim()).find((l) => /办事处$|人民政府$/.test(l) && l.length < 30);
  if (!title) throw new ManualParseError(file, '找不到通知标题（关于成立…的通知）');
  const place = (issuer ?? '').replace(/^.*?(?:市|区|县)(?=[^市区县]*(?:街道|镇|乡))/, '').replace(/办事处$|人民政府$/, '');
  const unit = `${place}${title[1]}`;
  const records: DutyRecord[] = [];
  const warnings: string[] = [];

  const roles: { role: string; names: string[]; position: string[]; line: number }[] = [];
  const roleOf = (role: string) => roles.find((r) => r.role === role);
  let lastRole: string | null = null;
  let members: string[] = [];
  let chapter = '';
  let section = '';

  const push = (kind: RecordKind, post: string, item: string, body: string[], line: number, lead: string[], assistants: string[]) => {
    records.push({
      id: `${file}#${line}`,
      unit,
      department: null,
      scope: 'subdistrict',
      parentUnit: issuer ?? null,
      kind,
      post,
      postNo: null,
      item,
      duties: body,
      responsibilities: [],
      flow: null,
      timeLimit: extractTimeLimit(body),
      lead,
      assistants,
      peopleInherited: false,
      oversees: [],
      source: { file, line },
    });
  };

  lines.forEach((line, i) => {
    const trimmed = line.trim();
    if (!trimmed) return;
    const role = ROLE_LINE.exec(trimmed);
    if (role) {
      const name = role[1]!.replace(/\s+/g, '');
      if (name === '成员') {
        members = role[2]!.replace(/[。.]$/, '').split(/[、，,]/).map((m) => m.trim()).filter(Boolean);
        lastRole = null;
        return;
      }
      const { names, position } = namesAndPosition(role[2]!);
      roles.push({ role: name, names, position: position ? [position] : [], line: ln(i) });
      lastRole = name;
      return;
    }
    if (lastRole && /^[\u4e00-\u9fa5](?:\s*[\u4e00-\u9fa5]){1,3}\s+\S+$/.test(trimmed)) {
      const { names, position } = namesAndPosition(trimmed);
      const r = roleOf(lastRole)!;
      r.names.push(...names);
      if (position) r.position.push(position);
      return;
    }
    lastRole = null;
    const office = /专班下设办公室在(.+?)[，,](.+?)任办公室主任[，,](.+?)为联络员[、，,](.+?)等同志为办公室成员/.exec(squeezeCjk(trimmed));
    if (office) {
      roles.push({ role: '办公室主任', names: splitNames(office[2]), position: [`专班办公室设在${office[1]}`], line: ln(i) });
      roles.push({ role: '联络员', names: splitNames(office[3]), position: [], line: ln(i) });
      roles.push({ role: '办公室成员', names: splitNames(office[4]!.replace(/、/g, ' ')), position: [], line: ln(i) });
      return;
    }
    const ch = CHAPTER.exec(trimmed);
    if (ch && trimmed.length < 20) {
      chapter = ch[2]!;
      section = '';
      return;
    }
    const sec = SECTION.exec(trimmed);
    if (sec && trimmed.length < 30) {
      section = sec[2]!;
      return;
    }
    if (sec && /机制/.test(chapter)) {
      const [name, ...rest] = sec[2]!.split('。');
      push('taskforce-duty', '工作专班办公室', name!.trim(), splitEntries(squeezeCjk(rest.join('。'))), ln(i), [], []);
      return;
    }
    if (/职责/.test(chapter)) {
      const leader = roleOf('组长')?.names ?? [];
      const deputies = roleOf('副组长')?.names ?? [];
      const officeHead = roleOf('办公室主任')?.names ?? [];
      const officeStaff = [...(roleOf('联络员')?.names ?? []), ...(roleOf('办公室成员')?.names ?? [])];
      const body = splitEntries(squeezeCjk(trimmed));
      if (/^专班职责/.test(section)) push('taskforce-duty', '工作专班', '专班职责', body, ln(i), leader, deputies);
      else if (/办公室职责/.test(section)) push('taskforce-duty', '专班办公室', '专班办公室职责', body, ln(i), officeHead, officeStaff);
      else {
        const member = /^([^：:]{2,12})[:：]\s*(.+)$/.exec(trimmed);
        if (member) {
          const name = member[1]!.trim();
          push('taskforce-duty', name, `${name}职责`, splitEntries(squeezeCjk(member[2]!)), ln(i), [], []);
        }
      }
    }
  });

  for (const r of roles) {
    if (r.names.length === 0) warnings.push(`第${r.line}行“${r.role}”没有读到姓名`);
    push('taskforce-role', r.role, r.role, r.position, r.line, r.names, []);
  }
  if (members.length > 0) {
    const at = lines.findIndex((l) => /^\s*成\s*员\s*[:：]/.test(l));
    const line = at >= 0 ? ln(at) : 0;
    push('taskforce-role', '成员单位', '专班成员单位', [members.join('、')], line, [], []);
  }
  if (records.length === 0) throw new ManualParseError(file, '通知中没有读到组成人员或职责分工');
  records.sort((a, b) => a.source.line - b.source.line);
  return { file, records, units: [{ unit, scope: 'subdistrict', parent: issuer ?? null, purpose: null, departments: [], file }], warnings };
}
