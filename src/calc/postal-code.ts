/**
 * Postal codes by country, as the billing address needs them (a window envelope, the QR-bill's
 * debtor). Format and range checks only: whether the code exists is the post office's business.
 */

interface PostalRule {
  pattern: RegExp;
  /** Allowed numeric range, for all-digit codes. */
  range?: [number, number];
  /** Shown in the error: what a valid code looks like. */
  example: string;
}

/** Liechtenstein's codes, served by Swiss Post: 9485 Nendeln … 9498 Planken. */
const LI_RANGE: [number, number] = [9485, 9498];

const RULES: Readonly<Record<string, PostalRule>> = {
  CH: { pattern: /^\d{4}$/, range: [1000, 9699], example: '4 digits, e.g. 8001' },
  LI: { pattern: /^\d{4}$/, range: LI_RANGE, example: '9485 to 9498, e.g. 9490' },
  AT: { pattern: /^\d{4}$/, range: [1010, 9992], example: '4 digits, e.g. 1010' },
  DE: { pattern: /^\d{5}$/, range: [1001, 99998], example: '5 digits, e.g. 10115' },
  FR: { pattern: /^\d{5}$/, range: [1000, 98999], example: '5 digits, e.g. 75001' },
  IT: { pattern: /^\d{5}$/, range: [10, 98168], example: '5 digits, e.g. 00184' },
  BE: { pattern: /^\d{4}$/, range: [1000, 9992], example: '4 digits, e.g. 1000' },
  LU: { pattern: /^\d{4}$/, range: [1009, 9999], example: '4 digits, e.g. 1009' },
  NL: { pattern: /^[1-9]\d{3} ?[A-Z]{2}$/, example: '4 digits and 2 letters, e.g. 1012 AB' },
  ES: { pattern: /^\d{5}$/, range: [1000, 52999], example: '5 digits, e.g. 28001' },
};

/** The old one-letter prefixes still written in front of codes (`D-10115`, `F-75001`, `A-1010`, `I-00184`). */
const LEGACY_PREFIX: Readonly<Record<string, string>> = { DE: 'D', FR: 'F', AT: 'A', IT: 'I', BE: 'B', LU: 'L' };

/** Elsewhere: letters, digits, spaces and dashes, at most 16 (the QR-bill's limit), with a digit. */
const OTHER = /^(?=.*\d)[A-Z0-9][A-Z0-9 -]{0,15}$/;

export type PostalCodeCheck = { ok: true; postalCode: string } | { ok: false; expected: string };

/**
 * Checks `code` for `country` (ISO 3166-1 alpha-2) and returns its canonical form: trimmed, upper
 * case, without a leading country prefix (`CH-8001` → `8001`, `D-10115` → `10115`).
 */
export function checkPostalCode(country: string, code: string): PostalCodeCheck {
  const upper = country.trim().toUpperCase();
  if (!/^[A-Z]{2}$/.test(upper)) return { ok: false, expected: 'a postal code of a country given by its ISO code' };
  let value = code.trim().toUpperCase().replace(/\s+/g, ' ');
  const prefix = new RegExp(`^(${upper}|${LEGACY_PREFIX[upper] ?? upper})-`);
  value = value.replace(prefix, '');
  const rule = RULES[upper];
  if (!rule) return OTHER.test(value) ? { ok: true, postalCode: value } : { ok: false, expected: 'a postal code' };
  if (!rule.pattern.test(value)) return { ok: false, expected: rule.example };
  if (rule.range) {
    const n = Number(value);
    if (n < rule.range[0] || n > rule.range[1]) return { ok: false, expected: rule.example };
    if (upper === 'CH' && n >= LI_RANGE[0] && n <= LI_RANGE[1])
      return { ok: false, expected: 'a Swiss code (9485 to 9498 are in Liechtenstein)' };
  }
  if (upper === 'NL') value = `${value.slice(0, 4)} ${value.slice(-2)}`;
  return { ok: true, postalCode: value };
}
