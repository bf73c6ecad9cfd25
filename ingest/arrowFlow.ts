import type { SubFlow } from './record.js';
import { arrowSteps, stripHtml } from './text.js';

const LEADING_VERB = /^(?:协助做好|协助|承担|负责|做好|开展)/;
const CLAUSE_START =
  /(?=(?:^|(?<=[\s。；;：:]))\s*(?:\d{1,2}\s*[、.，,]?\s*(?=[\u4e00-\u9fa5])|[（(][一二三四五六七八九十\d]{1,2}[)）]))/;
const NESTED = /^\s*[（(][一二三四五六七八九十\d]{1,2}[)）]/;
const NUMBERING = /^\s*(?:\d{1,2}\s*[、.，,]?\s*|[（(][一二三四五六七八九十\d]{1,2}[)）]\s*)/;

const EDGE_PUNCT = /^[\s:：;；,，。]+|[\s:：;；,，。]+$/g;

function cleanName(name: string): string {
  return name
    .replace(NUMBERING, '')
    .replace(EDGE_PUNCT, '')
    .replace(/[;；,，。\s]*流程$/, '')
    .replace(EDGE_PUNCT, '')
    .replace(LEADING_VERB, '')
    .trim();
}

function chainSteps(chain: string): string[] {
  const steps = arrowSteps(chain);
  // "…土地市场需求。拟制方案→…": the first step is what follows the last full stop.
  if (steps[0]?.includes('。')) steps[0] = steps[0].slice(steps[0].lastIndexOf('。') + 1).trim();
  const last = steps.length - 1;
  if (last > 0 && steps[last]!.includes('。')) steps[last] = steps[last]!.slice(0, steps[last]!.indexOf('。')).trim();
  return steps.filter(Boolean);
}

/**
 * Flows written as arrow text in the centres' 工作流程 column: one chain, several numbered or named
 * sub-flows ("规划条件（受理申请→…）"), nested "（1）项目实施中：…" parts, or (where the arrows were
 * lost) space-separated steps.
 */
export function parseArrowFlow(cell: string): SubFlow[] {
  let text = stripHtml(cell).replace(/\n/g, ' ');
  if (!text) return [];
  const flows: SubFlow[] = [];

  text = text.replace(
    /([^\s、，,；;。：:（()）]{2,24})[（(]([^（()）]*?→[^（()）]*?)[)）]/g,
    (_m, name: string, chain: string) => {
      flows.push({ name: cleanName(name), steps: chainSteps(chain) });
      return ' ';
    },
  );

  if (!text.includes('→')) {
    if (flows.length > 0) return flows;
    const parts = text.split(/\s+/).map((p) => p.replace(/[。；;]+$/, '')).filter((p) => p.length >= 4);
    return parts.length >= 2 ? [{ name: '', steps: parts }] : [];
  }

  const clauses = text.split(CLAUSE_START).map((c) => c.trim()).filter(Boolean);
  let heading = '';
  clauses.forEach((clause, i) => {
    const nested = NESTED.test(clause);
    const arrowAt = clause.indexOf('→');
    if (arrowAt < 0) {
      const nextNested = NESTED.test(clauses[i + 1] ?? '');
      // A long intro ("…分为以下三种形式：") is context, not a name worth repeating in every sub-flow.
      if (!nested && nextNested) heading = cleanName(clause).length <= 24 ? cleanName(clause) : '';
      else if (/^\s*\d/.test(clause)) {
        const step = cleanName(clause);
        if (step) flows.push({ name: step, steps: [step] });
      }
      return;
    }
    const head = clause.slice(0, arrowAt);
    const colon = Math.max(head.lastIndexOf('：'), head.lastIndexOf(':'));
    const name = colon >= 0 ? cleanName(head.slice(0, colon)) : '';
    const chain = colon >= 0 ? clause.slice(colon + 1) : clause.replace(NUMBERING, '');
    if (!nested) heading = '';
    const fullName = nested && heading ? (name ? `${heading}：${name}` : heading) : name;
    const steps = chainSteps(chain);
    if (steps.length > 0) flows.push({ name: fullName, steps });
  });
  return flows;
}
