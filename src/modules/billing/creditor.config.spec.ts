import { creditorFromEnv, DEFAULT_CREDITOR } from './creditor.config';

const OWN_IBAN = 'CH93 0076 2011 6238 5295 7';
/** DEFAULT_CREDITOR.iban as a person would type it. */
const SAMPLE_SPACED = 'CH44 3199 9123 0008 8901 2';

describe('creditorFromEnv', () => {
  it.each([
    ['the embedded default outside production', {}, DEFAULT_CREDITOR.iban, DEFAULT_CREDITOR.iban],
    ['the sample account under NODE_ENV=test', { NODE_ENV: 'test' }, DEFAULT_CREDITOR.iban, DEFAULT_CREDITOR.iban],
    [
      'production with its own account',
      { NODE_ENV: 'production', BILLING_IBAN: OWN_IBAN },
      'CH9300762011623852957',
      'CH9300762011623852957',
    ],
    [
      'production with its own CHF and EUR accounts',
      { NODE_ENV: 'production', BILLING_IBAN: OWN_IBAN, BILLING_IBAN_EUR: 'LI21 0881 0000 2324 013A A' },
      'CH9300762011623852957',
      'LI21088100002324013AA',
    ],
  ])('%s', (_label, env: NodeJS.ProcessEnv, iban, ibanEur) => {
    expect(creditorFromEnv(env)).toMatchObject({ iban, ibanEur });
  });

  it.each([
    [
      'the sample account left in place',
      { NODE_ENV: 'production' },
      /^BILLING_IBAN must be the provider's own account/,
    ],
    [
      'the sample account written out',
      { NODE_ENV: 'production', BILLING_IBAN: SAMPLE_SPACED },
      /^BILLING_IBAN must be the provider's own account when NODE_ENV=production/,
    ],
    [
      'the sample account for EUR',
      { NODE_ENV: 'production', BILLING_IBAN: OWN_IBAN, BILLING_IBAN_EUR: DEFAULT_CREDITOR.iban },
      /^BILLING_IBAN_EUR must be the provider's own account/,
    ],
  ])('refuses %s under NODE_ENV=production', (_label, env: NodeJS.ProcessEnv, message) => {
    expect(() => creditorFromEnv(env)).toThrow(message);
  });
});
