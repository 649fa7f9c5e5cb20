import { BusinessError } from '../../graphql/errors';
import { AccessLevel, AccessScope, BillingMode } from './client-relationship.entity';
import { AccessGrant, isWithin, requireValidGrant } from './relationship-rules';

const { FULL_ACCOUNT: FULL, PRODUCTS } = AccessScope;
const { READ, MANAGE } = AccessLevel;
const g = (scope: AccessScope, level: AccessLevel, productIds: number[] = []): AccessGrant => ({
  scope,
  level,
  productIds,
});

describe('isWithin (R31: the client may grant less, never more)', () => {
  it.each([
    ['same full account', g(FULL, MANAGE), g(FULL, MANAGE), true],
    ['READ instead of MANAGE', g(FULL, READ), g(FULL, MANAGE), true],
    ['MANAGE when READ was asked', g(FULL, MANAGE), g(FULL, READ), false],
    ['products out of a full account', g(PRODUCTS, MANAGE, [1, 2]), g(FULL, MANAGE), true],
    ['full account when products were asked', g(FULL, READ), g(PRODUCTS, MANAGE, [1]), false],
    ['fewer products', g(PRODUCTS, MANAGE, [1]), g(PRODUCTS, MANAGE, [1, 2]), true],
    ['the same products', g(PRODUCTS, READ, [2, 1]), g(PRODUCTS, READ, [1, 2]), true],
    ['another product', g(PRODUCTS, MANAGE, [3]), g(PRODUCTS, MANAGE, [1, 2]), false],
    ['fewer products but MANAGE for READ', g(PRODUCTS, MANAGE, [1]), g(PRODUCTS, READ, [1, 2]), false],
  ])('%s', (_label, granted, asked, expected) => {
    expect(isWithin(granted, asked)).toBe(expected);
  });
});

describe('requireValidGrant', () => {
  const codeOf = (fn: () => unknown) => {
    try {
      fn();
      return null;
    } catch (error) {
      return (error as BusinessError).code;
    }
  };
  it.each([
    ['full account, client pays', g(FULL, MANAGE), BillingMode.CLIENT_PAYS, null],
    ['full account, partner pays', g(FULL, READ), BillingMode.PARTNER_PAYS, null],
    ['products, client pays', g(PRODUCTS, READ, [1, 1, 2]), BillingMode.CLIENT_PAYS, null],
    ['products without any', g(PRODUCTS, READ), BillingMode.CLIENT_PAYS, 'INVALID_INPUT'],
    ['full account listing products', g(FULL, READ, [1]), BillingMode.CLIENT_PAYS, 'INVALID_INPUT'],
    ['products, partner pays', g(PRODUCTS, MANAGE, [1]), BillingMode.PARTNER_PAYS, 'PARTNER_PAYS_NEEDS_FULL_ACCOUNT'],
    [
      '101 products',
      g(
        PRODUCTS,
        READ,
        Array.from({ length: 101 }, (_, i) => i + 1),
      ),
      BillingMode.CLIENT_PAYS,
      'INVALID_INPUT',
    ],
  ])('%s', (_label, grant, mode, code) => {
    expect(codeOf(() => requireValidGrant(grant, mode))).toBe(code);
  });

  it('deduplicates product ids', () => {
    expect(requireValidGrant(g(PRODUCTS, READ, [3, 3, 4]), BillingMode.CLIENT_PAYS).productIds).toEqual([3, 4]);
  });
});
