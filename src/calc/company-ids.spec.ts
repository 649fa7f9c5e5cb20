import { classifyCompanyId, formatSwissUid, isValidSiret, parseSwissUid, passesLuhn } from './company-ids';

describe('parseSwissUid (mod-11 check digit)', () => {
  it.each([
    ['CHE-116.281.710', '116281710'], // check digit 0 (sum ≡ 0 mod 11)
    ['CHE-109.322.551', '109322551'],
    ['che116281710', '116281710'],
    ['CHE 116 281 710', '116281710'],
    ['  CHE-116.281.710 ', '116281710'],
  ])('%p → %p', (text, digits) => {
    expect(parseSwissUid(text)).toBe(digits);
  });

  it.each([
    ['CHE-116.281.711'], // wrong check digit
    ['CHE-109.322.552'],
    ['CHE-123.456.789'], // the placeholder of the docs fails its check digit
    ['CHE-116.281.71'],
    ['116.281.710'],
    ['DE-116.281.710'],
    [''],
  ])('rejects %p', (text) => {
    expect(parseSwissUid(text)).toBeNull();
  });

  it('formats the canonical form', () => {
    expect(formatSwissUid('che116281710')).toBe('CHE-116.281.710');
    expect(formatSwissUid('CHE-116.281.711')).toBeNull();
  });
});

describe('Luhn and SIRET', () => {
  it.each([
    ['79927398713', true],
    ['79927398710', false],
    ['0', true],
    ['12a', false],
  ])('passesLuhn(%p) = %p', (digits, expected) => {
    expect(passesLuhn(digits)).toBe(expected);
  });

  it.each([
    ['73282932000074', true],
    ['732 829 320 00074', true],
    ['73282932000075', false],
    ['7328293200007', false],
    ['35600000000048', true], // La Poste's head office passes Luhn
    ['35600000049837', true], // La Poste establishment: fails Luhn, digit sum multiple of 5
    ['35600000049838', false],
  ])('isValidSiret(%p) = %p', (text, expected) => {
    expect(isValidSiret(text)).toBe(expected);
  });
});

describe('classifyCompanyId', () => {
  it.each([
    ['CHE-116.281.710', 'CH_UID'],
    ['CHE-116.281.711', null],
    ['73282932000074', 'FR_SIRET'],
    ['73282932000075', null],
    ['HRB 12345', 'OTHER'],
    ['abc', null],
    ['no digits here', null],
  ])('%p → %p', (text, expected) => {
    expect(classifyCompanyId(text)).toBe(expected);
  });
});
