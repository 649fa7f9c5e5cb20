import { checkPostalCode } from './postal-code';

describe('checkPostalCode', () => {
  it.each([
    ['CH', '8001', '8001'],
    ['CH', ' 1227 ', '1227'],
    ['CH', 'CH-3000', '3000'],
    ['ch', '9658', '9658'],
    ['LI', '9490', '9490'],
    ['LI', 'LI-9485', '9485'],
    ['AT', '1010', '1010'],
    ['AT', 'A-6020', '6020'],
    ['DE', '10115', '10115'],
    ['DE', '01067', '01067'],
    ['DE', 'D-80331', '80331'],
    ['FR', '75001', '75001'],
    ['FR', '20000', '20000'], // Corsica
    ['FR', '97400', '97400'], // La Réunion
    ['IT', '00184', '00184'],
    ['IT', '20121', '20121'],
    ['NL', '1012ab', '1012 AB'],
    ['BE', '1000', '1000'],
    ['GB', 'SW1A 1AA', 'SW1A 1AA'],
    ['US', '10001-1234', '10001-1234'],
  ])('%s %p → %p', (country, code, canonical) => {
    expect(checkPostalCode(country, code)).toEqual({ ok: true, postalCode: canonical });
  });

  it.each([
    ['CH', '800'], // too short
    ['CH', '80011'],
    ['CH', '0800'], // below 1000
    ['CH', '9490'], // Vaduz is in Liechtenstein
    ['CH', 'ABCD'],
    ['LI', '8001'], // a Swiss code
    ['AT', '0999'],
    ['AT', '10100'],
    ['DE', '1011'],
    ['DE', '00999'],
    ['FR', '7500'],
    ['FR', '00100'],
    ['IT', '00009'],
    ['IT', '2012'],
    ['NL', '0123 AB'],
    ['GB', ''],
    ['GB', 'ABC'], // no digit
    ['US', '12345678901234567'], // 17 characters
  ])('rejects %s %p', (country, code) => {
    expect(checkPostalCode(country, code).ok).toBe(false);
  });

  it('says what a valid code looks like', () => {
    expect(checkPostalCode('CH', '80')).toEqual({ ok: false, expected: '4 digits, e.g. 8001' });
  });
});
