import { DEFAULT_VAT_BP } from '../../calc/vat';

/**
 * Billing configuration (DESIGN R20 and [design] values): who issues invoices, VAT rates by the
 * customer's country, payment terms. One place, passed to the services at wiring time.
 */
export interface BillingConfig {
  /** Printed at the top of every invoice PDF. */
  provider: { name: string; address: string[]; vatNumber: string };
  /** Upper-case ISO country code → VAT rate in bp; other countries get `vatFallbackBp`. */
  vatTable: Readonly<Record<string, number>>;
  /** 0 = reverse charge for customers outside the table. */
  vatFallbackBp: number;
  /** Days between issuing an invoice and its due date. */
  invoiceDueDays: number;
  /** Printed on pro-forma invoices (payment by bank transfer, R15). */
  bankTransferInstructions: string;
}

export const DEFAULT_BILLING_CONFIG: BillingConfig = {
  provider: {
    name: 'Partner Platform Hosting SA',
    address: ['Rue de la Colline 12', '1227 Carouge GE', 'Switzerland'],
    vatNumber: 'CHE-100.200.300 TVA',
  },
  vatTable: DEFAULT_VAT_BP,
  vatFallbackBp: 0,
  invoiceDueDays: 14,
  bankTransferInstructions:
    'Bank transfer to IBAN CH93 0076 2011 6238 5295 7 (Partner Platform Hosting SA), quoting the invoice number. Bank fees are borne by the customer.',
};
