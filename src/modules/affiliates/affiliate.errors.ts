/** Stable userError codes of the affiliate program (R29, R35). */
export enum AffiliateErrorCode {
  /** Only an INDIVIDUAL organization may join. */
  NOT_AN_INDIVIDUAL = 'NOT_AN_INDIVIDUAL',
  /** The organization is, or applied to be, a partner (R29). */
  PARTNER_CANNOT_BE_AFFILIATE = 'PARTNER_CANNOT_BE_AFFILIATE',
}
