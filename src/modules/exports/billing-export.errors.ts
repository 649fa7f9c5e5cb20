/** Stable userError codes of billing exports (R33). */
export enum BillingExportErrorCode {
  NOT_FOUND = 'NOT_FOUND',
  INVALID_PERIOD = 'INVALID_PERIOD',
  CLIENT_NOT_REACHABLE = 'CLIENT_NOT_REACHABLE',
  TOO_MANY_EXPORTS = 'TOO_MANY_EXPORTS',
  PARTNER_NOT_ACTIVE = 'PARTNER_NOT_ACTIVE',
}
