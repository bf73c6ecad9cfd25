import { parseArrowFlow } from '../arrowFlow.js';
import type { Flow } from '../record.js';
import { cleanCell, flowCodes, splitEntries } from '../text.js';

const ARROW = /→|->|—>|－>|⇒|➝|➔|－－>/;

/** The step name of a numbered stage: "1.受理：窗口接收材料" → "受理". */
function stageName(entry: string): string {
  const head = entry.split(/[:：，,。（(]/)[0]!.trim();
  return [...head].length <= 12 ? head : [...head].slice(0, 12).join('');
}

/**
 * A flow from a cell or a paragraph in any of the usual forms: chart codes ("详见 3-1"), arrows
 * ("受理→审查→决定→送达"), or numbered stages ("1.受理 2.审查 3.决定"). Null where it holds none.
 */
export function flowFromText(text: string | undefined): Flow | null {
  const t = cleanCell(text ?? '').replace(/－>|—>|->|⇒|➝|➔/g, '→');
  if (!t) return null;
  const codes = flowCodes(t);
  if (codes.length > 0) return { codes, titles: [], steps: [], subflows: [] };
  if (ARROW.test(t)) {
    const subflows = parseArrowFlow(t);
    if (subflows.length === 0) return null;
    return {
      codes: [],
      titles: [],
      steps: subflows.length === 1 ? subflows[0]!.steps : subflows.map((s) => s.name || s.steps.join('→')),
      subflows: subflows.length > 1 ? subflows : [],
    };
  }
  // Circled stage numbers: "①受理 ②审查 ③审批".
  const circled = t.split(/[\u2460-\u2473]/).slice(1);
  if (circled.length >= 2) {
    const steps = circled.map((s) => stageName(s.replace(/[；;，,、。\s]+$/, ''))).filter(Boolean);
    if (steps.length >= 2 && new Set(steps).size === steps.length) return { codes: [], titles: [], steps, subflows: [] };
  }
  const entries = splitEntries(text ?? '');
  if (entries.length >= 2) {
    const steps = entries.map(stageName).filter(Boolean);
    if (new Set(steps).size === steps.length) return { codes: [], titles: [], steps, subflows: [] };
  }
  return null;
}
