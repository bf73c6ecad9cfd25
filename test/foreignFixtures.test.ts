// The foreign documents and their question file must agree: every name, post, unit, step and
// text a question expects has to be printed in the document the question is about, and the
// "not found" questions must not touch any document. This checks the fixtures, not the bot.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as XLSX from '@e965/xlsx';
import { parseEvalFile } from '../retrieval/evaluate.js';
import { describe, expect, it } from 'vitest';
import { defined, documentText as fixtureText, zipEntry as zipEntryAt } from './support/fixtureText.js';

const dir = join(import.meta.dirname, 'fixtures', 'foreign');
const srcDir = join(import.meta.dirname, 'fixtures', 'foreign-src');
const files = readdirSync(dir).filter((f) => /^f\d\d_/.test(f));


const documentText = (file: string) => fixtureText(dir, srcDir, file);

const squeeze = (s: string) => s.replace(/[\s\u3000]+/g, '');
const zipEntry = (file: string, entry: string) => zipEntryAt(join(dir, file), entry);
const fileOf = (prefix: string) => defined(files.find((f) => f.startsWith(prefix)), `document ${prefix}`);

const texts = new Map(files.map((f) => [f.slice(0, 3), squeeze(documentText(f))]));
const allText = [...texts.values()].join('\n');

/** Steps appear in this order within one arrow chain (受理→审查→…), or, without chains, as rows in order. */
function stepsInOrder(text: string, steps: string[]): boolean {
  const inOrder = (segments: string[]) => {
    let i = 0;
    for (const seg of segments) {
      const step = steps[i];
      if (step !== undefined && seg.includes(step)) i++;
    }
    return i === steps.length;
  };
  if (text.includes('→')) {
    const chains = text.match(/[^→,，。；;\n"]+(→[^→,，。；;\n"]+)+/g) ?? [];
    return chains.some((chain) => inOrder(chain.split('→')));
  }
  let from = 0;
  for (const s of steps) {
    const at = text.indexOf(s, from);
    if (at < 0) return false;
    from = at + s.length;
  }
  return true;
}

interface Case {
  id: string;
  q: string;
  expect: Record<string, unknown>;
}
const cases: Case[] = parseEvalFile(readFileSync(join(import.meta.dirname, 'questions-foreign.jsonl'), 'utf8')).cases as unknown as Case[];

describe('foreign fixtures', () => {
  it('has at least 13 documents in at least 5 formats', () => {
    expect(files.length).toBeGreaterThanOrEqual(13);
    expect(new Set(files.map((f) => f.split('.').pop())).size).toBeGreaterThanOrEqual(5);
  });

  it('encodes the .html and .csv documents in GBK, declared in the page', () => {
    for (const f of files.filter((x) => x.endsWith('.html') || x.endsWith('.csv'))) {
      const bytes = readFileSync(join(dir, f));
      expect(() => new TextDecoder('utf-8', { fatal: true }).decode(bytes), f).toThrow();
      if (f.endsWith('.html')) expect(bytes.toString('latin1')).toMatch(/charset=gb2312/);
    }
  });

  it('keeps merged cells in the spreadsheets and Word tables', () => {
    for (const f of files.filter((x) => x.endsWith('.xlsx'))) {
      const ws = defined(Object.values(XLSX.read(readFileSync(join(dir, f))).Sheets)[0], f);
      const merges = ws['!merges'] ?? [];
      expect(merges.some((m) => m.e.r > m.s.r && m.s.r > 2), f).toBe(true); // a body cell merged down
    }
    const docx = zipEntry(fileOf('f02'), 'word/document.xml');
    expect(docx).toContain('w:vMerge w:val="restart"');
    expect(docx).toContain('<w:tblHeader/>');
    expect(zipEntry(fileOf('f04'), 'word/numbering.xml')).toContain('chineseCounting');
    expect(zipEntry(fileOf('f04'), 'word/document.xml')).not.toContain('一、咨询');
  });

  it('has at least 70 questions, about 10 of them on uncovered topics, with unique ids', () => {
    expect(cases.length).toBeGreaterThanOrEqual(70);
    expect(new Set(cases.map((c) => c.id)).size).toBe(cases.length);
    expect(cases.filter((c) => c.expect.found === false).length).toBeGreaterThanOrEqual(10);
  });

  it.each(cases.filter((c) => c.expect.found !== false).map((c) => [c.id, c] as const))(
    '%s expects only what its document prints',
    (_id, c) => {
      const text = texts.get(c.id.slice(0, 3));
      expect(text, `no document for ${c.id}`).toBeDefined();
      const e = c.expect;
      const strings = [
        ...['unit', 'post', 'dept', 'person'].flatMap((k) => (typeof e[k] === 'string' ? [e[k] as string] : [])),
        ...['lead', 'assist', 'persons', 'text', 'steps'].flatMap((k) => (Array.isArray(e[k]) ? (e[k] as string[]) : [])),
      ];
      expect(strings.length).toBeGreaterThan(0);
      for (const s of strings) expect(text, `${c.id}: ${s}`).toContain(squeeze(s));
      if (Array.isArray(e.steps)) expect(stepsInOrder(text!, e.steps as string[]), `${c.id}: steps`).toBe(true);
    },
  );

  it('asks the "not found" questions about topics no document mentions', () => {
    const topics = ['公积金', '海域', '食堂', '张三', '护照', '停车', '年终奖', '职称', '电脑', '疫苗'];
    for (const t of topics) expect(allText).not.toContain(t);
  });
});
