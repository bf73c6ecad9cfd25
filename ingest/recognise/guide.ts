import { namesIn } from '../people.js';
import type { Detail, DutyRecord, Source } from '../record.js';
import { extractTimeLimit } from '../text.js';
import { type DocContext, makeRecord, shortTitle } from './context.js';
import { wordTimeLimit } from './prose.js';

/**
 * The fields of a 办事指南 (service guide): "一、事项名称", "五、办理流程", "六、办结时限" …. A section made of
 * such fields describes one service; its steps, time limit and the people its steps name become one record.
 */
export const GUIDE_FIELD =
  /^(?:事项名称|实施机构|实施主体|办理机构|受理机构|设定依据|办理依据|实施依据|申请条件|受理条件|办理条件|申请材料|办理材料|申报材料|办理流程|办理程序|办事流程|办结时限|办理时限|承诺时限|法定时限|收费标准|收费依据|是否收费|咨询方式|咨询电话|监督投诉|投诉电话|办理地点|办理时间|办理方式|查询范围|结果送达)$/;

export interface Guide {
  name: string | null;
  /** The marker level of its field headings ("一、" = 1); null where the fields are styled headings. */
  level: number | null;
  fields: { label: string; texts: string[] }[];
  source: Source;
}

const FLOW_FIELD = /流程|程序/;
const LIMIT_FIELD = /时限/;
const ORG_FIELD = /机构|主体/;

/** A step line: "（二）受理：受理岗（张三）核验材料…" → 受理, with the people it names. */
function step(line: string): { name: string; people: string[] } | null {
  const t = line.replace(/^\s*(?:[（(][一二三四五六七八九十\d]{1,2}[)）]|\d{1,2}\s*[.、．]|[①-⑳]|第[一二三四五六七八九十]+步)\s*/, '');
  const m = /^([\u4e00-\u9fa5]{2,8})[:：]\s*(.*)$/.exec(t);
  if (!m) return null;
  const people = [
    ...[...m[2]!.matchAll(/[（(]([^（）()]{2,12})[)）]/g)].flatMap((p) => namesIn(p[1])),
    ...[...m[2]!.matchAll(/由(?:[\u4e00-\u9fa5]{0,8}?(?:主任|长|负责人))?([\u4e00-\u9fa5]{2,3}?)(?:同志)?(?:审定|审核|审批|负责|办理|签发|核发)/g)].flatMap((p) => namesIn(p[1])),
  ];
  return { name: m[1]!, people: [...new Set(people)] };
}

/** The time limit a guide promises: the 承诺 one where it gives both. */
function guideLimit(text: string): string | null {
  const promised = /承诺[^，。；\d]{0,6}?(\d+\s*个?(?:工作日|自然日|日|天|小时))/.exec(text);
  if (promised) return promised[1]!.replace(/\s+/g, '');
  return extractTimeLimit([text]) ?? wordTimeLimit(text) ?? (/即时办结|即办/.test(text) ? '即时办结' : null);
}

export function guideRecord(ctx: DocContext, g: Guide): DutyRecord | null {
  const field = (re: RegExp) => g.fields.filter((f) => re.test(f.label)).flatMap((f) => f.texts);
  const flowLines = field(FLOW_FIELD);
  const steps = flowLines.map(step).filter((s): s is NonNullable<typeof s> => s !== null);
  const limitText = field(LIMIT_FIELD).join('');
  const nameField = g.fields.find((f) => f.label === '事项名称')?.texts.join('').replace(/[。；;]$/, '');
  const item = g.name ?? (nameField ? shortTitle(nameField, 40) : null);
  if (!item || (steps.length === 0 && !limitText)) return null;
  const org = field(ORG_FIELD).join('').replace(/[。；;]$/, '');
  const details: Detail[] = g.fields
    .filter((f) => !FLOW_FIELD.test(f.label) && f.texts.length > 0)
    .map((f) => ({ label: f.label, text: f.texts.join(' ') }));
  const people = [...new Set(steps.flatMap((s) => s.people))];
  return makeRecord(ctx, {
    post: org && org !== ctx.unit ? org : ctx.department ?? '（未注明岗位）',
    item,
    duties: flowLines,
    flow:
      steps.length >= 2
        ? { codes: [], titles: [], steps: steps.map((s) => (s.people.length > 0 ? `${s.name}（${s.people.join('、')}）` : s.name)), subflows: [] }
        : null,
    timeLimit: guideLimit(limitText),
    lead: people,
    details,
    source: g.source,
  });
}
