import { DEFAULT_VAT_BP } from '../../calc/vat';
import { BillingCreditor, DEFAULT_CREDITOR } from './creditor.config';

/**
 * Billing configuration (DESIGN R20 and [design] values): who issues invoices, VAT rates by the
 * customer's country, payment terms. One place, passed to the services at wiring time.
 */
export interface BillingConfig {
  /** Printed at the top of every invoice PDF. */
  provider: { name: string; address: string[]; vatNumber: string };
  /** The issuer as QR-bill creditor: accounts, address, reference prefix (BILLING_* configuration). */
  creditor: BillingCreditor;
  /** Upper-case ISO country code → VAT rate in bp; other countries get `vatFallbackBp`. */
  vatTable: Readonly<Record<string, number>>;
  /** 0 = reverse charge for customers outside the table. */
  vatFallbackBp: number;
  /** Days between issuing an invoice and its due date. */
  invoiceDueDays: number;
}

/** The billing configuration for `creditor`: the provider block of the invoice is the creditor's name and address. */
export function billingConfigFor(creditor: BillingCreditor): BillingConfig {
  return {
    provider: {
      name: creditor.name,
      address: [creditor.street, `${creditor.postalCode} ${creditor.city}`, countryName(creditor.country)],
      vatNumber: creditor.vatNumber,
    },
    creditor,
    vatTable: DEFAULT_VAT_BP,
    vatFallbackBp: 0,
    invoiceDueDays: 14,
  };
}

export const DEFAULT_BILLING_CONFIG: BillingConfig = billingConfigFor(DEFAULT_CREDITOR);

const REGION_NAMES = new Intl.DisplayNames(['en'], { type: 'region' });

/** The English name of an ISO 3166-1 alpha-2 country ("Switzerland"), or the code itself when unknown. */
export function countryName(code: string): string {
  try {
    return REGION_NAMES.of(code) ?? code;
  } catch {
    return code;
  }
}
