import { createHash, randomBytes } from 'node:crypto';

/** Bearer secrets: a recognizable prefix and 256 random bits. Only their SHA-256 is stored. */
export function newSecret(prefix: 'ppl' | 'ppa' | 'ppi'): string {
  return `${prefix}_${randomBytes(32).toString('base64url')}`;
}

export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}
