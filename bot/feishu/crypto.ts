import { createCipheriv, createDecipheriv, createHash, randomBytes, timingSafeEqual } from 'node:crypto';

const aesKey = (encryptKey: string) => createHash('sha256').update(encryptKey).digest();

/** Feishu's event encryption: base64(iv ‖ AES-256-CBC(sha256(key), iv, PKCS7(plaintext))). */
export function decryptEvent(encryptKey: string, encrypted: string): string {
  const buf = Buffer.from(encrypted, 'base64');
  if (buf.length < 32 || buf.length % 16 !== 0) throw new Error('密文长度不对');
  const decipher = createDecipheriv('aes-256-cbc', aesKey(encryptKey), buf.subarray(0, 16));
  return Buffer.concat([decipher.update(buf.subarray(16)), decipher.final()]).toString('utf8');
}

export function encryptEvent(encryptKey: string, plaintext: string, iv: Buffer = randomBytes(16)): string {
  const cipher = createCipheriv('aes-256-cbc', aesKey(encryptKey), iv);
  return Buffer.concat([iv, cipher.update(plaintext, 'utf8'), cipher.final()]).toString('base64');
}

/** hex(sha256(timestamp + nonce + encrypt_key + raw body bytes)). */
export function signEvent(timestamp: string, nonce: string, encryptKey: string, rawBody: Uint8Array | string): string {
  return createHash('sha256').update(timestamp + nonce + encryptKey).update(rawBody).digest('hex');
}

export function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
