/** Stable userError codes of the accounts module. */
export enum AccountErrorCode {
  EMAIL_TAKEN = 'EMAIL_TAKEN',
  INVALID_CREDENTIALS = 'INVALID_CREDENTIALS',
  /** Too many failed log-ins on this account or from this address: log-in refused for a while, then as usual (issue 9). */
  LOGIN_LOCKED = 'LOGIN_LOCKED',
  /** `User.lockedAt` is set: no log-in until an approved ACCOUNT_UNLOCK identity verification clears it (R23). */
  ACCOUNT_LOCKED = 'ACCOUNT_LOCKED',
  INVALID_RESET_TOKEN = 'INVALID_RESET_TOKEN',
  RESET_TOKEN_EXPIRED = 'RESET_TOKEN_EXPIRED',
  ORGANIZATION_NAME_REQUIRED = 'ORGANIZATION_NAME_REQUIRED',
  /** logOut without a sessionId from a request made with an API token (issue 9). */
  NOT_A_SESSION = 'NOT_A_SESSION',
}
