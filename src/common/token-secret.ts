import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** Bearer secrets: a recognizable prefix and 256 random bits. Only their SHA-256 is stored. */
export function newSecret(prefix: 'ppl' | 'ppa' | 'ppi'): string {
  return `${prefix}_${randomBytes(32).toString('base64url')}`;
}

export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

/**
 * Compares a stored hash with the hash of a presented secret in constant time. The look-up by hash
 * finds the row; this check makes the final comparison independent of where the two differ.
 */
export function sameSecretHash(stored: string, presented: string): boolean {
  const a = Buffer.from(stored, 'hex');
  const b = Buffer.from(presented, 'hex');
  return a.length === b.length && a.length > 0 && timingSafeEqual(a, b);
}
