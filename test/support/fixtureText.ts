import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as XLSX from '@e965/xlsx';
import { strFromU8, unzipSync } from 'fflate';

// What a fixture document prints, read independently of the project's readers, so the fixture checks
// (foreignFixtures, foreign2Fixtures) test the documents and question files, not the bot.

export const defined = <T>(v: T | undefined, what: string): T => {
  if (v === undefined) throw new Error(`missing ${what}`);
  return v;
};

export const stripTags = (html: string) =>
  html
    .replace(/<(script|style)[\s\S]*?<\/\1>/g, '')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&nbsp;/g, ' ')
    .replace(/&gt;/g, '>')
    .replace(/&lt;/g, '<');

export const zipEntry = (path: string, entry: string) => strFromU8(defined(unzipSync(readFileSync(path))[entry], `${path}:${entry}`));

/** UTF-8 where the bytes are valid UTF-8, GBK otherwise (the GBK-encoded fixtures). */
function decode(bytes: Uint8Array): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return new TextDecoder('gbk').decode(bytes);
  }
}

/** The text of `file` in `dir`; a PDF is compared through the HTML in `srcDir` it was printed from. */
export function documentText(dir: string, srcDir: string, file: string): string {
  const path = join(dir, file);
  if (file.endsWith('.xlsx')) {
    const wb = XLSX.read(readFileSync(path));
    return wb.SheetNames.map((n) => XLSX.utils.sheet_to_csv(defined(wb.Sheets[n], n))).join('\n');
  }
  if (file.endsWith('.docx')) return zipEntry(path, 'word/document.xml').replace(/<\/w:p>/g, '\n').replace(/<[^>]+>/g, '');
  if (file.endsWith('.pdf')) {
    // PDF text extraction yields Kangxi radicals for some glyphs; compare against the printed source.
    const src = readdirSync(srcDir).find((f) => f.startsWith(file.slice(0, 3)) && f.endsWith('.html'));
    return stripTags(readFileSync(join(srcDir, defined(src, `source of ${file}`)), 'utf8'));
  }
  const text = decode(readFileSync(path));
  return file.endsWith('.html') ? stripTags(text) : text;
}
