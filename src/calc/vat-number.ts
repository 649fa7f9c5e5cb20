/**
 * VAT numbers printed on invoices: the Swiss `CHE-123.456.789 MWST` (the UID with its mod-11 check
 * digit and the language suffix MWST, TVA or IVA) and EU VAT ids by each member state's format
 * (the country prefix of VIES: EL for Greece, XI for Northern Ireland). Format checks only; whether
 * the number is registered is what VIES or the Swiss UID register answer.
 */
import { parseSwissUid } from './company-ids';

export type VatNumberKind = 'CH' | 'EU';

export interface VatNumber {
  kind: VatNumberKind;
  /** ISO 3166-1 alpha-2 of the issuing country (GR for an EL id, GB for XI). */
  country: string;
  /** Canonical form: `CHE-123.456.789 MWST`, or the EU id without separators (`DE123456789`). */
  value: string;
}

const SWISS_VAT = /^(CHE[-\s.]?\d{3}[.\s]?\d{3}[.\s]?\d{3})[\s-]*(MWST|TVA|IVA)$/i;

/** National part of an EU VAT id after its two-letter prefix (separators removed). */
const EU_FORMATS: Readonly<Record<string, RegExp>> = {
  AT: /^U\d{8}$/,
  BE: /^[01]\d{9}$/,
  BG: /^\d{9,10}$/,
  CY: /^\d{8}[A-Z]$/,
  CZ: /^\d{8,10}$/,
  DE: /^\d{9}$/,
  DK: /^\d{8}$/,
  EE: /^\d{9}$/,
  EL: /^\d{9}$/,
  ES: /^(?:[A-Z]\d{7}[A-Z0-9]|\d{8}[A-Z])$/,
  FI: /^\d{8}$/,
  FR: /^[0-9A-HJ-NP-Z]{2}\d{9}$/,
  HR: /^\d{11}$/,
  HU: /^\d{8}$/,
  IE: /^(?:\d{7}[A-W][A-IW]?|\d[A-Z+*]\d{5}[A-W])$/,
  IT: /^\d{11}$/,
  LT: /^(?:\d{9}|\d{12})$/,
  LU: /^\d{8}$/,
  LV: /^\d{11}$/,
  MT: /^\d{8}$/,
  NL: /^\d{9}B\d{2}$/,
  PL: /^\d{10}$/,
  PT: /^\d{9}$/,
  RO: /^[1-9]\d{1,9}$/,
  SE: /^\d{10}01$/,
  SI: /^\d{8}$/,
  SK: /^\d{10}$/,
  XI: /^(?:\d{9}|\d{12}|GD\d{3}|HA\d{3})$/,
};

const PREFIX_COUNTRY: Readonly<Record<string, string>> = { EL: 'GR', XI: 'GB' };

/** The VAT number in canonical form, or null when it is neither a valid Swiss nor a well-formed EU VAT number. */
export function parseVatNumber(text: string): VatNumber | null {
  const trimmed = text.trim();
  const swiss = SWISS_VAT.exec(trimmed);
  if (swiss) {
    const digits = parseSwissUid(swiss[1]);
    if (!digits) return null;
    const uid = `CHE-${digits.slice(0, 3)}.${digits.slice(3, 6)}.${digits.slice(6)}`;
    return { kind: 'CH', country: 'CH', value: `${uid} ${swiss[2].toUpperCase()}` };
  }
  const compact = trimmed.toUpperCase().replace(/[\s.-]/g, '');
  const prefix = compact.slice(0, 2);
  const format = EU_FORMATS[prefix];
  if (!format || !format.test(compact.slice(2))) return null;
  return { kind: 'EU', country: PREFIX_COUNTRY[prefix] ?? prefix, value: compact };
}

/** Member states whose VAT ids parseVatNumber knows (by VIES prefix). */
export const EU_VAT_PREFIXES = Object.keys(EU_FORMATS);
