import { PaymentMethodKind } from '../payments/payment-method.entity';

/** R16: one deposit, in minor units. The one place to change the bounds (PrepaidService takes them). */
export interface DepositLimits {
  min: number;
  max: number;
}

/** 0.10 to 9999.00 CHF or EUR. */
export const PREPAID_DEPOSIT_LIMITS: DepositLimits = { min: 10, max: 999_900 };

/** R16: what may top up the prepaid account (PostFinance only exists for CHF organizations, R15). */
export const TOP_UP_METHOD_KINDS: readonly PaymentMethodKind[] = [
  PaymentMethodKind.CARD,
  PaymentMethodKind.POSTFINANCE_CARD,
  PaymentMethodKind.IBAN_TRANSFER,
];
