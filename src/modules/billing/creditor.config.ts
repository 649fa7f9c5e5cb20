import { isIBANValid, isQRIBAN } from 'swissqrbill/utils';
import { checkPostalCode } from '../../calc/postal-code';
import { parseVatNumber } from '../../calc/vat-number';

/**
 * The provider as invoice issuer and QR-bill creditor: name and postal address printed on every
 * invoice and in the payment part, the accounts transfers go to, the VAT number. From the
 * environment (src/config.ts; README, configuration).
 */
export interface BillingCreditor {
  name: string;
  /** Street and building number, e.g. "Rue de la Colline 12". */
  street: string;
  postalCode: string;
  city: string;
  /** ISO 3166-1 alpha-2. */
  country: string;
  /** CHF account, electronic format. A QR-IBAN gets QR references, a plain IBAN ISO 11649 (RF) references. */
  iban: string;
  /** EUR account, electronic format (the CHF account when not configured). */
  ibanEur: string;
  /** `CHE-123.456.789 MWST` (canonical). */
  vatNumber: string;
  /** Digits the bank wants at the start of every reference (e.g. a customer id), 0 to 8. */
  referencePrefix: string;
}

/** The embedded default: sample values (the QR-IBAN of the Swiss implementation guidelines); set real ones in production. */
export const DEFAULT_CREDITOR: BillingCreditor = {
  name: 'Partner Platform Hosting SA',
  street: 'Rue de la Colline 12',
  postalCode: '1227',
  city: 'Carouge GE',
  country: 'CH',
  iban: 'CH4431999123000889012',
  ibanEur: 'CH4431999123000889012',
  vatNumber: 'CHE-100.200.309 TVA',
  referencePrefix: '',
};

const MAX_REFERENCE_PREFIX = 8;

/** The account that receives transfers in `currency`. */
export function creditorIban(creditor: BillingCreditor, currency: string): string {
  return currency === 'EUR' ? creditor.ibanEur : creditor.iban;
}

/** True when transfers to this account carry a QR reference (a QR-IBAN), false for an RF reference. */
export function usesQrReference(iban: string): boolean {
  return isQRIBAN(iban);
}

/**
 * Reads BILLING_* from `env` (defaults: DEFAULT_CREDITOR) and checks every value. Under
 * NODE_ENV=production the accounts must be set: the sample QR-IBAN is refused.
 * @throws Error naming the variable at fault and what it must look like
 */
export function creditorFromEnv(env: NodeJS.ProcessEnv): BillingCreditor {
  const text = (name: string, fallback: string, max: number) => {
    const value = (env[name] ?? '').trim() || fallback;
    if (value.length > max) throw new Error(`${name} must be at most ${max} characters, got "${value}"`);
    return value;
  };
  const country = text('BILLING_CREDITOR_COUNTRY', DEFAULT_CREDITOR.country, 2).toUpperCase();
  const postal = checkPostalCode(country, text('BILLING_CREDITOR_POSTAL_CODE', DEFAULT_CREDITOR.postalCode, 16));
  if (!postal.ok) throw new Error(`BILLING_CREDITOR_POSTAL_CODE must be ${postal.expected} for ${country}`);
  const iban = ibanOf(env, 'BILLING_IBAN', DEFAULT_CREDITOR.iban);
  const vat = parseVatNumber(text('BILLING_VAT_NUMBER', DEFAULT_CREDITOR.vatNumber, 40));
  if (!vat) throw new Error('BILLING_VAT_NUMBER must be a VAT number such as CHE-123.456.789 MWST (valid check digit)');
  const ibanEur = env.BILLING_IBAN_EUR?.trim() ? ibanOf(env, 'BILLING_IBAN_EUR', iban) : iban;
  if (env.NODE_ENV === 'production') {
    // The sample account belongs to nobody here: customers' transfers would go astray.
    const sample =
      iban === DEFAULT_CREDITOR.iban ? 'BILLING_IBAN' : ibanEur === DEFAULT_CREDITOR.iban && 'BILLING_IBAN_EUR';
    if (sample)
      throw new Error(`${sample} must be the provider's own account when NODE_ENV=production, not the sample QR-IBAN`);
  }
  const referencePrefix = (env.BILLING_REFERENCE_PREFIX ?? '').trim();
  if (!new RegExp(`^\\d{0,${MAX_REFERENCE_PREFIX}}$`).test(referencePrefix))
    throw new Error(`BILLING_REFERENCE_PREFIX must be 0 to ${MAX_REFERENCE_PREFIX} digits`);
  return {
    name: text('BILLING_CREDITOR_NAME', DEFAULT_CREDITOR.name, 70),
    street: text('BILLING_CREDITOR_STREET', DEFAULT_CREDITOR.street, 70),
    postalCode: postal.postalCode,
    city: text('BILLING_CREDITOR_CITY', DEFAULT_CREDITOR.city, 35),
    country,
    iban,
    ibanEur,
    vatNumber: vat.value,
    referencePrefix,
  };
}

/** A Swiss or Liechtenstein IBAN (the QR-bill's rule), in electronic format. */
function ibanOf(env: NodeJS.ProcessEnv, name: string, fallback: string): string {
  const iban = ((env[name] ?? '').trim() || fallback).replace(/\s/g, '').toUpperCase();
  if (!/^(CH|LI)/.test(iban) || !isIBANValid(iban))
    throw new Error(`${name} must be a valid Swiss or Liechtenstein IBAN (QR-IBAN for QR references), got "${iban}"`);
  return iban;
}
