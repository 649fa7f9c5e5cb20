import { checkPostalCode } from '../../calc/postal-code';
import { parseVatNumber } from '../../calc/vat-number';
import { requireCountry, requireText } from '../../common/validate';
import { BusinessError } from '../../graphql/errors';
import { OrganizationErrorCode } from './organization.errors';

/** A postal address as invoices print it and the QR-bill's debtor carries it. */
export interface PostalAddress {
  /** Street and building number (or P.O. box), at most 70 characters (QR-bill). */
  line1: string;
  /** Optional second line (c/o, department), printed on the invoice only. */
  line2: string | null;
  postalCode: string;
  /** At most 35 characters (QR-bill). */
  city: string;
  /** ISO 3166-1 alpha-2. */
  country: string;
}

export interface AddressFields {
  line1: string;
  line2?: string | null;
  postalCode: string;
  city: string;
  country: string;
}

/** The address checked and in canonical form (trimmed, country upper-case, postal code by country). */
export function requireAddress(input: AddressFields, field: string[]): PostalAddress {
  const at = (name: string) => [...field, name];
  const country = requireCountry(input.country, at('country'));
  const postal = checkPostalCode(country, requireText(input.postalCode, at('postalCode'), { max: 16 }));
  if (!postal.ok)
    throw new BusinessError(
      OrganizationErrorCode.INVALID_POSTAL_CODE,
      `postalCode must be ${postal.expected} in ${country}.`,
      at('postalCode'),
    );
  const line2 = (input.line2 ?? '').trim();
  return {
    line1: requireText(input.line1, at('line1'), { max: 70 }),
    line2: line2 ? requireText(line2, at('line2'), { max: 70 }) : null,
    postalCode: postal.postalCode,
    city: requireText(input.city, at('city'), { max: 35 }),
    country,
  };
}

/** A VAT number in canonical form (`CHE-123.456.789 MWST`, `DE123456789`); null or blank clears it. */
export function requireVatNumber(value: string | null, field: string[]): string | null {
  if (value === null || value.trim() === '') return null;
  const parsed = parseVatNumber(value);
  if (!parsed)
    throw new BusinessError(
      OrganizationErrorCode.INVALID_VAT_NUMBER,
      'vatNumber must be a Swiss VAT number such as CHE-123.456.789 MWST (TVA, IVA) with a valid check digit, or an EU VAT id such as DE123456789.',
      field,
    );
  return parsed.value;
}
