import { parseVatNumber } from './vat-number';

describe('parseVatNumber', () => {
  it.each([
    ['CHE-116.281.710 MWST', 'CH', 'CH', 'CHE-116.281.710 MWST'],
    ['CHE-109.322.551 TVA', 'CH', 'CH', 'CHE-109.322.551 TVA'],
    ['che116281710 iva', 'CH', 'CH', 'CHE-116.281.710 IVA'],
    ['CHE 116 281 710 MWST', 'CH', 'CH', 'CHE-116.281.710 MWST'],
    ['DE123456789', 'EU', 'DE', 'DE123456789'],
    ['de 123 456 789', 'EU', 'DE', 'DE123456789'],
    ['ATU12345678', 'EU', 'AT', 'ATU12345678'],
    ['FR40303265045', 'EU', 'FR', 'FR40303265045'],
    ['FRXX999999999', 'EU', 'FR', 'FRXX999999999'],
    ['IT 00743110157', 'EU', 'IT', 'IT00743110157'],
    ['NL123456789B01', 'EU', 'NL', 'NL123456789B01'],
    ['BE0123456789', 'EU', 'BE', 'BE0123456789'],
    ['ESA12345678', 'EU', 'ES', 'ESA12345678'],
    ['ES12345678Z', 'EU', 'ES', 'ES12345678Z'],
    ['EL123456789', 'EU', 'GR', 'EL123456789'],
    ['IE1234567T', 'EU', 'IE', 'IE1234567T'],
    ['IE1234567WA', 'EU', 'IE', 'IE1234567WA'],
    ['SE123456789001', 'EU', 'SE', 'SE123456789001'],
    ['XI123456789', 'EU', 'GB', 'XI123456789'],
    ['LU-1234-5678', 'EU', 'LU', 'LU12345678'],
  ])('%p → %s %s %p', (text, kind, country, value) => {
    expect(parseVatNumber(text)).toEqual({ kind, country, value });
  });

  it.each([
    ['CHE-116.281.711 MWST', 'wrong mod-11 check digit'],
    ['CHE-123.456.789 MWST', 'the placeholder of the docs fails its check digit'],
    ['CHE-116.281.710', 'a UID without the VAT suffix'],
    ['CHE-116.281.710 VAT', 'an unknown suffix'],
    ['DE12345678', 'DE with 8 digits'],
    ['ATU1234567', 'AT with 7 digits'],
    ['AT12345678', 'AT without U'],
    ['GR123456789', 'Greece is EL in VIES'],
    ['NL123456789A01', 'NL without B'],
    ['SE123456789012', 'SE not ending in 01'],
    ['US123456789', 'not an EU prefix'],
    ['GB123456789', 'Great Britain left the EU'],
    ['', 'empty'],
  ])('rejects %p (%s)', (text) => {
    expect(parseVatNumber(text)).toBeNull();
  });
});
