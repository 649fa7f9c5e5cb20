import { deriveKey, signToken, verifyToken } from '../../common/signed-token';

/**
 * The requester's credential for a request posted by a visitor (R34): an HMAC over the request id,
 * under a key derived from SECRET_KEY for this purpose only, mailed to the contact address at
 * creation. It lets its holder see every proposal (offerRequestByToken) and accept one
 * (acceptProposal's `token`). It carries no expiry: the request's own closing (30 days) bounds it.
 */
export class OfferLinks {
  private readonly key: Buffer;

  constructor(secretKey: string) {
    this.key = deriveKey(secretKey, 'offer-request-requester');
  }

  tokenFor(offerRequestId: number): string {
    return signToken(this.key, ['offer', offerRequestId]);
  }

  /** The request id a genuine token names, or null. */
  requestIdOf(token: string | null | undefined): number | null {
    const parts = token ? verifyToken(this.key, token, 2) : null;
    if (!parts || parts[0] !== 'offer' || !/^[1-9]\d{0,15}$/.test(parts[1])) return null;
    return Number(parts[1]);
  }
}
