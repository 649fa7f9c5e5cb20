import { ProductType } from '../products/product.entity';
import { DEFAULT_FRAUD_RULES, FraudRules } from './fraud-rules';
import { findProtectedBrand, screenOrder, ScreeningInput } from './fraud-screening';

const BRANDS = DEFAULT_FRAUD_RULES.protectedBrands;

describe('findProtectedBrand', () => {
  it.each([
    ['postfinance-login.ch', 'postfinance'],
    ['post-finance24.ch', 'postfinance'],
    ['PostFinance', 'postfinance'],
    ['paypa1-secure.com', 'paypal'],
    ['g00gle.ch', 'google'],
    ['rnicrosoft-support.com', 'microsoft'],
    ['ubs-login.ch', 'ubs'],
    ['my.ubs.ch', 'ubs'],
    ['appleid-verify.com', 'apple'],
    ['Swisscöm shop', 'swisscom'],
    ['mysecurepaypalaccount.net', 'paypal'],
    ['credit-suisse-online.ch', 'credit-suisse'],
  ])('finds a brand in %p', (name, brand) => {
    expect(findProtectedBrand(name, BRANDS)).toBe(brand);
  });

  it.each([
    'clubs.ch',
    'pineapple.ch',
    'bäckerei-müller.ch',
    'example.ch',
    'My web site',
    'scoop.ch',
    'visaservice-bern.ch',
  ])('finds none in %p', (name) => {
    expect(findProtectedBrand(name, BRANDS)).toBeNull();
  });

  it('uses the configured list only', () => {
    expect(findProtectedBrand('acme-login.ch', ['acme'])).toBe('acme');
    expect(findProtectedBrand('paypal.com', [])).toBeNull();
  });
});

describe('screenOrder (R21)', () => {
  const now = new Date('2026-03-01T12:00:00Z');
  const oldAccount = new Date('2025-01-01T00:00:00Z');
  const input = (over: Partial<ScreeningInput> = {}): ScreeningInput => ({
    lines: [{ productType: ProductType.WEB_HOSTING, name: 'example.ch' }],
    total: 10_000,
    currency: 'CHF',
    accountCreatedAt: oldAccount,
    now,
    ...over,
  });
  const domain = (name: string) => ({ productType: ProductType.DOMAIN, name });
  const hostings = (n: number) =>
    Array.from({ length: n }, (_, i) => ({ productType: ProductType.WEB_HOSTING, name: `site ${i}` }));

  it.each<[string, Partial<ScreeningInput>, number, boolean]>([
    ['an ordinary order', {}, 0, false],
    ['a protected brand', { lines: [domain('paypal-help.ch')] }, 100, true],
    [
      'a brand in a non-domain product',
      { lines: [{ productType: ProductType.KDRIVE, name: 'Swisscom backup' }] },
      100,
      true,
    ],
    ['two brands count once', { lines: [domain('paypal.ch'), domain('google.ch')] }, 100, true],
    ['a phishing word', { lines: [domain('secure-login.ch')] }, 25, false],
    ['a new account', { accountCreatedAt: new Date(now.getTime() - 3600_000) }, 20, false],
    ['an account of exactly 24 hours', { accountCreatedAt: new Date(now.getTime() - 24 * 3600_000) }, 0, false],
    ['10 lines', { lines: hostings(10) }, 30, false],
    ['9 lines', { lines: hostings(9) }, 0, false],
    ['a large order', { total: 200_000 }, 25, false],
    ['a large order in another currency', { total: 200_000, currency: 'USD' }, 0, false],
    ['new account + many lines', { lines: hostings(10), accountCreatedAt: now }, 50, false],
    [
      'new account + many lines + phishing word',
      { lines: [...hostings(9), domain('verify-now.ch')], accountCreatedAt: now },
      75,
      true,
    ],
    [
      'phishing word + large order + new account',
      { lines: [domain('wallet.ch')], total: 500_000, accountCreatedAt: now },
      70,
      true,
    ],
  ])('%s scores %i (blocked: %p)', (_label, over, score, blocked) => {
    const result = screenOrder(input(over), DEFAULT_FRAUD_RULES);
    expect(result.score).toBe(score);
    expect(result.blocked).toBe(blocked);
    expect(result.reasons.length > 0).toBe(score > 0);
  });

  it('blocks at the threshold, not below', () => {
    const rules: FraudRules = { ...DEFAULT_FRAUD_RULES, threshold: 25 };
    expect(screenOrder(input({ lines: [domain('secure-login.ch')] }), rules).blocked).toBe(true);
    expect(screenOrder(input({ accountCreatedAt: now }), rules).blocked).toBe(false);
  });

  it('names the brand and the line in the reason', () => {
    expect(
      screenOrder(input({ lines: [domain('example.ch'), domain('postfinance-login.ch')] }), DEFAULT_FRAUD_RULES)
        .reasons,
    ).toEqual([
      'protected brand name "postfinance" in "postfinance-login.ch"',
      'phishing-like domain name "postfinance-login.ch"',
    ]);
  });
});
