/** Stable userError codes of billing modes (R30, R31). */
export enum PartnerBillingErrorCode {
  RELATIONSHIP_NOT_FOUND = 'RELATIONSHIP_NOT_FOUND',
  /** The relationship was declined, expired or ended: its billing mode no longer matters. */
  RELATIONSHIP_CLOSED = 'RELATIONSHIP_CLOSED',
  /** PARTNER_PAYS needs an ACTIVE relationship... */
  RELATIONSHIP_NOT_ACTIVE = 'RELATIONSHIP_NOT_ACTIVE',
  /** ...with scope FULL_ACCOUNT (R31). */
  PARTNER_PAYS_NEEDS_FULL_ACCOUNT = 'PARTNER_PAYS_NEEDS_FULL_ACCOUNT',
  /** A partner pays in its own currency: the client's must be the same. */
  CURRENCY_MISMATCH = 'CURRENCY_MISMATCH',
}
