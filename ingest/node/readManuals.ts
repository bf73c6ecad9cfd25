import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { DocModel } from '../document.js';
import type { ParsedManual } from '../record.js';
import { BuildThread } from '../../retrieval/node/buildPool.js';
import type { NumberedParse } from '../../retrieval/node/indexThread.js';
import { addParsed, type CorpusLoad, errorReason, type ManualSource, parseDocument } from '../parseManual.js';
import { readDocument, unsupportedReason } from '../read/index.js';
import { linkUnits } from '../unitLinks.js';

/** A file of the manuals folder, read as bytes. */
export interface ManualFile {
  file: string;
  bytes: Uint8Array;
  sha256: string;
}

/** The manuals of a folder: every file, sorted, but hidden ones, Office lock files, a README and folders. */
export function manualFileNames(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .filter((file) => !(file.startsWith('.') || file.startsWith('~$') || /^readme(\.md)?$/i.test(file)) && statSync(join(dir, file)).isFile());
}

/** Every file of a folder (not hidden, not a folder), split into those a reader takes and those it cannot. */
export function listManualFiles(dir: string): { files: ManualFile[]; skipped: { file: string; reason: string }[] } {
  const files: ManualFile[] = [];
  const skipped: { file: string; reason: string }[] = [];
  for (const file of manualFileNames(dir)) {
    const path = join(dir, file);
    // A view of the buffer read, not a copy: a large corpus is not held twice until the next collection.
    const read = readFileSync(path);
    const bytes = new Uint8Array(read.buffer, read.byteOffset, read.byteLength);
    const reason = unsupportedReason(file, bytes);
    if (reason) skipped.push({ file, reason });
    else files.push({ file, bytes, sha256: createHash('sha256').update(bytes).digest('hex') });
  }
  return { files, skipped };
}

/** One file read and parsed, or why not. */
export type FileParse = { file: string; parsed: ParsedManual } | { file: string; error: string };

/** Reads and parses files one by one (a worker thread runs this for a share of them). */
export async function parseFiles(files: ManualFile[]): Promise<FileParse[]> {
  const out: FileParse[] = [];
  for (const f of files) {
    try {
      const doc: DocModel = await readDocument(f.file, f.bytes);
      out.push({ file: f.file, parsed: parseDocument(doc) });
    } catch (e) {
      out.push({ file: f.file, error: errorReason(e) });
    }
  }
  return out;
}

/** Above this many bytes of files a helper thread parses a share of them. */
const THREAD_BYTES = 4_000_000;

/**
 * Reads and parses every file; one that cannot be read or parsed is reported, the others still load. Many
 * files are parsed on two threads, each taking the next file not yet taken (`threads` forces it on or off);
 * either way the corpus is the same, merged in file order.
 */
export async function readCorpus(files: ManualFile[], skipped: { file: string; reason: string }[] = [], o: { threads?: boolean } = {}): Promise<CorpusLoad> {
  const out: CorpusLoad = { records: [], units: [], manuals: [], errors: [], skipped };
  const bytes = files.reduce((s, f) => s + f.bytes.length, 0);
  const thread = files.length >= 2 && (o.threads ?? bytes >= THREAD_BYTES) ? BuildThread.acquire() : null;
  let results: FileParse[];
  if (thread) {
    try {
      const claim = new SharedArrayBuffer(4);
      const counter = new Int32Array(claim);
      const remote = thread.run<NumberedParse[]>({ kind: 'parse', files, claim }).catch(() => null);
      const slots: (FileParse | undefined)[] = new Array(files.length);
      for (let at = Atomics.add(counter, 0, 1); at < files.length; at = Atomics.add(counter, 0, 1)) [slots[at]] = await parseFiles([files[at]!]);
      for (const r of (await remote) ?? []) slots[r.at] = { ...r };
      // Files a failed thread took are parsed here.
      for (let at = 0; at < files.length; at++) slots[at] ??= (await parseFiles([files[at]!]))[0];
      results = slots.map((r) => {
        const { at: _at, ...rest } = r as NumberedParse;
        return rest as FileParse;
      });
    } finally {
      thread.release();
    }
  } else results = await parseFiles(files);
  for (const r of results) {
    if ('parsed' in r) addParsed(out, r.parsed);
    else out.errors.push({ file: r.file, reason: r.error });
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
