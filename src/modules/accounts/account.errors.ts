/** Stable userError codes of the accounts module. */
export enum AccountErrorCode {
  EMAIL_TAKEN = 'EMAIL_TAKEN',
  INVALID_CREDENTIALS = 'INVALID_CREDENTIALS',
  ORGANIZATION_NAME_REQUIRED = 'ORGANIZATION_NAME_REQUIRED',
}
