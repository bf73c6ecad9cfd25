/**
 * Builds seeds/t2s-chars.json, the traditional → simplified character table used by ingest/normalise.ts,
 * from the opencc-js package (OpenCC dictionaries, Apache-2.0). Not a runtime dependency: install it
 * anywhere and pass its folder.
 *   npm install --prefix /tmp/opencc opencc-js@1.4.2
 *   npx tsx test/support/buildT2sTable.ts /tmp/opencc/node_modules/opencc-js
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const arg = process.argv[2];
if (!arg) throw new Error('usage: buildT2sTable.ts <path to opencc-js>');
const dir: string = arg;
const version = (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { version: string }).version;

async function dict(name: string): Promise<Map<string, string>> {
  const mod = (await import(pathToFileURL(join(dir, 'dist/esm-lib/dict', `${name}.js`)).href)) as { default: string };
  const map = new Map<string, string>();
  for (const pair of mod.default.split('|')) {
    const [from, to] = pair.split(' ');
    // Characters only (the phrase dictionaries are left out): one code point on each side.
    if (from && to && [...from].length === 1 && [...to].length === 1) map.set(from, to);
  }
  return map;
}

const ts = await dict('TSCharacters');
const variants = [await dict('TWVariantsRev'), await dict('HKVariantsRev')];
const table: Record<string, string> = {};
for (const [from, to] of ts) if (from !== to) table[from] = to;
// Regional variant forms (為, 裡 …) reach simplified through OpenCC's standard traditional form.
for (const v of variants) {
  for (const [from, std] of v) {
    if (table[from] || ts.has(from)) continue;
    const simp = ts.get(std);
    if (simp && simp !== from) table[from] = simp;
  }
}
const sorted = Object.fromEntries(Object.entries(table).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
const out = {
  source: `opencc-js ${version}: TSCharacters, TWVariantsRev, HKVariantsRev (OpenCC dictionaries)`,
  license: 'Apache-2.0',
  map: sorted,
};
writeFileSync(new URL('../../seeds/t2s-chars.json', import.meta.url), JSON.stringify(out) + '\n');
console.log(`${Object.keys(sorted).length} characters`);
