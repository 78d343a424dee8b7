import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { DecryptionError } from './errors';

/** An unwrapped data key (AES-256) and its id, which every ciphertext made with it carries. */
export interface DataKey {
  id: string;
  key: Uint8Array;
}

/** First bytes of every ciphertext: "FXE" and the format version. */
const MAGIC = Buffer.from([0x46, 0x58, 0x45, 0x01]);
const IV_BYTES = 12;
const TAG_BYTES = 16;
/** Prefix of the text form (base64 of the binary form). */
export const SEALED_TEXT_PREFIX = 'fxe1:';

/**
 * Versioned ciphertext, binary form:
 * `46 58 45 01 | key-id length (1 byte) | key id (UTF-8) | iv (12) | tag (16) | AES-256-GCM ciphertext`.
 * The header (magic, version, key id) and the caller's associated data (who it belongs to and which
 * column, e.g. `tenant|user|memories.text`) are authenticated: a ciphertext copied to another
 * user's row, another column or another key id does not open.
 */
export function sealBytes(key: DataKey, plaintext: Uint8Array, aad: string): Buffer {
  const id = Buffer.from(key.id, 'utf8');
  if (id.length === 0 || id.length > 255) throw new RangeError('data key id must be 1-255 bytes');
  const header = Buffer.concat([MAGIC, Buffer.from([id.length]), id]);
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key.key, iv);
  cipher.setAAD(Buffer.concat([header, Buffer.from(aad, 'utf8')]));
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([header, iv, cipher.getAuthTag(), body]);
}

/** True when `bytes` starts like a ciphertext of this format (it may still fail to open). */
export function isSealedBytes(bytes: Uint8Array): boolean {
  return bytes.length >= MAGIC.length + 1 && MAGIC.every((b, i) => bytes[i] === b);
}

/** The data key id a ciphertext names; null when it is not one. */
export function sealedKeyId(sealed: Uint8Array | string): string | null {
  // a text's header is within its first 348 base64 characters (4 + 1 + 255 bytes): decode only those
  const bytes = typeof sealed === 'string' ? textBytes(sealed.slice(0, SEALED_TEXT_PREFIX.length + 348)) : sealed;
  if (!bytes || !isSealedBytes(bytes)) return null;
  const n = bytes[MAGIC.length] ?? 0;
  if (n === 0 || bytes.length < MAGIC.length + 1 + n) return null;
  return Buffer.from(bytes.subarray(MAGIC.length + 1, MAGIC.length + 1 + n)).toString('utf8');
}

/** Opens a {@link sealBytes} ciphertext; {@link DecryptionError} (never garbage) when anything does not match. */
export function openBytes(key: DataKey, sealed: Uint8Array, aad: string, what = 'ciphertext'): Buffer {
  const id = sealedKeyId(sealed);
  if (id === null) throw new DecryptionError(what, 'not a ciphertext of format fxe1 (truncated or corrupted header)');
  if (id !== key.id) throw new DecryptionError(what, `sealed under data key ${id}, not ${key.id}`);
  const headerLen = MAGIC.length + 1 + Buffer.byteLength(id, 'utf8');
  if (sealed.length < headerLen + IV_BYTES + TAG_BYTES) throw new DecryptionError(what, 'truncated');
  const buf = Buffer.from(sealed.buffer, sealed.byteOffset, sealed.byteLength);
  const iv = buf.subarray(headerLen, headerLen + IV_BYTES);
  const tag = buf.subarray(headerLen + IV_BYTES, headerLen + IV_BYTES + TAG_BYTES);
  const decipher = createDecipheriv('aes-256-gcm', key.key, iv);
  decipher.setAAD(Buffer.concat([buf.subarray(0, headerLen), Buffer.from(aad, 'utf8')]));
  decipher.setAuthTag(tag);
  try {
    return Buffer.concat([decipher.update(buf.subarray(headerLen + IV_BYTES + TAG_BYTES)), decipher.final()]);
  } catch {
    throw new DecryptionError(what, 'authentication failed (tampered, or sealed for another user or column)');
  }
}

/** Text form of {@link sealBytes}: `fxe1:` + base64, for text columns. */
export function sealText(key: DataKey, plaintext: string, aad: string): string {
  return SEALED_TEXT_PREFIX + sealBytes(key, Buffer.from(plaintext, 'utf8'), aad).toString('base64');
}

/** True when a text column value is a sealed text (legacy plaintext is not). */
export function isSealedText(value: string): boolean {
  return value.startsWith(SEALED_TEXT_PREFIX);
}

export function openText(key: DataKey, sealed: string, aad: string, what = 'ciphertext'): string {
  const bytes = textBytes(sealed);
  if (!bytes) throw new DecryptionError(what, `not a sealed text (no ${SEALED_TEXT_PREFIX} prefix)`);
  return openBytes(key, bytes, aad, what).toString('utf8');
}

function textBytes(s: string): Buffer | null {
  return s.startsWith(SEALED_TEXT_PREFIX) ? Buffer.from(s.slice(SEALED_TEXT_PREFIX.length), 'base64') : null;
}
