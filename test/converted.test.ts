import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { DutyRecord } from '../ingest/record.js';
import { parseDocument, parseManual } from '../ingest/parseManual.js';
import { readDocument } from '../ingest/read/index.js';

// The shipped manuals saved as Word (tables as Word tables), Excel and a text PDF give the same records as the text.
const manuals = join(import.meta.dirname, '..', 'seeds', 'manuals');
const converted = join(import.meta.dirname, 'fixtures', 'converted');
const FORMATS = ['docx', 'xlsx', 'pdf'] as const;

const content = ({ id: _id, source: _source, ...rest }: DutyRecord) => rest;

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
  }
});
