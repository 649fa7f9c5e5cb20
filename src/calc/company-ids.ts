/**
 * Commercial-register identifiers (R28, and the VAT number of invoices): the Swiss UID with its
 * mod-11 check digit and the French SIRET with its Luhn checksum. Pure format checks; whether the
 * company exists is for staff to verify when they review an application.
 */

const SWISS_UID = /^CHE[-\s]?(\d{3})[.\s]?(\d{3})[.\s]?(\d{3})$/i;
const SWISS_UID_WEIGHTS = [5, 4, 3, 2, 7, 6, 5, 4];

/**
 * The nine digits of a Swiss UID (`CHE-123.456.789`, also written without separators), or null when
 * the text is not one or its mod-11 check digit (the ninth digit) is wrong.
 */
export function parseSwissUid(text: string): string | null {
  const match = SWISS_UID.exec(text.trim());
  if (!match) return null;
  const digits = match.slice(1).join('');
  const sum = SWISS_UID_WEIGHTS.reduce((total, weight, i) => total + weight * Number(digits[i]), 0);
  const check = (11 - (sum % 11)) % 11;
  // A remainder that would need check digit 10 is never issued.
  if (check === 10 || check !== Number(digits[8])) return null;
  return digits;
}

/** The canonical form `CHE-123.456.789` of a valid Swiss UID, or null. */
export function formatSwissUid(text: string): string | null {
  const digits = parseSwissUid(text);
  return digits ? `CHE-${digits.slice(0, 3)}.${digits.slice(3, 6)}.${digits.slice(6)}` : null;
}

/** True when the digits pass the Luhn checksum (every second digit from the right doubled). */
export function passesLuhn(digits: string): boolean {
  if (!/^\d+$/.test(digits)) return false;
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let digit = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  return sum % 10 === 0;
}

/** A French SIRET: 14 digits (spaces allowed) passing Luhn; La Poste's establishments (SIREN 356000000) may use digit sum ≡ 0 mod 5 instead. */
export function isValidSiret(text: string): boolean {
  const digits = text.replace(/\s/g, '');
  if (!/^\d{14}$/.test(digits)) return false;
  if (passesLuhn(digits)) return true;
  if (!digits.startsWith('356000000')) return false;
  const digitSum = [...digits].reduce((total, d) => total + Number(d), 0);
  return digitSum % 5 === 0;
}

export type CompanyIdKind = 'CH_UID' | 'FR_SIRET' | 'OTHER';

/**
 * Which kind of register id the text looks like, or null when it looks like a Swiss UID or a SIRET
 * but fails its check digit. Other register ids (DE HRB, IT REA...) are accepted as OTHER when they
 * are 4 to 40 letters, digits, spaces, dots, dashes and slashes with at least one digit.
 */
export function classifyCompanyId(text: string): CompanyIdKind | null {
  const value = text.trim();
  if (/^CHE/i.test(value)) return parseSwissUid(value) ? 'CH_UID' : null;
  if (/^[\d\s]+$/.test(value) && value.replace(/\s/g, '').length === 14) return isValidSiret(value) ? 'FR_SIRET' : null;
  if (/^[A-Za-z0-9 ./-]{4,40}$/.test(value) && /\d/.test(value)) return 'OTHER';
  return null;
}
