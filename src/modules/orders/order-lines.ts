/**
 * Validation of the lines of a new order (pure): names, line count, duplicate domains.
 */
import { domainToASCII, domainToUnicode } from 'node:url';
import { BusinessError, CommonErrorCode } from '../../graphql/errors';
import { requireText } from '../../common/validate';
import { BillingPeriod, ProductType } from '../products/product.entity';
import { OrderErrorCode } from './order.errors';

export interface OrderLineRequest {
  productType: ProductType;
  name: string;
  billingPeriod: BillingPeriod;
}

export const MAX_ORDER_LINES = 50;
export const MAX_PRODUCT_NAME = 255;

const LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
const TLD = /^(?:[a-z]{2,63}|xn--[a-z0-9-]{1,59})$/;

/**
 * A domain name in canonical form (lower case, Unicode labels as Unicode, no trailing dot), or
 * null when it is not a registrable-looking name: at least two labels, each 1–63 letters, digits
 * or inner hyphens once converted to ASCII (IDNA), a top-level label of letters (or `xn--`),
 * 253 characters at most.
 */
export function canonicalDomainName(input: string): string | null {
  const trimmed = input.trim().replace(/\.$/, '');
  if (trimmed === '' || /\s/.test(trimmed)) return null;
  const ascii = domainToASCII(trimmed.normalize('NFC'));
  if (!ascii || ascii.length > 253) return null;
  const labels = ascii.split('.');
  if (labels.length < 2 || !labels.every((label) => LABEL.test(label)) || !TLD.test(labels[labels.length - 1]))
    return null;
  return domainToUnicode(ascii);
}

/**
 * Checks and normalizes the lines of a new order: 1..50 lines; DOMAIN names must look like domain
 * names (canonicalized) and appear once; other names are non-empty text of at most 255 characters.
 * @throws BusinessError with the path of the line at fault; nothing has been written.
 */
export function normalizeOrderLines(lines: readonly OrderLineRequest[]): OrderLineRequest[] {
  if (lines.length === 0)
    throw new BusinessError(CommonErrorCode.INVALID_INPUT, 'An order needs at least one line.', ['input', 'lines']);
  if (lines.length > MAX_ORDER_LINES) {
    throw new BusinessError(CommonErrorCode.INVALID_INPUT, `An order has at most ${MAX_ORDER_LINES} lines.`, [
      'input',
      'lines',
    ]);
  }
  const domains = new Set<string>();
  return lines.map((line, i) => {
    const field = ['input', 'lines', String(i), 'name'];
    if (line.productType !== ProductType.DOMAIN) {
      return { ...line, name: requireText(line.name, field, { max: MAX_PRODUCT_NAME, label: 'product name' }) };
    }
    const name = canonicalDomainName(line.name ?? '');
    if (!name)
      throw new BusinessError(
        OrderErrorCode.INVALID_DOMAIN_NAME,
        `"${line.name}" is not a valid domain name (e.g. example.ch).`,
        field,
      );
    if (domains.has(name))
      throw new BusinessError(
        OrderErrorCode.DUPLICATE_DOMAIN,
        `The domain ${name} appears twice in this order.`,
        field,
      );
    domains.add(name);
    return { ...line, name };
  });
}
