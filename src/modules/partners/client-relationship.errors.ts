/** Stable userError codes of client relationships (R31, R32). */
export enum RelationshipErrorCode {
  NOT_FOUND = 'NOT_FOUND',
  /** A partner code that names no ACTIVE partner (unknown, applied, rejected or suspended alike). */
  PARTNER_CODE_UNKNOWN = 'PARTNER_CODE_UNKNOWN',
  /** The partner itself is not (or no longer) ACTIVE in the program. */
  PARTNER_NOT_ACTIVE = 'PARTNER_NOT_ACTIVE',
  /** A partner cannot be its own client. */
  SELF_RELATIONSHIP = 'SELF_RELATIONSHIP',
  /** This partner and this client already have a pending or active relationship. */
  RELATIONSHIP_ALREADY_OPEN = 'RELATIONSHIP_ALREADY_OPEN',
  /** A product is already delegated to another (pending or active) relationship. */
  PRODUCT_ALREADY_DELEGATED = 'PRODUCT_ALREADY_DELEGATED',
  /** The client has a FULL_ACCOUNT relationship, or a FULL_ACCOUNT one is asked while another is open. */
  FULL_ACCOUNT_EXCLUSIVE = 'FULL_ACCOUNT_EXCLUSIVE',
  PRODUCT_NOT_FOUND = 'PRODUCT_NOT_FOUND',
  /** PARTNER_PAYS needs scope FULL_ACCOUNT (R31); the same code as setClientBillingMode's. */
  PARTNER_PAYS_NEEDS_FULL_ACCOUNT = 'PARTNER_PAYS_NEEDS_FULL_ACCOUNT',
  /** PARTNER_PAYS needs the client billed in the partner's currency; the same code as setClientBillingMode's. */
  CURRENCY_MISMATCH = 'CURRENCY_MISMATCH',
  /** Nothing waits for an answer: the request was already answered, expired or ended. */
  NOT_PENDING = 'NOT_PENDING',
  /** The relationship is not ACTIVE (already ended, never accepted). */
  NOT_ACTIVE = 'NOT_ACTIVE',
  /** The client may grant less than asked, never more (R31). */
  WIDER_THAN_REQUESTED = 'WIDER_THAN_REQUESTED',
  /** The client narrows; a widening is asked by the partner and approved by the client (R31). */
  CLIENT_CANNOT_WIDEN = 'CLIENT_CANNOT_WIDEN',
  /** assignCollaborators: the user is not a member of the partner organization. */
  NOT_A_PARTNER_MEMBER = 'NOT_A_PARTNER_MEMBER',
  /** assignCollaborators: legal representatives and administrators reach every client already. */
  NOT_A_LIMITED_USER = 'NOT_A_LIMITED_USER',
}
