// Embeds prompts/*.md into retrieval/llm/promptTexts.generated.ts, so that the esbuild bundle and the
// Worker carry the prompts without reading files at run time. Run before `npm run build` (prebuild); a test fails
// when the generated module is older than the files.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const dir = import.meta.dirname;
export function generated() {
  const files = readdirSync(dir).filter((f) => f.endsWith('.md')).sort();
  const entries = files.map((f) => `  ${JSON.stringify(f.replace(/\.md$/, ''))}: ${JSON.stringify(readFileSync(join(dir, f), 'utf8'))},`);
  return `// Generated from prompts/*.md by prompts/build.mjs; edit the .md files, not this.\nexport const PROMPT_TEXTS: Record<string, string> = {\n${entries.join('\n')}\n};\n`;
}
export const target = join(dir, '..', 'retrieval', 'llm', 'promptTexts.generated.ts');
if (process.argv[1] === import.meta.filename) writeFileSync(target, generated());
