import { BusinessError, CommonErrorCode } from '../graphql/errors';

/** A UTF-16 surrogate without its partner: not a character, and not storable as UTF-8. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Bidirectional embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069): they reorder how text displays. */
const BIDI_CONTROL = /[\u202A-\u202E\u2066-\u2069]/;

/** True when `value` holds a lone surrogate anywhere (strings, arrays and objects are searched). */
export function hasLoneSurrogate(value: unknown): boolean {
  if (typeof value === 'string') return LONE_SURROGATE.test(value);
  if (Array.isArray(value)) return value.some(hasLoneSurrogate);
  if (value && typeof value === 'object') return Object.values(value).some(hasLoneSurrogate);
  return false;
}

/**
 * Input checks shared by every service. Each throws a BusinessError with code INVALID_INPUT and the
 * path of the field at fault, so a mutation reports it in `userErrors` and writes nothing.
 */

export function requireText(
  value: string | null | undefined,
  field: string[],
  options: { max: number; min?: number; label?: string },
): string {
  const label = options.label ?? field[field.length - 1];
  // NFC: "é" typed as one character or as e + accent is the same name, stored once the same way.
  const trimmed = (value ?? '').normalize('NFC').trim();
  if (trimmed.length < (options.min ?? 1))
    throw new BusinessError(CommonErrorCode.INVALID_INPUT, `${label} must not be empty.`, field);
  if (trimmed.length > options.max)
    throw new BusinessError(
      CommonErrorCode.INVALID_INPUT,
      `${label} must be at most ${options.max} characters.`,
      field,
    );
  if (hasControlCharacters(trimmed))
    throw new BusinessError(CommonErrorCode.INVALID_INPUT, `${label} must not contain control characters.`, field);
  if (BIDI_CONTROL.test(trimmed))
    throw new BusinessError(
      CommonErrorCode.INVALID_INPUT,
      `${label} must not contain bidirectional override characters (U+202A–U+202E, U+2066–U+2069).`,
      field,
    );
  if (LONE_SURROGATE.test(trimmed))
    throw new BusinessError(
      CommonErrorCode.INVALID_INPUT,
      `${label} must be valid Unicode (it has a lone surrogate).`,
      field,
    );
  return trimmed;
}

export function optionalText(
  value: string | null | undefined,
  field: string[],
  options: { max: number; label?: string },
): string | null | undefined {
  if (value === undefined) return undefined;
  if (value === null || value.trim() === '') return null;
  return requireText(value, field, options);
}

const EMAIL =
  /^[^\s@"(),:;<>[\]\\]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$/;

/** The form an email address is stored and looked up in: NFC, trimmed, lower-case. */
export function normalizeEmail(value: string | null | undefined): string {
  return (value ?? '').normalize('NFC').trim().toLowerCase();
}

/** Normalized (NFC, trimmed, lower-case) email address, at most 254 characters. */
export function requireEmail(value: string | null | undefined, field: string[]): string {
  const email = normalizeEmail(value);
  if (email.length > 254 || !EMAIL.test(email) || LONE_SURROGATE.test(email))
    throw new BusinessError(CommonErrorCode.INVALID_EMAIL, `"${value ?? ''}" is not a valid email address.`, field);
  return email;
}

/** ISO 3166-1 alpha-2 country code, upper-cased. */
export function requireCountry(value: string | null | undefined, field: string[]): string {
  const country = (value ?? '').trim().toUpperCase();
  if (!/^[A-Z]{2}$/.test(country))
    throw new BusinessError(
      CommonErrorCode.INVALID_COUNTRY,
      'country must be a two-letter ISO 3166 code such as CH.',
      field,
    );
  return country;
}

/** An http(s) URL, at most 255 characters. */
export function requireUrl(value: string | null | undefined, field: string[]): string {
  const url = requireText(value, field, { max: 255 });
  try {
    const parsed = new URL(url);
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new Error('scheme');
  } catch {
    throw new BusinessError(CommonErrorCode.INVALID_URL, `"${url}" is not an http(s) URL.`, field);
  }
  return url;
}

export const PASSWORD_MIN = 10;
export const PASSWORD_MAX = 200;

/** Passwords are compared in NFC, so the same password typed on two keyboards is the same password. */
export function normalizePassword(value: string | null | undefined): string {
  return (value ?? '').normalize('NFC');
}

export function requirePassword(value: string | null | undefined, field: string[]): string {
  const password = normalizePassword(value);
  if (password.length < PASSWORD_MIN || password.length > PASSWORD_MAX) {
    throw new BusinessError(
      CommonErrorCode.WEAK_PASSWORD,
      `password must be ${PASSWORD_MIN} to ${PASSWORD_MAX} characters long.`,
      field,
    );
  }
  return password;
}

/** True when `text` holds a control character (C0 or DEL), which no name, label or key may contain. */
export function hasControlCharacters(text: string): boolean {
  // eslint-disable-next-line no-control-regex -- control characters are exactly what this looks for
  return /[\u0000-\u001f\u007f]/.test(text);
}
