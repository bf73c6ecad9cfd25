import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { folderSources } from '../bot/runtime/nodeManuals.js';

describe('the manuals folder as version sources', () => {
  it('hashes every manual (hidden files, lock files and the README left out) and reads its bytes only when asked', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gzt-folder-'));
    try {
      writeFileSync(join(dir, 'b.txt'), '乙');
      writeFileSync(join(dir, 'a.docx'), 'not really a docx');
      writeFileSync(join(dir, '.hidden'), 'x');
      writeFileSync(join(dir, '~$a.docx'), 'lock');
      writeFileSync(join(dir, 'README.md'), 'readme');
      const sources = folderSources(dir);
      expect(sources.map((s) => s.name)).toEqual(['a.docx', 'b.txt']);
      const b = sources.find((s) => s.name === 'b.txt')!;
      expect(b.sha256).toBe(createHash('sha256').update('乙').digest('hex'));
      expect(new TextDecoder().decode(b.bytes)).toBe('乙');
      // A file replaced after it was listed is not taken under the old hash.
      writeFileSync(join(dir, 'b.txt'), '丙');
      expect(() => b.bytes).toThrow(/b\.txt 在启动过程中被改动/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
