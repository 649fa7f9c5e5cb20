/**
 * Invoice numbers are gapless per calendar year (R20): `2026-000123` is the 123rd invoice
 * issued in 2026 (UTC). The sequence itself lives in the invoice_counter table.
 */

const PATTERN = /^(\d{4})-(\d{6,})$/;

/** `2026`, `123` → `2026-000123`; sequences beyond 999999 keep all their digits. */
export function formatInvoiceNumber(year: number, sequence: number): string {
  if (!Number.isInteger(year) || year < 1000 || year > 9999)
    throw new RangeError(`year must have four digits, got ${year}`);
  if (!Number.isSafeInteger(sequence) || sequence < 1)
    throw new RangeError(`sequence must be a positive integer, got ${sequence}`);
  return `${year}-${String(sequence).padStart(6, '0')}`;
}

/** `2026-000123` → { year: 2026, sequence: 123 }; null for anything else. */
export function parseInvoiceNumber(number: string): { year: number; sequence: number } | null {
  const match = PATTERN.exec(number);
  if (!match) return null;
  const sequence = Number(match[2]);
  return Number.isSafeInteger(sequence) && sequence > 0 ? { year: Number(match[1]), sequence } : null;
}

/** The numbering year of an invoice issued at `issuedAt` (UTC). */
export function invoiceYear(issuedAt: Date): number {
  return issuedAt.getUTCFullYear();
}
