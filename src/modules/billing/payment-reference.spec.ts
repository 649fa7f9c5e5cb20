import { isValidCreditorReference, isValidQrReference } from '../../calc/qr-reference';
import { formatPaymentReference, parsePaymentReference, paymentReferenceFor } from './payment-reference';

describe('paymentReferenceFor / parsePaymentReference', () => {
  // Check digits cross-checked with swissqrbill's own calculateQRReferenceChecksum / calculateSCORReferenceChecksum.
  it.each([
    ['INVOICE', 1, '', true, '000000000000010000000000014'],
    ['INVOICE', 123, '', true, '000000000000010000000001239'],
    ['TOP_UP', 123, '', true, '000000000000020000000001231'],
    ['INVOICE', 123, '123456', true, '123456000000010000000001231'],
    ['INVOICE', 999_999_999_999, '', true, '000000000000019999999999996'],
    ['INVOICE', 123, '', false, 'RF861000000000123'],
    ['TOP_UP', 7, '42', false, 'RF87422000000000007'],
  ] as const)('%s %d prefix %p qr=%p → %p', (kind, id, prefix, qr, reference) => {
    const made = paymentReferenceFor(kind, id, prefix, qr);
    expect(made).toBe(reference);
    expect(qr ? isValidQrReference(made) : isValidCreditorReference(made)).toBe(true);
    expect(parsePaymentReference(made, prefix)).toEqual({ kind, id });
    expect(parsePaymentReference(formatPaymentReference(made), prefix)).toEqual({ kind, id });
  });

  it.each([
    ['210000000003139471430009017', '', 'someone else’s QR reference (digits in the middle)'],
    ['000000000000010000000001234', '', 'wrong check digit'],
    ['000000000000030000000001235', '', 'unknown kind digit 3'],
    ['000000000000010000000000006', '', 'id 0'],
    ['000000000000010000000001239', '123456', 'another prefix'],
    ['123456000000010000000001231', '', 'a prefix we do not use'],
    ['RF18539007547034', '', 'an RF reference of another layout'],
    ['Invoice 2026-000001', '', 'free text'],
  ])('%p with prefix %p is not ours (%s)', (reference, prefix, why) => {
    const checksumValid = isValidQrReference(reference) || isValidCreditorReference(reference);
    expect(checksumValid).toBe(!/check digit|free text/.test(why));
    expect(parsePaymentReference(reference, prefix)).toBeNull();
  });

  it('prints QR references in blocks of five and RF references in blocks of four', () => {
    expect(formatPaymentReference('000000000000010000000001239')).toBe('00 00000 00000 01000 00000 01239');
    expect(formatPaymentReference('RF861000000000123')).toBe('RF86 1000 0000 0012 3');
  });

  it('refuses ids that do not fit', () => {
    expect(() => paymentReferenceFor('INVOICE', 0, '', true)).toThrow();
    expect(() => paymentReferenceFor('INVOICE', 1e12, '', true)).toThrow();
  });
});
