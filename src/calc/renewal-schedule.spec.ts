import { DAY_MS } from './periods';
import { DEFAULT_RENEWAL_CONFIG, firstRenewalAttempt, isTooLateForAutoRenew, nextRetryAt } from './renewal-schedule';

const expiry = new Date('2027-03-01T00:00:00Z');
const HOUR = 3_600_000;

describe('R12: auto-renewal needs at least 14 days before expiry', () => {
  it.each([
    ['13 days 23 hours before', 13 * DAY_MS + 23 * HOUR, true],
    ['14 days minus one second', 14 * DAY_MS - 1000, true],
    ['exactly 14 days before', 14 * DAY_MS, false],
    ['30 days before', 30 * DAY_MS, false],
    ['already expired', -DAY_MS, true],
  ])('%s → too late: %s', (_label, before, expected) => {
    expect(isTooLateForAutoRenew(expiry, new Date(expiry.getTime() - before))).toBe(expected);
  });
});

describe('R11: first attempt 14 days before expiry; retries', () => {
  it('first attempt', () => {
    expect(firstRenewalAttempt(expiry).toISOString()).toBe('2027-02-15T00:00:00.000Z');
  });

  it.each([
    [1, '2027-02-18T00:00:00.000Z'],
    [2, '2027-02-19T00:00:00.000Z'],
    [3, '2027-02-19T00:00:00.000Z'],
    [4, null],
  ])('after failure %d the next attempt is %s', (failures, expected) => {
    const last = new Date('2027-02-15T00:00:00Z');
    expect(nextRetryAt(last, failures)?.toISOString() ?? null).toBe(expected);
  });

  it('the retry policy never goes past the lead window', () => {
    expect(DEFAULT_RENEWAL_CONFIG.retryAfterDays.reduce((a, b) => a + b, 0)).toBeLessThan(
      DEFAULT_RENEWAL_CONFIG.leadDays,
    );
  });
});
