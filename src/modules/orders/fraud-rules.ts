/**
 * Fraud screening configuration (R21, [design]): a protected brand list and a risk score made
 * of simple signals with a blocking threshold. Data, passed to OrderService at wiring time.
 */
export interface FraudRules {
  /** Brand names that only their owners may register or use; matched in product names (fraud-screening.ts). */
  protectedBrands: readonly string[];
  /** Score of a protected brand in any line. */
  brandScore: number;
  /** Words typical of phishing domains (login, verify ...), matched as whole words of a domain name. */
  phishingWords: readonly string[];
  phishingWordScore: number;
  /** Orders with at least this many lines score `manyLinesScore`. */
  manyLines: number;
  manyLinesScore: number;
  /** Accounts younger than this score `newAccountScore`. */
  newAccountHours: number;
  newAccountScore: number;
  /** Orders whose gross total reaches this (minor units, per currency) score `largeOrderScore`. */
  largeOrderTotal: Readonly<Record<string, number>>;
  largeOrderScore: number;
  /** An order scoring at least this is blocked. */
  threshold: number;
  /** Days a blocked order waits for the unblocking procedure before it is cancelled (R22). */
  autoCancelDays: number;
}

export const DEFAULT_FRAUD_RULES: FraudRules = {
  protectedBrands: [
    'postfinance',
    'ubs',
    'credit-suisse',
    'raiffeisen',
    'swisscom',
    'swissquote',
    'twint',
    'sbb',
    'migros',
    'coop',
    'paypal',
    'google',
    'gmail',
    'microsoft',
    'outlook',
    'apple',
    'icloud',
    'amazon',
    'facebook',
    'instagram',
    'netflix',
    'visa',
    'mastercard',
    'infomaniak',
  ],
  brandScore: 100,
  phishingWords: [
    'login',
    'signin',
    'secure',
    'verify',
    'verification',
    'account',
    'wallet',
    'banking',
    'password',
    'update',
    'support',
  ],
  phishingWordScore: 25,
  manyLines: 10,
  manyLinesScore: 30,
  newAccountHours: 24,
  newAccountScore: 20,
  largeOrderTotal: { CHF: 200_000, EUR: 200_000 },
  largeOrderScore: 25,
  threshold: 60,
  autoCancelDays: 10,
};
