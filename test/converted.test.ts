import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { DutyRecord } from '../ingest/record.js';
import { parseDocument, parseManual } from '../ingest/parseManual.js';
import { readDocument } from '../ingest/read/index.js';

// The shipped manuals saved as Word (tables as Word tables), Excel and a text PDF give the same records as the text.
const manuals = join(import.meta.dirname, '..', 'seeds', 'manuals');
const converted = join(import.meta.dirname, 'fixtures', 'converted');
const FORMATS = ['docx', 'xlsx'] as const;

const content = ({ id: _id, source: _source, ...rest }: DutyRecord) => rest;

/**
 * What a PDF must keep exactly: who, what, which unit and chart, who leads. Printing loses where a narrow
 * cell's lines broke (spaces between justified names, list markup), so the rest is compared without spaces.
 */
const bare = (s: string | null) => s?.replace(/\s+/g, '') ?? null;
const pdfKey = (r: DutyRecord) => ({
  unit: r.unit,
  department: r.department,
  scope: r.scope,
  kind: r.kind,
  post: bare(r.post),
  item: bare(r.item),
  codes: r.flow?.codes ?? null,
  lead: r.lead,
  timeLimit: bare(r.timeLimit),
});
const squeezed = (r: DutyRecord) => [...r.duties, ...r.responsibilities].join('').replace(/\s+/g, '').replace(/\d+[.、]/g, '');

describe('the shipped manuals in other formats', () => {
  for (const file of readdirSync(manuals).filter((f) => f.endsWith('.txt'))) {
    const base = file.replace(/\.txt$/, '');
    const fromText = parseManual(file, readFileSync(join(manuals, file), 'utf8')).records.map(content);
    for (const format of FORMATS) {
      it(`${base}.${format} gives the same records as the text`, async () => {
        const name = `${base}.${format}`;
        const doc = await readDocument(name, new Uint8Array(readFileSync(join(converted, name))));
        expect(doc.format).toBe(format);
        const records = parseDocument(doc).records;
        expect(records.map(content)).toEqual(fromText);
        expect(records.every((r) => r.source.file === name)).toBe(true);
      });
    }
    it(`${base}.pdf (printed from the text) keeps every record's unit, post, item, chart codes, lead and time limit`, async () => {
      const name = `${base}.pdf`;
      const doc = await readDocument(name, new Uint8Array(readFileSync(join(converted, name))));
      const records = parseDocument(doc).records;
      const text = parseManual(file, readFileSync(join(manuals, file), 'utf8')).records;
      expect(records.map(pdfKey)).toEqual(text.map(pdfKey));
      // Duties and responsibilities: the same characters in the same order.
      const sameText = records.filter((r, i) => squeezed(r) === squeezed(text[i]!)).length;
      expect(sameText / text.length).toBeGreaterThanOrEqual(0.9);
    }, 30_000);
  }
});
