import type { Answer } from './answer.js';

/** One evaluation question (format of ../shared/eval/README.md). */
export interface EvalCase {
  id: string;
  q: string;
  /** Who asks: the asker's units (full names), as a chat bound with 本群单位 passes them. Absent: no unit. */
  as?: string | string[];
  expect: {
    found?: boolean;
    lead?: string[];
    assist?: string[];
    post?: string;
    dept?: string;
    unit?: string;
    flow?: string;
    steps?: string[];
    persons?: string[];
    text?: string[];
    person?: string;
    min_items?: number;
    flow_any?: string[];
  };
}

const normCode = (c: string) => c.replace(/详见/g, '').replace(/\s+/g, '');

/** Every failed check of one answer, in words; empty when it passes. */
export function checkAnswer(c: EvalCase, a: Answer, personNames: readonly string[]): string[] {
  const e = c.expect;
  const fails: string[] = [];
  const first = a.answers[0];
  const wantFound = e.found ?? true;
  if (a.found !== wantFound) fails.push(`found 应为 ${wantFound}，实际 ${a.found}`);
  if (!wantFound) {
    if (a.answers.length > 0) fails.push('未覆盖的问题不应有 answers');
    const named = personNames.filter((p) => a.text.includes(p));
    if (named.length > 0) fails.push(`未覆盖的回答不应出现人名：${named.join('、')}`);
    return fails;
  }
  const need = (cond: boolean, msg: string) => {
    if (!cond) fails.push(msg);
  };
  for (const n of e.lead ?? []) need(!!first?.lead.includes(n), `牵头人缺 ${n}（实际 ${first?.lead.join('、') ?? '无'}）`);
  for (const n of e.assist ?? []) need(!!first?.assistants.includes(n), `辅助人员缺 ${n}（实际 ${first?.assistants.join('、') ?? '无'}）`);
  if (e.post && !e.person) need(!!first?.post.includes(e.post), `岗位应含“${e.post}”（实际 ${first?.post ?? '无'}）`);
  if (e.dept) {
    need(
      !!first && ((first.department ?? '').includes(e.dept) || first.unit.includes(e.dept)),
      `科室/单位应含“${e.dept}”（实际 ${first?.department ?? ''} ${first?.unit ?? ''}）`,
    );
  }
  if (e.unit) need(!!first?.unit.includes(e.unit), `单位应含“${e.unit}”（实际 ${first?.unit ?? '无'}）`);
  if (e.flow) {
    const codes = (first?.flow?.codes ?? []).map(normCode);
    need(codes.includes(normCode(e.flow)), `流程编号应含 ${e.flow}（实际 ${codes.join(' ') || '无'}）`);
  }
  if (e.steps) {
    const steps = first?.flow?.steps ?? [];
    let at = 0;
    for (const s of e.steps) {
      const i = steps.findIndex((x, k) => k >= at && x.includes(s));
      if (i < 0) {
        fails.push(`步骤“${s}”缺失或顺序不对（实际 ${steps.join(' → ') || '无'}）`);
        break;
      }
      at = i + 1;
    }
  }
  for (const n of e.persons ?? []) {
    need(!!first && (first.lead.includes(n) || first.assistants.includes(n) || a.text.includes(n)), `应提到 ${n}`);
  }
  for (const t of e.text ?? []) need(a.text.includes(t), `回答文字应含“${t}”`);
  if (e.person) {
    const mine = a.answers.filter((x) => x.lead.includes(e.person!) || x.assistants.includes(e.person!));
    if (e.min_items !== undefined) need(mine.length >= e.min_items, `${e.person} 应至少有 ${e.min_items} 项（实际 ${mine.length}）`);
    if (e.post) need(mine.some((x) => x.post.includes(e.post!)), `${e.person} 的岗位应含“${e.post}”`);
    if (e.flow_any) {
      const codes = new Set(mine.flatMap((x) => x.flow?.codes ?? []).map(normCode));
      need(e.flow_any.some((f) => codes.has(normCode(f))), `${e.person} 的事项应含流程 ${e.flow_any.join('/')}`);
    }
    if (mine.length === 0) fails.push(`没有 ${e.person} 参与的事项`);
  }
  return fails;
}

/** An evaluation file: its questions, and the manuals folders its header names (null: the shipped seeds). */
export interface EvalFile {
  /** One deployment holding every file of these folders; null for the shipped seeds. */
  manuals: string[] | null;
  cases: EvalCase[];
  /** The line (1-based) of each case, for errors about it. */
  lines: number[];
}

const isStringList = (v: unknown): v is string[] => Array.isArray(v) && v.length > 0 && v.every((x) => typeof x === 'string' && x.length > 0);

/** A case's asker's units as a list (empty: asked by no one bound to a unit). */
export function askerUnits(c: EvalCase): string[] {
  return c.as === undefined ? [] : typeof c.as === 'string' ? [c.as] : c.as;
}

/**
 * Reads a question file. A first line such as `{"manuals": "test/fixtures/foreign"}` (an object without
 * `q`) is a header: the questions are to be asked over that manuals folder instead of the shipped seeds;
 * `{"manuals": ["a", "b"]}` names several folders, loaded together as one deployment.
 */
export function parseEvalFile(jsonl: string): EvalFile {
  let manuals: string[] | null = null;
  const cases: EvalCase[] = [];
  const at: number[] = [];
  const lines = jsonl.split('\n').map((l) => l.trim());
  lines.forEach((l, i) => {
    if (!l) return;
    let parsed: unknown;
    try {
      parsed = JSON.parse(l);
    } catch (e) {
      throw new Error(`第${i + 1}行不是有效的 JSON：${(e as Error).message}`);
    }
    const o = parsed as Partial<EvalCase> & { manuals?: unknown };
    if (o && typeof o === 'object' && !('q' in o)) {
      const folders = typeof o.manuals === 'string' && o.manuals ? [o.manuals] : isStringList(o.manuals) ? o.manuals : null;
      if (cases.length > 0 || manuals !== null || !folders) {
        throw new Error(`第${i + 1}行既不是题目（缺 q），也不是文件开头的 {"manuals": "目录"} 或 {"manuals": ["目录", …]}`);
      }
      manuals = folders;
      return;
    }
    if (typeof o?.id !== 'string' || typeof o.q !== 'string' || !o.expect || typeof o.expect !== 'object') {
      throw new Error(`第${i + 1}行缺少 id、q 或 expect`);
    }
    if (o.as !== undefined && !(typeof o.as === 'string' && o.as) && !isStringList(o.as)) {
      throw new Error(`第${i + 1}行的 as 应为单位全称或单位全称的列表`);
    }
    cases.push(o as EvalCase);
    at.push(i + 1);
  });
  return { manuals, cases, lines: at };
}

/**
 * The askers' units the loaded manuals do not hold, one message per line: a unit misspelt in a question
 * file would otherwise be dropped silently (the engine ignores unknown units) and the case asked by no one.
 */
export function unknownAskers(file: EvalFile, has: (unit: string) => boolean): string[] {
  const out: string[] = [];
  file.cases.forEach((c, i) => {
    const missing = askerUnits(c).filter((u) => !has(u));
    if (missing.length > 0) out.push(`第${file.lines[i]}行（${c.id}）：as 中的单位不在手册中：${missing.join('、')}`);
  });
  return out;
}

export function parseCases(jsonl: string): EvalCase[] {
  return parseEvalFile(jsonl).cases;
}
