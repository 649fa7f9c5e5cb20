import { addDays, DAY_MS } from './periods';

/** Auto-renewal and expiry settings (R11, R12, R14): data, not constants scattered in code. */
export interface RenewalConfig {
  /** First charge attempt this many days before expiry; also the latest moment auto-renewal may be switched on (R11, R12). */
  leadDays: number;
  /** After a failed renewal charge, the next attempts come this many days after the previous one (then none). */
  retryAfterDays: number[];
  /** Days after an unpaid invoice's due date when its blocked products are cancelled (R14 [design]). */
  cancelAfterOverdueDays: number;
  /** Expiry notices, days before expiry, unless the organization sets its own (R14 [design]). */
  expiryNoticeDays: number[];
}

export const DEFAULT_RENEWAL_CONFIG: RenewalConfig = {
  leadDays: 14,
  retryAfterDays: [3, 4, 4],
  cancelAfterOverdueDays: 30,
  expiryNoticeDays: [30, 7],
};

/** Organizations may choose up to three notice days, each 1 to this many days before expiry. */
export const MAX_NOTICE_DAYS = 60;
export const MAX_NOTICES = 3;

/** When auto-renewal first tries to charge a product (expiry − lead days). */
export function firstRenewalAttempt(expiresAt: Date, config: RenewalConfig = DEFAULT_RENEWAL_CONFIG): Date {
  return addDays(expiresAt, -config.leadDays);
}

/** R12: auto-renewal can be switched on only while at least `leadDays` remain before expiry. */
export function isTooLateForAutoRenew(
  expiresAt: Date,
  now: Date,
  config: RenewalConfig = DEFAULT_RENEWAL_CONFIG,
): boolean {
  return expiresAt.getTime() - now.getTime() < config.leadDays * DAY_MS;
}

/** The next attempt after `failures` failed ones (1-based count), or null when the retries are used up. */
export function nextRetryAt(
  lastAttempt: Date,
  failures: number,
  config: RenewalConfig = DEFAULT_RENEWAL_CONFIG,
): Date | null {
  const days = config.retryAfterDays[failures - 1];
  return days === undefined ? null : addDays(lastAttempt, days);
}
