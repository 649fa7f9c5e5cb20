import { CommissionTier, PARITY_PPM } from '../../calc/commission';

/** Affiliate program settings (R35): data, not constants scattered in code. Amounts in minor units. */
export interface AffiliateConfig {
  /** The rate by the affiliate's cumulative earnings (APPROVED + PAID), in the affiliate's currency. */
  tiers: CommissionTier[];
  /** A referral earns commissions on invoices paid this many days after the sign-up (the "click"). */
  referralWindowDays: number;
  /** A commission stays PENDING this many days after the payment, then becomes APPROVED unless refunded. */
  pendingDays: number;
  /** Approved commissions are paid (monthly) once their sum reaches this. */
  payoutThresholdMinor: number;
  /**
   * Conversion of an invoice's currency into the affiliate's, in millionths (`'EUR>CHF': 950000`).
   * [design] parity by default, as R35 states its thresholds in "CHF/EUR" alike.
   */
  conversionPpm: Record<string, number>;
}

export const DEFAULT_AFFILIATE_CONFIG: AffiliateConfig = {
  tiers: [
    { fromMinor: 0, rateBp: 2500 },
    { fromMinor: 5000, rateBp: 3000 },
    { fromMinor: 100000, rateBp: 3500 },
    { fromMinor: 2000000, rateBp: 5000 },
  ],
  referralWindowDays: 365,
  pendingDays: 30,
  payoutThresholdMinor: 5000,
  conversionPpm: {},
};

/** Millionths converting `from` into `to` (parity for one currency or a pair the table leaves out). */
export function conversionPpm(config: AffiliateConfig, from: string, to: string): number {
  return from === to ? PARITY_PPM : (config.conversionPpm[`${from}>${to}`] ?? PARITY_PPM);
}
