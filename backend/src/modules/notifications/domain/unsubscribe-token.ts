import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Unsubscribe links work without signing in (one click from the email, RFC 8058), so they carry a signature of
 * (user, kind) made with a key derived from the server's secret. No expiry: an old email's link must still work.
 */
export function unsubscribeSignature(secret: string, userId: string, kind: string): string {
  const key = createHmac('sha256', secret).update('collabpay:unsubscribe').digest();
  return createHmac('sha256', key).update(`${userId}:${kind}`).digest('base64url');
}

export function verifyUnsubscribe(secret: string, userId: string, kind: string, sig: string): boolean {
  const want = Buffer.from(unsubscribeSignature(secret, userId, kind));
  const got = Buffer.from(sig);
  return want.length === got.length && timingSafeEqual(want, got);
}
