import { BusinessError } from '../../graphql/errors';
import { BillingPeriod, ProductType } from '../products/product.entity';
import { canonicalDomainName, normalizeOrderLines, OrderLineRequest } from './order-lines';

const line = (productType: ProductType, name: string): OrderLineRequest => ({
  productType,
  name,
  billingPeriod: BillingPeriod.YEARLY,
});
const failure = (lines: OrderLineRequest[]) => {
  try {
    normalizeOrderLines(lines);
  } catch (error) {
    if (error instanceof BusinessError) return { code: error.code, field: error.field };
    throw error;
  }
  return null;
};

describe('canonicalDomainName', () => {
  it.each([
    ['example.ch', 'example.ch'],
    ['  Example.CH  ', 'example.ch'],
    ['example.ch.', 'example.ch'],
    ['sub.my-site.co.uk', 'sub.my-site.co.uk'],
    ['müller.ch', 'müller.ch'],
    ['xn--mller-kva.ch', 'müller.ch'],
    ['123.ch', '123.ch'],
  ])('accepts %p as %p', (input, expected) => {
    expect(canonicalDomainName(input)).toBe(expected);
  });

  it.each([
    '',
    'example',
    '.ch',
    'example..ch',
    '-example.ch',
    'example-.ch',
    'exa mple.ch',
    'example.c',
    'example.123',
    '1.2.3.4',
    `${'a'.repeat(64)}.ch`,
    `${'a.'.repeat(127)}ch`,
    'http://example.ch',
    'ex_ample.ch',
  ])('refuses %p', (input) => {
    expect(canonicalDomainName(input)).toBeNull();
  });
});

describe('normalizeOrderLines', () => {
  it('normalizes names and keeps the order of lines', () => {
    expect(
      normalizeOrderLines([line(ProductType.WEB_HOSTING, '  My site '), line(ProductType.DOMAIN, 'Example.CH')]),
    ).toEqual([line(ProductType.WEB_HOSTING, 'My site'), line(ProductType.DOMAIN, 'example.ch')]);
  });

  it.each([
    ['no line', [], 'INVALID_INPUT', ['input', 'lines']],
    [
      '51 lines',
      Array.from({ length: 51 }, (_, i) => line(ProductType.KDRIVE, `drive ${i}`)),
      'INVALID_INPUT',
      ['input', 'lines'],
    ],
    ['an empty name', [line(ProductType.KDRIVE, '   ')], 'INVALID_INPUT', ['input', 'lines', '0', 'name']],
    [
      'a 256-character name',
      [line(ProductType.KDRIVE, 'x'.repeat(256))],
      'INVALID_INPUT',
      ['input', 'lines', '0', 'name'],
    ],
    [
      'a bad domain',
      [line(ProductType.KDRIVE, 'ok'), line(ProductType.DOMAIN, 'not a domain')],
      'INVALID_DOMAIN_NAME',
      ['input', 'lines', '1', 'name'],
    ],
    [
      'a domain twice (any case)',
      [line(ProductType.DOMAIN, 'a.ch'), line(ProductType.DOMAIN, 'A.CH')],
      'DUPLICATE_DOMAIN',
      ['input', 'lines', '1', 'name'],
    ],
  ])('refuses %s', (_label, lines, code, field) => {
    expect(failure(lines)).toEqual({ code, field });
  });

  it('accepts 50 lines and the same name for two non-domain products', () => {
    expect(normalizeOrderLines(Array.from({ length: 50 }, () => line(ProductType.MAIL_SERVICE, 'mail')))).toHaveLength(
      50,
    );
  });
});
