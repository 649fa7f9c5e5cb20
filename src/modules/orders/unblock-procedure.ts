import type { RequestContext } from '../../context';

/**
 * The unblocking procedure of a BLOCKED order (R21), as orders need it: mail it to the user who
 * placed the order, after the order's transaction committed. Identity verification implements it
 * (VerificationStartService: the verification's link and QR code); orders do not import identity.
 */
export interface UnblockProcedure {
  /** Mails the procedure of order `orderId`; does nothing when the order is not BLOCKED (any more). */
  sendUnblockProcedure(ctx: RequestContext, orderId: number): Promise<void>;
}
