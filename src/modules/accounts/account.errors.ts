/** Stable userError codes of the accounts module. */
export enum AccountErrorCode {
  EMAIL_TAKEN = 'EMAIL_TAKEN',
  INVALID_CREDENTIALS = 'INVALID_CREDENTIALS',
  /** Too many failed log-ins on this account or from this address: locked for a while (issue 9). */
  LOGIN_LOCKED = 'LOGIN_LOCKED',
  ORGANIZATION_NAME_REQUIRED = 'ORGANIZATION_NAME_REQUIRED',
}
