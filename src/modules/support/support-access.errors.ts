/** Stable userError codes of support access grants (R25). */
export enum SupportAccessErrorCode {
  NOT_FOUND = 'NOT_FOUND',
  GRANT_ALREADY_ACTIVE = 'GRANT_ALREADY_ACTIVE',
  GRANT_NOT_ACTIVE = 'GRANT_NOT_ACTIVE',
}
