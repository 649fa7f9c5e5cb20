/**
 * Payment references of Swiss QR-bills: the QR reference (27 digits, the last a recursive mod-10
 * check digit, as the former orange ISR slip) and the ISO 11649 creditor reference (`RF` + two
 * mod-97 check digits + up to 21 letters and digits), used with a plain IBAN. Pure functions.
 */

/** The carry table of the recursive mod-10 algorithm (Swiss Payment Standards, QR-bill annex). */
const MOD10_TABLE = [0, 9, 4, 6, 8, 2, 7, 1, 3, 5];

/** The recursive mod-10 check digit of a string of digits. */
export function mod10RecursiveCheckDigit(digits: string): number {
  if (!/^\d*$/.test(digits)) throw new Error(`not digits: "${digits}"`);
  let carry = 0;
  for (const digit of digits) carry = MOD10_TABLE[(carry + Number(digit)) % 10];
  return (10 - carry) % 10;
}

/** The 27-digit QR reference of up to 26 digits (left-padded with zeros) plus its check digit. */
export function qrReference(body: string): string {
  if (!/^\d{1,26}$/.test(body)) throw new Error(`a QR reference body is 1 to 26 digits, got "${body}"`);
  const padded = body.padStart(26, '0');
  return `${padded}${mod10RecursiveCheckDigit(padded)}`;
}

/** True for 27 digits (spaces allowed) whose last digit is the recursive mod-10 check digit of the others. */
export function isValidQrReference(text: string): boolean {
  const digits = text.replace(/\s/g, '');
  if (!/^\d{27}$/.test(digits)) return false;
  return mod10RecursiveCheckDigit(digits.slice(0, 26)) === Number(digits[26]);
}

/** A QR reference as printed: blocks of five digits from the right, `21 00000 00003 13947 14300 09017`. */
export function formatQrReference(reference: string): string {
  const digits = reference.replace(/\s/g, '');
  const head = digits.length % 5;
  const blocks = digits.slice(head).match(/\d{5}/g) ?? [];
  return [...(head ? [digits.slice(0, head)] : []), ...blocks].join(' ');
}

/** ISO 7064 mod 97-10 of an alphanumeric string (letters count as 10..35), computed piecewise. */
function mod97(text: string): number {
  let remainder = 0;
  for (const char of text.toUpperCase()) {
    const value = /\d/.test(char) ? char : String(char.charCodeAt(0) - 55);
    for (const digit of value) remainder = (remainder * 10 + Number(digit)) % 97;
  }
  return remainder;
}

/** The ISO 11649 creditor reference `RFkk<body>` of 1 to 21 letters and digits. */
export function creditorReference(body: string): string {
  if (!/^[A-Za-z0-9]{1,21}$/.test(body)) throw new Error(`an RF reference body is 1 to 21 letters or digits`);
  const upper = body.toUpperCase();
  const check = 98 - mod97(`${upper}RF00`);
  return `RF${String(check).padStart(2, '0')}${upper}`;
}

/** True for `RF` + two check digits + 1 to 21 letters and digits (spaces allowed) that pass mod 97. */
export function isValidCreditorReference(text: string): boolean {
  const compact = text.replace(/\s/g, '').toUpperCase();
  if (!/^RF\d{2}[A-Z0-9]{1,21}$/.test(compact)) return false;
  return mod97(`${compact.slice(4)}${compact.slice(0, 4)}`) === 1;
}

/** A creditor reference as printed: blocks of four, `RF18 5390 0754 7034`. */
export function formatCreditorReference(reference: string): string {
  return (reference.replace(/\s/g, '').match(/.{1,4}/g) ?? []).join(' ');
}
