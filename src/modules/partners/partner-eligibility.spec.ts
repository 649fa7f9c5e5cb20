import { OrganizationKind } from '../organizations/organization.entity';
import { ApplicationFacts, canonicalRegistrationId, canonicalWebsite, checkEligibility } from './partner-eligibility';

const eligible: ApplicationFacts = {
  kind: OrganizationKind.COMPANY,
  currency: 'CHF',
  companyRegistrationId: 'CHE-116.281.710',
  website: 'https://agency.example.ch',
  acceptResellerTerms: true,
  managedYearlyVolume: 2000_00,
  threshold: 2000_00,
  isAffiliate: false,
};

const codesOf = (facts: Partial<ApplicationFacts>) => {
  const result = checkEligibility({ ...eligible, ...facts });
  return result.eligible ? [] : result.errors.map((e) => `${e.code}@${e.field?.join('.')}`);
};

describe('checkEligibility (R28, R29)', () => {
  it('accepts a company at the threshold, with the canonical id and website', () => {
    expect(checkEligibility({ ...eligible, companyRegistrationId: 'che 116 281 710' })).toEqual({
      eligible: true,
      companyRegistrationId: 'CHE-116.281.710',
      website: 'https://agency.example.ch',
    });
  });

  it.each([
    ['an individual', { kind: OrganizationKind.INDIVIDUAL }, ['INDIVIDUAL_ORGANIZATION@input.organizationId']],
    ['an affiliate (R29)', { isAffiliate: true }, ['ALREADY_AFFILIATE@input.organizationId']],
    ['no register id', { companyRegistrationId: '  ' }, ['REGISTRATION_ID_MISSING@input.companyRegistrationId']],
    ['a null register id', { companyRegistrationId: null }, ['REGISTRATION_ID_MISSING@input.companyRegistrationId']],
    [
      'a UID with a wrong check digit',
      { companyRegistrationId: 'CHE-123.456.789' },
      ['REGISTRATION_ID_INVALID@input.companyRegistrationId'],
    ],
    [
      'a SIRET failing Luhn',
      { companyRegistrationId: '73282932000075' },
      ['REGISTRATION_ID_INVALID@input.companyRegistrationId'],
    ],
    [
      'a register id without digits',
      { companyRegistrationId: 'ACME' },
      ['REGISTRATION_ID_INVALID@input.companyRegistrationId'],
    ],
    ['no website', { website: '' }, ['WEBSITE_MISSING@input.website']],
    ['a website that is no URL', { website: 'agency dot ch' }, ['WEBSITE_INVALID@input.website']],
    ['an ftp website', { website: 'ftp://agency.example.ch' }, ['WEBSITE_INVALID@input.website']],
    ['a website without a public host', { website: 'http://localhost' }, ['WEBSITE_INVALID@input.website']],
    ['terms not accepted', { acceptResellerTerms: false }, ['RESELLER_TERMS_NOT_ACCEPTED@input.acceptResellerTerms']],
    [
      'one centime under the threshold',
      { managedYearlyVolume: 1999_99 },
      ['VOLUME_BELOW_THRESHOLD@input.organizationId'],
    ],
    [
      'everything wrong at once, in field order',
      {
        kind: OrganizationKind.INDIVIDUAL,
        isAffiliate: true,
        companyRegistrationId: 'CHE-116.281.711',
        website: 'nope',
        acceptResellerTerms: false,
        managedYearlyVolume: 0,
      },
      [
        'INDIVIDUAL_ORGANIZATION@input.organizationId',
        'ALREADY_AFFILIATE@input.organizationId',
        'REGISTRATION_ID_INVALID@input.companyRegistrationId',
        'WEBSITE_INVALID@input.website',
        'RESELLER_TERMS_NOT_ACCEPTED@input.acceptResellerTerms',
        'VOLUME_BELOW_THRESHOLD@input.organizationId',
      ],
    ],
  ] as Array<[string, Partial<ApplicationFacts>, string[]]>)('refuses %s', (_name, facts, codes) => {
    expect(codesOf(facts)).toEqual(codes);
  });

  it('explains the volume gap in the currency', () => {
    const result = checkEligibility({ ...eligible, currency: 'EUR', managedYearlyVolume: 1500_00, threshold: 1800_00 });
    expect(result.eligible).toBe(false);
    if (!result.eligible)
      expect(result.errors[0].message).toBe(
        'The products this organization manages add up to EUR 1500.00 a year; the program starts at EUR 1800.00 (EUR 300.00 missing).',
      );
  });
});

describe('canonicalRegistrationId', () => {
  it.each([
    ['CHE116281710', 'CHE-116.281.710'],
    ['CHE-109.322.551', 'CHE-109.322.551'],
    ['732 829 320 00074', '73282932000074'],
    ['HRB 12345', 'HRB 12345'],
    ['CHE-109.322.552', null],
    ['7328293200007', 'OTHER-13-digits'],
  ])('%s → %s', (text, canonical) => {
    // 13 digits are not a SIRET (14): accepted as another register's id
    expect(canonicalRegistrationId(text)).toBe(canonical === 'OTHER-13-digits' ? text : canonical);
  });
});

describe('canonicalWebsite', () => {
  it.each([
    ['https://example.ch', 'https://example.ch'],
    ['  http://www.example.fr/agence  ', 'http://www.example.fr/agence'],
    ['example.ch', null],
    ['javascript:alert(1)', null],
    ['https://exa mple.ch', null],
    [`https://${'a'.repeat(260)}.ch`, null],
  ])('%s → %s', (text, canonical) => expect(canonicalWebsite(text)).toBe(canonical));
});
