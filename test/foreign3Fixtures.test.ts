// The third foreign set (test/fixtures/foreign3/) and its dev/test question files must agree:
// every name, post, unit, step and text a question expects is printed in the document the
// question is about, and the "not found" questions touch no document. Checks the fixtures, not the bot.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as XLSX from '@e965/xlsx';
import { parseEvalFile } from '../retrieval/evaluate.js';
import { describe, expect, it } from 'vitest';
import { defined, documentText as fixtureText, zipEntry as zipEntryAt } from './support/fixtureText.js';

const dir = join(import.meta.dirname, 'fixtures', 'foreign3');
const srcDir = join(import.meta.dirname, 'fixtures', 'foreign3-src');
const files = readdirSync(dir).filter((f) => /^h\d\d_/.test(f));

const zipEntry = (file: string, entry: string) => zipEntryAt(join(dir, file), entry);
const fileOf = (prefix: string) => defined(files.find((f) => f.startsWith(prefix)), `document ${prefix}`);


const documentText = (file: string) => fixtureText(dir, srcDir, file);

const squeeze = (s: string) => s.replace(/[\s\u3000]+/g, '');
const texts = new Map(files.map((f) => [f.slice(0, 3), squeeze(documentText(f))]));
const allText = [...texts.values()].join('\n');

interface Case {
  id: string;
  q: string;
  expect: Record<string, unknown>;
}
const load = (name: string) =>
  parseEvalFile(readFileSync(join(import.meta.dirname, name), 'utf8')) as unknown as { manuals: string[]; cases: Case[] };
const dev = load('questions-foreign3-dev.jsonl');
const heldOut = load('questions-foreign3-test.jsonl');
const cases = [...dev.cases, ...heldOut.cases];

describe('foreign3 fixtures', () => {
  it('has 10 documents in at least 7 formats', () => {
    expect(files.length).toBeGreaterThanOrEqual(10);
    expect(new Set(files.map((f) => f.split('.').pop())).size).toBeGreaterThanOrEqual(7);
  });

  it('keeps the layouts the README describes', () => {
    const sheet = (prefix: string, i: number) => {
      const wb = XLSX.read(readFileSync(join(dir, fileOf(prefix))));
      return { wb, ws: defined(wb.Sheets[defined(wb.SheetNames[i], 'sheet')], 'sheet') };
    };
    // h01: the classic 权责清单 header, 责任事项 with several numbered lines in one cell
    const h01 = XLSX.utils.sheet_to_csv(sheet('h01', 0).ws);
    expect(h01).toContain('职权编码,职权名称,职权类型,实施依据,责任事项,追责情形,承办机构,监督电话');
    expect(h01).toMatch(/1\.受理阶段责任[^"]*\n2\.审查阶段责任/);
    // h02: one vertical key-value table per item, two pairs in a row
    const h02 = zipEntry(fileOf('h02'), 'word/document.xml');
    expect(h02.split('<w:tbl>').length - 1).toBe(5);
    expect(h02).toContain('<w:gridSpan w:val="3"/>');
    // h03: one sheet per unit, two-row header with merged parents
    const h03 = sheet('h03', 0);
    expect(h03.wb.SheetNames.length).toBe(3);
    expect((h03.ws['!merges'] ?? []).some((m) => m.s.r === 1 && m.e.c > m.s.c)).toBe(true);
    // h09: ";"-separated with a byte-order mark
    const h09 = readFileSync(join(dir, fileOf('h09')));
    expect([...h09.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(h09.toString('utf8')).toContain('序号;工作事项;');
    // h08: the long table runs over more than one page
    expect(readFileSync(join(dir, fileOf('h08')), 'latin1').match(/\/Type\s*\/Page[^s]/g)?.length ?? 0).toBeGreaterThan(1);
  });

  it('splits about 70 questions each way, by question, every document in both splits', () => {
    for (const split of [dev, heldOut]) {
      expect(split.manuals).toEqual(['test/fixtures/foreign3']);
      expect(split.cases.length).toBeGreaterThanOrEqual(65);
      expect(split.cases.filter((c) => c.expect.found === false).length).toBeGreaterThanOrEqual(4);
      expect(new Set(split.cases.filter((c) => /^h\d\d-/.test(c.id)).map((c) => c.id.slice(0, 3)))).toEqual(new Set(texts.keys()));
    }
    expect(new Set(cases.map((c) => c.id)).size).toBe(cases.length);
    expect(new Set(cases.map((c) => c.q)).size).toBe(cases.length);
  });

  it.each(cases.filter((c) => c.expect.found !== false).map((c) => [c.id, c] as const))('%s expects only what its document prints', (_id, c) => {
    const text = defined(texts.get(c.id.slice(0, 3)), `document for ${c.id}`);
    const e = c.expect;
    const strings = [
      ...['unit', 'post', 'dept', 'person'].flatMap((k) => (typeof e[k] === 'string' ? [e[k] as string] : [])),
      ...['lead', 'assist', 'persons', 'text', 'steps'].flatMap((k) => (Array.isArray(e[k]) ? (e[k] as string[]) : [])),
    ];
    expect(strings.length).toBeGreaterThan(0);
    for (const s of strings) expect(text, `${c.id}: ${s}`).toContain(squeeze(s));
    if (Array.isArray(e.steps)) {
      let from = 0;
      for (const s of e.steps as string[]) {
        const at = text.indexOf(s, from);
        expect(at, `${c.id}: step ${s} in order`).toBeGreaterThanOrEqual(0);
        from = at + s.length;
      }
    }
  });

  it('asks the "not found" questions about topics no document mentions', () => {
    for (const t of ['公积金', '食堂', '职称', '护照', '年终奖', '停车', '海域', '电脑', '疫苗', '张三']) expect(allText).not.toContain(t);
  });
});
