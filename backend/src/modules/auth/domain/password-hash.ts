import bcrypt from 'bcryptjs';
import { createHmac } from 'node:crypto';

/**
 * Password hashes. bcrypt reads only the first 72 bytes of its input, so two long passwords sharing those bytes
 * would be the same password. New hashes therefore bcrypt a fixed-length digest of the whole password:
 * `v2$` + bcrypt(base64(HMAC-SHA256("collabpay-password-v2", password))) (44 ASCII bytes, no NUL; the HMAC key keeps
 * a bare SHA-256 of the password from elsewhere from being tried directly against the bcrypt hash).
 * Hashes without the prefix (made before) are plain bcrypt and still verify; a password longer than 72 bytes
 * never matches such a hash, as it cannot be told apart from its own first 72 bytes (reset it to upgrade).
 */
const V2 = 'v2$';
const BCRYPT_MAX_BYTES = 72;

const digest = (password: string) => createHmac('sha256', 'collabpay-password-v2').update(password, 'utf8').digest('base64');

export function hashPassword(password: string, rounds: number): Promise<string> {
  return bcrypt.hash(digest(password), rounds).then((h) => V2 + h);
}

export function verifyPassword(password: string, stored: string): Promise<boolean> {
  if (stored.startsWith(V2)) return bcrypt.compare(digest(password), stored.slice(V2.length));
  if (Buffer.byteLength(password, 'utf8') > BCRYPT_MAX_BYTES) return bcrypt.compare('', stored).then(() => false);
  return bcrypt.compare(password, stored);
}

/** Whether the stored hash is an old, 72-byte-truncating one (upgraded at the next successful sign-in). */
export const isLegacyHash = (stored: string) => !stored.startsWith(V2);
