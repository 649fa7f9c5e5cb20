import {
  creditorReference,
  formatCreditorReference,
  formatQrReference,
  isValidCreditorReference,
  isValidQrReference,
  mod10RecursiveCheckDigit,
  qrReference,
} from './qr-reference';

describe('QR reference: recursive mod-10 check digit', () => {
  // Known-good references: the Swiss Payment Standards' QR-bill example, and bodies whose check digit was
  // computed by hand through the carry table (0 9 4 6 8 2 7 1 3 5).
  it.each([
    ['21000000000313947143000901', '210000000003139471430009017'], // SIX implementation guidelines example
    ['1', '000000000000000000000000011'],
    ['12345', '000000000000000000000123457'],
    ['0', '000000000000000000000000000'],
    ['99999999999999999999999999', '999999999999999999999999992'],
    ['10000000000001', '000000000000100000000000018'],
  ])('body %p → %p', (body, reference) => {
    expect(qrReference(body)).toBe(reference);
    expect(isValidQrReference(reference)).toBe(true);
  });

  it.each([
    ['210000000003139471430009018', 'wrong check digit'],
    ['210000000003139471430009071', 'two digits swapped'],
    ['21000000000313947143000901', '26 digits'],
    ['2100000000031394714300090170', '28 digits'],
    ['RF18539007547034', 'a creditor reference'],
    ['21000000000313947143000901A', 'a letter'],
    ['', 'empty'],
  ])('rejects %p (%s)', (reference) => {
    expect(isValidQrReference(reference)).toBe(false);
  });

  it('accepts the printed form with spaces and prints blocks of five from the right', () => {
    expect(isValidQrReference('21 00000 00003 13947 14300 09017')).toBe(true);
    expect(formatQrReference('210000000003139471430009017')).toBe('21 00000 00003 13947 14300 09017');
  });

  it('the check digit of the empty string is 0 and bodies must be digits', () => {
    expect(mod10RecursiveCheckDigit('')).toBe(0);
    expect(() => qrReference('12a')).toThrow();
    expect(() => qrReference('1'.repeat(27))).toThrow();
  });
});

describe('ISO 11649 creditor reference (RF)', () => {
  it.each([
    ['539007547034', 'RF18539007547034'], // the example of ISO 11649
    ['1', 'RF741'],
    ['ABC123', 'RF47ABC123'],
    ['12345678901234567890A', 'RF7312345678901234567890A'],
  ])('body %p → %p', (body, reference) => {
    expect(creditorReference(body)).toBe(reference);
    expect(isValidCreditorReference(reference)).toBe(true);
  });

  it.each([
    ['RF19539007547034'],
    ['RF18539007547035'],
    ['RF18'],
    ['XX18539007547034'],
    ['RF18 5390 0754 7034 1234 5678 9'],
  ])('rejects %p', (reference) => {
    expect(isValidCreditorReference(reference)).toBe(false);
  });

  it('accepts and prints blocks of four', () => {
    expect(isValidCreditorReference('rf18 5390 0754 7034')).toBe(true);
    expect(formatCreditorReference('RF18539007547034')).toBe('RF18 5390 0754 7034');
  });
});
