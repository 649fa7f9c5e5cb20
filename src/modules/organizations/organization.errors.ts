/** Stable userError codes of an organization's own details (billing address, VAT number). */
export enum OrganizationErrorCode {
  INVALID_POSTAL_CODE = 'INVALID_POSTAL_CODE',
  INVALID_VAT_NUMBER = 'INVALID_VAT_NUMBER',
}
