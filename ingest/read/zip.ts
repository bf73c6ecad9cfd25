/** Reading the parts of an OOXML/OFD zip safely: only the wanted entries are inflated, with caps. */
import { unzipSync } from 'fflate';
import { ManualParseError } from '../record.js';

const MAX_ENTRIES = 10_000;
const MAX_PART_BYTES = 256 * 1024 * 1024;

export interface ZipParts {
  names: string[];
  parts: Map<string, Uint8Array>;
}

/** Entry names and the inflated bytes of the entries `want` accepts. Throws ManualParseError on a broken zip. */
export function readZip(file: string, bytes: Uint8Array, want: (name: string) => boolean, what = '文件'): ZipParts {
  const names: string[] = [];
  let parts: Record<string, Uint8Array>;
  try {
    parts = unzipSync(bytes, {
      filter: (entry) => {
        names.push(entry.name);
        if (names.length > MAX_ENTRIES) throw new Error('too many entries');
        if (!want(entry.name)) return false;
        if (entry.originalSize > MAX_PART_BYTES) throw new Error(`entry too large: ${entry.name}`);
        return true;
      },
    });
  } catch (err) {
    const msg = (err as Error).message;
    if (msg === 'too many entries' || msg.startsWith('entry too large')) {
      throw new ManualParseError(file, `${what}内部条目过多或过大（可能不是普通文档），请另存为普通的 .docx/.xlsx 后再上传`);
    }
    throw new ManualParseError(file, `${what}已损坏或不完整（压缩包无法解开：${msg}），请重新保存或重新下载后再上传`);
  }
  return { names, parts: new Map(Object.entries(parts)) };
}

/** Entry names only, inflating nothing; null when the bytes are not a readable zip. */
export function zipNames(bytes: Uint8Array): string[] | null {
  const names: string[] = [];
  try {
    unzipSync(bytes, {
      filter: (entry) => {
        names.push(entry.name);
        return false;
      },
    });
  } catch {
    return names.length ? names : null;
  }
  return names;
}
