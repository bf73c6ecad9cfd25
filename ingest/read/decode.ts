/**
 * Bytes → text for the plain formats: a BOM decides first, then strict UTF-8, then GB18030 (a superset of
 * GBK/GB2312, what Chinese Windows tools write). Node's full ICU decodes GB18030 with no package.
 */

export type TextEncoding = 'utf-8' | 'utf-16le' | 'utf-16be' | 'gb18030';

export interface Decoded {
  text: string;
  encoding: TextEncoding;
  warnings: string[];
}

function decode(encoding: TextEncoding, bytes: Uint8Array, fatal = false): string {
  return new TextDecoder(encoding, { fatal, ignoreBOM: false }).decode(bytes);
}

/** UTF-16 without a BOM: most odd (LE) or even (BE) bytes are zero in CJK/ASCII text. */
function bomlessUtf16(bytes: Uint8Array): 'utf-16le' | 'utf-16be' | null {
  const n = Math.min(bytes.length - (bytes.length % 2), 4096);
  if (n < 4) return null;
  let zeroOdd = 0;
  let zeroEven = 0;
  for (let i = 0; i < n; i += 2) {
    if (bytes[i] === 0) zeroEven++;
    if (bytes[i + 1] === 0) zeroOdd++;
  }
  const pairs = n / 2;
  // A few CJK code points have a zero low byte (U+5200 刀), so the other side need only be rare.
  if (zeroOdd > pairs * 0.3 && zeroEven * 10 < zeroOdd) return 'utf-16le';
  if (zeroEven > pairs * 0.3 && zeroOdd * 10 < zeroEven) return 'utf-16be';
  return null;
}

export function decodeText(bytes: Uint8Array): Decoded {
  const b0 = bytes[0];
  const b1 = bytes[1];
  if (b0 === 0xef && b1 === 0xbb && bytes[2] === 0xbf) return { text: decode('utf-8', bytes.subarray(3)), encoding: 'utf-8', warnings: [] };
  if (b0 === 0xff && b1 === 0xfe) return { text: decode('utf-16le', bytes.subarray(2)), encoding: 'utf-16le', warnings: [] };
  if (b0 === 0xfe && b1 === 0xff) return { text: decode('utf-16be', bytes.subarray(2)), encoding: 'utf-16be', warnings: [] };
  let utf8: string | null = null;
  try {
    utf8 = decode('utf-8', bytes, true);
  } catch {
    // not UTF-8
  }
  if (utf8 !== null && !utf8.includes('\u0000')) return { text: utf8, encoding: 'utf-8', warnings: [] };
  const utf16 = bomlessUtf16(bytes);
  if (!utf16 && utf8 !== null) return { text: utf8, encoding: 'utf-8', warnings: [] };
  if (utf16) return { text: decode(utf16, bytes), encoding: utf16, warnings: [`文件是没有 BOM 的 ${utf16.toUpperCase()} 编码，已按此读取`] };
  const text = decode('gb18030', bytes);
  const warnings = ['文件是 GBK/GB18030 编码，已按 GB18030 读取'];
  const bad = (text.match(/\uFFFD/g) ?? []).length;
  if (bad > 0) warnings.push(`有 ${bad} 处字节按 GB18030 也无法识别（可能是 Big5 等其他编码），请另存为 UTF-8 后再上传`);
  return { text, encoding: 'gb18030', warnings };
}
