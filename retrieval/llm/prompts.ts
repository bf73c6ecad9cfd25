import { PROMPT_TEXTS } from './promptTexts.generated.js';

/** One prompt file of prompts/: front matter, a system and a user template, and the output's JSON schema. */
export interface PromptTemplate {
  name: string;
  purpose: string;
  variables: string[];
  system: string;
  user: string;
  /** The structured output's JSON schema (with a title: the tool's name); null for free text. */
  output: Record<string, unknown> | null;
}

export class PromptError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PromptError';
  }
}

const PLACEHOLDER = /\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g;

/** Parses the text of a prompt file (see prompts/*.md). */
export function parsePrompt(name: string, text: string): PromptTemplate {
  const fm = /^---\n([\s\S]*?)\n---\n/.exec(text);
  if (!fm) throw new PromptError(`提示词 ${name} 缺少开头的 --- 元数据块`);
  const meta = new Map<string, string>();
  for (const line of fm[1]!.split('\n')) {
    const m = /^(\w+):\s*(.*)$/.exec(line.trim());
    if (m) meta.set(m[1]!, m[2]!.trim());
  }
  const sections = new Map<string, string>();
  const body = text.slice(fm[0].length);
  const heads = [...body.matchAll(/^## (\w+)\s*$/gm)];
  heads.forEach((h, i) => sections.set(h[1]!, body.slice(h.index! + h[0].length, heads[i + 1]?.index ?? body.length).trim()));
  const system = sections.get('system');
  const user = sections.get('user');
  if (!system || !user) throw new PromptError(`提示词 ${name} 需要 ## system 和 ## user 两节`);
  const variables = (meta.get('variables') ?? '').split(/[,，\s]+/).filter(Boolean);
  let output: Record<string, unknown> | null = null;
  const out = sections.get('output');
  if (out) {
    const json = /```json\n([\s\S]*?)\n```/.exec(out);
    if (!json) throw new PromptError(`提示词 ${name} 的 ## output 应是一段 json 代码块`);
    try {
      output = JSON.parse(json[1]!) as Record<string, unknown>;
    } catch (e) {
      throw new PromptError(`提示词 ${name} 的输出格式不是有效 JSON：${(e as Error).message}`);
    }
  }
  const used = new Set([...`${system}\n${user}`.matchAll(PLACEHOLDER)].map((m) => m[1]!));
  for (const v of used) if (!variables.includes(v)) throw new PromptError(`提示词 ${name} 用了未声明的变量 {{${v}}}`);
  for (const v of variables) if (!used.has(v)) throw new PromptError(`提示词 ${name} 声明了变量 ${v} 却没有用到`);
  return { name: meta.get('name') ?? name, purpose: meta.get('purpose') ?? '', variables, system, user, output };
}

const cache = new Map<string, PromptTemplate>();

/** The prompt named `name` (prompts/<name>.md, embedded at build time). */
export function loadPrompt(name: string): PromptTemplate {
  const hit = cache.get(name);
  if (hit) return hit;
  const text = Object.hasOwn(PROMPT_TEXTS, name) ? PROMPT_TEXTS[name] : undefined;
  if (text === undefined) throw new PromptError(`没有名为 ${name} 的提示词（prompts/${name}.md）`);
  const p = parsePrompt(name, text);
  cache.set(name, p);
  return p;
}

export const promptNames = (): string[] => Object.keys(PROMPT_TEXTS);

/** The system and user messages with every variable filled in; a missing or unknown variable is an error. */
export function renderPrompt(p: PromptTemplate, values: Record<string, string>): { system: string; user: string } {
  for (const v of p.variables) if (typeof values[v] !== 'string') throw new PromptError(`提示词 ${p.name} 缺少变量 ${v}`);
  for (const k of Object.keys(values)) if (!p.variables.includes(k)) throw new PromptError(`提示词 ${p.name} 没有变量 ${k}`);
  // One pass, so a value that itself contains {{…}} (a question, a manual's text) is never expanded.
  const fill = (t: string) => t.replace(PLACEHOLDER, (_m, v: string) => values[v]!);
  return { system: fill(p.system), user: fill(p.user) };
}
