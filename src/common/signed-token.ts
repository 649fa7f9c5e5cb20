/**
 * Signed, single-purpose tokens for links (identity verification, password reset): the parts in
 * clear, then an HMAC-SHA256 under a key derived from SECRET_KEY for that one purpose, so a token
 * made for one purpose never verifies for another. Expiry is one of the parts; callers check it.
 */
import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';

/** A 256-bit key for one purpose, derived from SECRET_KEY with HKDF-SHA256. */
export function deriveKey(secretKey: string, purpose: string): Buffer {
  return Buffer.from(hkdfSync('sha256', secretKey, 'partner-platform', purpose, 32));
}

const PART = /^[A-Za-z0-9_-]{1,64}$/;

/** `<part>.<part>…<mac>`; parts are short base64url-safe strings (ids, Unix seconds, nonces). */
export function signToken(key: Buffer, parts: ReadonlyArray<string | number>): string {
  const body = parts.map(String);
  if (!body.every((part) => PART.test(part))) throw new Error('Token parts must be short base64url-safe strings');
  return `${body.join('.')}.${mac(key, body)}`;
}

/** The parts of a token this key signed with exactly `count` parts, or null (forged, altered, other purpose). */
export function verifyToken(key: Buffer, token: string, count: number): string[] | null {
  if (typeof token !== 'string' || token.length > 400) return null;
  const pieces = token.split('.');
  if (pieces.length !== count + 1) return null;
  const body = pieces.slice(0, count);
  if (!body.every((part) => PART.test(part))) return null;
  const expected = Buffer.from(mac(key, body));
  const given = Buffer.from(pieces[count]);
  return given.length === expected.length && timingSafeEqual(given, expected) ? body : null;
}

function mac(key: Buffer, parts: string[]): string {
  return createHmac('sha256', key).update(parts.join('.')).digest('base64url');
}
