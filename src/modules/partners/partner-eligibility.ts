/**
 * Eligibility for the partner program (R28, R29), pure: every unmet condition is reported on its
 * own field with a stable code, so an applicant learns everything it must fix in one answer.
 */
import { classifyCompanyId, formatSwissUid } from '../../calc/company-ids';
import { Currency, formatDecimal } from '../../calc/money';
import { BusinessError } from '../../graphql/errors';
import { OrganizationKind } from '../organizations/organization.entity';
import { PartnerErrorCode as Code } from './partner.errors';

export interface ApplicationFacts {
  kind: OrganizationKind;
  currency: Currency;
  companyRegistrationId: string | null | undefined;
  website: string | null | undefined;
  acceptResellerTerms: boolean;
  /** Managed yearly volume now, minor units of `currency`. */
  managedYearlyVolume: number;
  /** The program's threshold (the lowest tier's), minor units of `currency`. */
  threshold: number;
  isAffiliate: boolean;
}

export type Eligibility =
  { eligible: true; companyRegistrationId: string; website: string } | { eligible: false; errors: BusinessError[] };

const field = (name: string) => ['input', name];

/** The canonical register id (`CHE-123.456.789`, a SIRET's 14 digits, another id trimmed), or null when malformed. */
export function canonicalRegistrationId(text: string): string | null {
  const kind = classifyCompanyId(text);
  if (kind === 'CH_UID') return formatSwissUid(text);
  if (kind === 'FR_SIRET') return text.replace(/\s/g, '');
  if (kind === 'OTHER') return text.trim();
  return null;
}

/** An http(s) URL with a host that has a dot (a public website), at most 255 characters; null otherwise. */
export function canonicalWebsite(text: string): string | null {
  const value = text.trim();
  if (value.length > 255 || /\s/.test(value)) return null;
  try {
    const url = new URL(value);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
    if (!/^[a-z0-9-]+(\.[a-z0-9-]+)+$/i.test(url.hostname)) return null;
    return value;
  } catch {
    return null;
  }
}

/** Checks every condition of R28 and R29; the errors come in the order of the input's fields. */
export function checkEligibility(facts: ApplicationFacts): Eligibility {
  const errors: BusinessError[] = [];
  if (facts.kind === OrganizationKind.INDIVIDUAL)
    errors.push(
      new BusinessError(
        Code.INDIVIDUAL_ORGANIZATION,
        'The partner program is for companies: this organization is an individual one (the affiliate program is for individuals).',
        field('organizationId'),
      ),
    );
  if (facts.isAffiliate)
    errors.push(
      new BusinessError(
        Code.ALREADY_AFFILIATE,
        'This organization is an affiliate; an organization cannot be a partner and an affiliate at the same time (R29).',
        field('organizationId'),
      ),
    );
  const idText = (facts.companyRegistrationId ?? '').trim();
  const registrationId = idText ? canonicalRegistrationId(idText) : null;
  if (!idText)
    errors.push(
      new BusinessError(
        Code.REGISTRATION_ID_MISSING,
        'A commercial-register id is required (Swiss UID CHE-123.456.789, SIRET, or an equivalent).',
        field('companyRegistrationId'),
      ),
    );
  else if (!registrationId)
    errors.push(
      new BusinessError(
        Code.REGISTRATION_ID_INVALID,
        `"${idText.slice(0, 40)}" is not a valid commercial-register id: a Swiss UID (CHE-123.456.789) must pass its check digit, a SIRET (14 digits) its Luhn checksum.`,
        field('companyRegistrationId'),
      ),
    );
  const websiteText = (facts.website ?? '').trim();
  const website = websiteText ? canonicalWebsite(websiteText) : null;
  if (!websiteText)
    errors.push(new BusinessError(Code.WEBSITE_MISSING, "The company's website is required.", field('website')));
  else if (!website)
    errors.push(
      new BusinessError(
        Code.WEBSITE_INVALID,
        `"${websiteText.slice(0, 80)}" is not a website address such as https://example.ch.`,
        field('website'),
      ),
    );
  if (!facts.acceptResellerTerms)
    errors.push(
      new BusinessError(
        Code.RESELLER_TERMS_NOT_ACCEPTED,
        'The reseller terms must be accepted.',
        field('acceptResellerTerms'),
      ),
    );
  if (facts.managedYearlyVolume < facts.threshold) {
    const money = (minor: number) => `${facts.currency} ${formatDecimal(minor)}`;
    errors.push(
      new BusinessError(
        Code.VOLUME_BELOW_THRESHOLD,
        `The products this organization manages add up to ${money(facts.managedYearlyVolume)} a year; the program starts at ${money(facts.threshold)} (${money(facts.threshold - facts.managedYearlyVolume)} missing).`,
        field('organizationId'),
      ),
    );
  }
  if (errors.length || !registrationId || !website) return { eligible: false, errors };
  return { eligible: true, companyRegistrationId: registrationId, website };
}
