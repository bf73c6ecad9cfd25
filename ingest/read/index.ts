// Placeholder until the format readers land: text files only.
import type { DocModel } from '../document.js';
import { plainTextDoc } from '../plainText.js';
import { ManualParseError } from '../record.js';

export async function readDocument(file: string, bytes: Uint8Array): Promise<DocModel> {
  if (!/\.(txt|md)$/i.test(file)) throw new ManualParseError(file, '暂不支持的文件类型');
  return plainTextDoc(file, new TextDecoder().decode(bytes), /\.md$/i.test(file) ? 'md' : 'txt');
}

export function unsupportedReason(file: string, _bytes: Uint8Array): string | null {
  return /\.(txt|md)$/i.test(file) ? null : '暂不支持的文件类型';
}
