import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { ManualSource } from '../parseManual.js';

/** The manuals of a folder: every .txt / .md file, by name. */
export function readManuals(dir: string): ManualSource[] {
  return readdirSync(dir)
    .filter((f) => /\.(txt|md)$/i.test(f) && statSync(join(dir, f)).isFile())
    .sort()
    .map((file) => ({ file, text: readFileSync(join(dir, file), 'utf8') }));
}
