import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { DocModel } from '../document.js';
import { addParsed, type CorpusLoad, errorReason, type ManualSource, parseDocument } from '../parseManual.js';
import { readDocument, unsupportedReason } from '../read/index.js';
import { linkUnits } from '../unitLinks.js';

/** A file of the manuals folder, read as bytes. */
export interface ManualFile {
  file: string;
  bytes: Uint8Array;
  sha256: string;
}

/** Every file of a folder (not hidden, not a folder), split into those a reader takes and those it cannot. */
export function listManualFiles(dir: string): { files: ManualFile[]; skipped: { file: string; reason: string }[] } {
  const files: ManualFile[] = [];
  const skipped: { file: string; reason: string }[] = [];
  for (const file of readdirSync(dir).sort()) {
    if (file.startsWith('.') || file.startsWith('~$') || /^readme(\.md)?$/i.test(file)) continue;
    const path = join(dir, file);
    if (!statSync(path).isFile()) continue;
    // A view of the buffer read, not a copy: a large corpus is not held twice until the next collection.
    const read = readFileSync(path);
    const bytes = new Uint8Array(read.buffer, read.byteOffset, read.byteLength);
    const reason = unsupportedReason(file, bytes);
    if (reason) skipped.push({ file, reason });
    else files.push({ file, bytes, sha256: createHash('sha256').update(bytes).digest('hex') });
  }
  return { files, skipped };
}

/** Reads and parses every file; one that cannot be read or parsed is reported, the others still load. */
export async function readCorpus(files: ManualFile[], skipped: { file: string; reason: string }[] = []): Promise<CorpusLoad> {
  const out: CorpusLoad = { records: [], units: [], manuals: [], errors: [], skipped };
  for (const f of files) {
    let doc: DocModel;
    try {
      doc = await readDocument(f.file, f.bytes);
      addParsed(out, parseDocument(doc));
    } catch (e) {
      out.errors.push({ file: f.file, reason: errorReason(e) });
    }
  }
  linkUnits(out);
  return out;
}

/** The text manuals of a folder (.txt / .md), for callers that parse text synchronously. */
export function readManuals(dir: string): ManualSource[] {
  return readdirSync(dir)
    .filter((f) => /\.(txt|md)$/i.test(f) && statSync(join(dir, f)).isFile())
    .sort()
    .map((file) => ({ file, text: readFileSync(join(dir, file), 'utf8') }));
}
