/** Stable userError codes of API tokens. */
export enum ApiTokenErrorCode {
  INVALID_SCOPE = 'INVALID_SCOPE',
  INVALID_EXPIRY = 'INVALID_EXPIRY',
  TOO_MANY_TOKENS = 'TOO_MANY_TOKENS',
  NOT_FOUND = 'NOT_FOUND',
}
