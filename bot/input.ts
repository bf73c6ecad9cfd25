/** Guards for text and JSON that arrive from outside (API bodies, chat messages, event bodies). */

/** Control characters other than tab and newline: NUL and friends end up nowhere useful and break some stores. */
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g;

/** A question as the engine should see it: control characters become spaces. */
export const cleanText = (s: string): string => s.replace(CONTROL, ' ');

/** Deeper than any body this bot reads; deeper ones are refused before they reach recursive code. */
export const MAX_JSON_DEPTH = 32;

/** The deepest nesting of arrays and objects in JSON text, counted without parsing (strings skipped). */
export function jsonDepth(text: string): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92) i++;
      else if (c === 34) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 123 || c === 91) max = Math.max(max, ++depth);
    else if (c === 125 || c === 93) depth--;
  }
  return max;
}

export type ParsedJson = { ok: true; value: unknown } | { ok: false; error: string };

/** JSON.parse that refuses nesting deeper than `maxDepth` with a message for the sender. */
export function parseJson(text: string, maxDepth = MAX_JSON_DEPTH): ParsedJson {
  if (jsonDepth(text) > maxDepth) return { ok: false, error: `JSON 嵌套过深（上限 ${maxDepth} 层）` };
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false, error: '请求体不是合法的 JSON' };
  }
}
